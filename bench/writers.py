"""What the history chains' lock costs concurrent writers (docs/history.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench.writers

Every history-writing service takes one advisory lock for all history tables
first (``historie.records.history_writer``), so writes queue one after the
other. This measures write transactions per second with 1, 4 and 8 writers,
each a thread with its own connection, all writing to one action of the real
programme: in turn a new progress update, an edit of the action and an edit
of the writer's own update, each through its service. The same runs are made
without the lock (both places that take it made no-ops), which forks the hash
chain under concurrency and is only an experiment: it all happens in a
throwaway test database that is dropped afterwards.

The machine is shared and noisy, so the configurations take turns, round
after round, and the table gives each one's median with its ratio to one
writer with the lock, measured in the same run.
"""

import argparse
import io
import os
import platform
import statistics
import threading
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "actieprogramma.settings")
    import django

    django.setup()
    from django.db import connection

    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=4.0, help="per run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--writers", default="1,4,8")
    options = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Needs PostgreSQL: the lock exists only there.")

    from django.test.utils import setup_databases, teardown_databases

    databases = setup_databases(verbosity=0, interactive=False)
    try:
        rows = measure(options)
    finally:
        teardown_databases(databases, verbosity=0)
    print(table(rows, options))


def measure(options) -> dict[tuple[int, bool], list[float]]:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import DatabaseError

    from acties import services
    from acties.models import Actie
    from historie import chain as history_chain
    from historie import records as history

    call_command("load_programme", stdout=io.StringIO())
    actie = Actie.objects.order_by("pk").first()
    counts = [int(n) for n in options.writers.split(",")]
    users = [
        get_user_model().objects.create_user(f"schrijver{i}")
        for i in range(max(counts))
    ]
    updates = [
        services.voortgangsupdate_create(
            actie=actie, datum=_today(), tekst=f"Start {i}", user=user
        )
        for i, user in enumerate(users)
    ]
    real_lock = history_chain.lock_chains

    def run(writers: int, locked: bool) -> float:
        lock = real_lock if locked else (lambda using: None)
        history.lock_chains = history_chain.lock_chains = lock
        done = [0] * writers
        aborted = [0] * writers
        start = threading.Barrier(writers)

        def work(index: int) -> None:
            from django.db import connection

            user, update = users[index], updates[index]
            try:
                start.wait()
                end = time.monotonic() + options.seconds
                step = 0
                while time.monotonic() < end and step < 100_000:
                    marker = f"{index}-{step}"
                    step += 1
                    try:
                        if step % 3 == 0:
                            services.voortgangsupdate_create(
                                actie=actie, datum=_today(), tekst=marker, user=user
                            )
                        elif step % 3 == 1:
                            services.actie_update(
                                actie=Actie.objects.get(pk=actie.pk),
                                versie=None,
                                user=user,
                                reason=f"Bench {marker}",
                                omschrijving=f"Bench {marker}",
                            )
                        else:
                            services.voortgangsupdate_update(
                                voortgangsupdate=update,
                                user=user,
                                reason=f"Bench {marker}",
                                tekst=f"Bench {marker}",
                            )
                    except DatabaseError:  # a deadlock, without the lock
                        aborted[index] += 1
                        continue
                    done[index] += 1
            finally:
                connection.close()

        threads = [threading.Thread(target=work, args=(i,)) for i in range(writers)]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        history.lock_chains = history_chain.lock_chains = real_lock
        return sum(done) / (time.monotonic() - began), sum(aborted)

    results: dict[tuple[int, bool], list[tuple[float, int]]] = {}
    for _round in range(options.rounds):
        for writers in counts:
            for locked in (True, False):
                results.setdefault((writers, locked), []).append(run(writers, locked))
    return results


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _order(row):
    (writers, locked), _rates = row
    return writers, not locked


def table(rows, options) -> str:
    """Medians, and the lock's cost as the ratio of runs made back to back.

    With the lock and without it, for the same number of writers, run one
    right after the other in each round; their ratio per round is steadier on
    a shared machine than any figure alone.
    """
    base = statistics.median(rate for rate, _ in rows[(min(n for n, _ in rows), True)])
    lines = [
        f"{options.rounds} rounds of {options.seconds:g} s per configuration, "
        f"taking turns; {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} CPUs.",
        "",
        "| writers | chain lock | writes/s (median) | runs | ratio to 1 writer "
        "with lock | with/without lock, per round (median) | aborted |",
        "|---:|---|---:|---|---:|---:|---:|",
    ]
    for (writers, locked), rates in sorted(rows.items(), key=_order):
        median = statistics.median(rate for rate, _ in rates)
        runs = ", ".join(f"{rate:.0f}" for rate, _ in rates)
        aborted = sum(count for _, count in rates)
        paired = ""
        if locked and (writers, False) in rows:
            ratios = [
                on / off
                for (on, _), (off, _) in zip(rates, rows[(writers, False)], strict=True)
            ]
            paired = f"{statistics.median(ratios):.2f}"
        lines.append(
            f"| {writers} | {'on' if locked else 'off'} | {median:.0f} | {runs} "
            f"| {median / base:.2f} | {paired} | {aborted} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
