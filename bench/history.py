"""Benchmark of reading the history back: the programme as of a date.

Run against a database filled by ``generate_data`` (PostgreSQL for figures
that mean anything):

    DATABASE_URL=postgres://… python -m bench.history [--runs 15]

It measures, on the data that is there, the reconstruction of the whole
register at a moment (every action of every programme), of one programme
(what /peildatum/ does), the /peildatum/ and /vergelijk/ pages end to end
(server time through Django's test client, templates included), and prints
the figures as a Markdown table.
"""

import argparse
import datetime
import os
import platform
import statistics
import time


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "actieprogramma.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from acties.models import Actie
    from acties.snapshot import compare, end_of_day, programma_state, snapshot_at
    from historie.records import tracked_models
    from pijlers.models import Programma

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--datum", default="2027-06-30")
    options = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]

    day = datetime.date.fromisoformat(options.datum)
    moment = end_of_day(day)
    programma = (
        Programma.objects.filter(slug__startswith="synthetisch-").order_by("pk").first()
        or Programma.objects.order_by("pk").first()
    )
    user = get_user_model().objects.filter(is_superuser=True).first()
    if user is None:
        user = get_user_model().objects.create_superuser("bench", password=None)
    client = Client()
    client.force_login(user)

    def page(url):
        def run():
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")

        return run

    cases = [
        ("whole register at a moment (snapshot_at)", lambda: snapshot_at(moment)),
        (
            "one programme at a moment (snapshot + programma_state)",
            lambda: programma_state(
                snapshot_at(moment, programma_id=programma.pk), programma.pk
            ),
        ),
        (
            "one programme compared between two moments (compare)",
            lambda: compare(
                end_of_day(day - datetime.timedelta(days=365)),
                moment,
                programma_id=programma.pk,
            ),
        ),
        (
            "/peildatum/ page",
            page(f"/peildatum/?datum={day.isoformat()}&programma={programma.pk}"),
        ),
        ("/historie/ page (first page, no filter)", page("/historie/")),
        (
            "/historie/ page filtered by an action line and a date range",
            page(
                f"/historie/?actielijn={programma.actielijnen.first().pk}"
                f"&van={(day - datetime.timedelta(days=365)).isoformat()}"
                f"&tot={day.isoformat()}"
            ),
        ),
        (
            "/vergelijk/ page",
            page(
                f"/vergelijk/?van={(day - datetime.timedelta(days=365)).isoformat()}"
                f"&tot={day.isoformat()}&programma={programma.pk}"
            ),
        ),
    ]
    history_rows = sum(model.history.count() for model in tracked_models())
    print(
        f"Database: {connection.vendor}; actions: {Actie.objects.count():,}; "
        f"history rows: {history_rows:,}; programmes: {Programma.objects.count()}"
    )
    print(
        f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; peildatum {day}; {options.runs} runs each"
    )
    print()
    print("| measurement | median (ms) | p95 (ms) | queries |")
    print("| --- | ---: | ---: | ---: |")
    for label, run in cases:
        run()  # warm up caches, as a running server has them
        times = []
        for _ in range(options.runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                run()
                times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(
            f"| {label} | {statistics.median(times):.0f} | {p95:.0f} | "
            f"{len(queries.captured_queries)} |"
        )


if __name__ == "__main__":
    main()
