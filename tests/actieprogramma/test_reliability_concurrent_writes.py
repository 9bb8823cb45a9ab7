"""Concurrent writers: a transaction the database aborts is retried, never a 500.

The request transaction (``basis.transactions``) runs a view again when
PostgreSQL aborts it as a deadlock or serialization failure. The first tests
make the abort happen on purpose, once or every time; the PostgreSQL tests
make a real deadlock, and let eight officers write to one action over HTTP for
half a minute (``CONCURRENT_WRITES_SECONDS`` to lengthen it).
"""

import io
import logging
import os
import re
import threading
import time
from collections import Counter

import psycopg
import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from actieprogramma import errors
from acties import import_views
from acties.models import Actie, Voortgangsupdate
from basis import transactions
from basis.views import ServiceFormView
from beveiliging.constants import Rol
from historie.chain import LOCK_KEY
from tests.factories import (
    PASSWORD,
    UserFactory,
    VoortgangsupdateFactory,
    restore_roles,
)
from tests.forms import form_data

pytestmark = pytest.mark.django_db

SAVED = "De wijzigingen zijn opgeslagen."


def database_abort(cause: psycopg.Error):
    """The error Django raises for ``cause``: its own class, psycopg's as cause."""
    wrapper = IntegrityError if isinstance(cause, psycopg.IntegrityError) else None
    wrapper = wrapper or OperationalError
    try:
        raise wrapper(str(cause)) from cause
    except wrapper as exc:
        return exc


def fail_first(times: int, cause: psycopg.Error, real):
    """``real``, raising ``cause`` (as Django wraps it) the first ``times`` calls."""
    calls = []

    def replacement(*args, **kwargs):
        calls.append(1)
        if len(calls) <= times:
            raise database_abort(cause)
        return real(*args, **kwargs)

    replacement.calls = calls
    return replacement


def form_values(html: str, **changes) -> dict:
    """What a browser would send from the page's own form, with ``changes``;
    whatever fields the form renders (hidden ones included) go along."""
    return {**form_data(html), **changes}


def form_post(client, path: str, **changes) -> dict:
    """The form on ``path`` as a browser would send it, with ``changes``."""
    return form_values(client.get(path).content.decode(), **changes)


def edit(client, actie, **changes):
    path = reverse("acties:actie-update", args=[actie.pk])
    return client.post(path, form_post(client, path, **changes))


@pytest.fixture(autouse=True)
def _no_backoff(monkeypatch):
    monkeypatch.setattr(transactions, "BACKOFF", 0)


def test_a_deadlock_after_the_save_is_retried_leaving_one_change_and_one_message(
    client, beleidsmedewerker, world, monkeypatch
):
    """The first attempt saved and queued its message before the database aborted."""
    actie = world["actie"]
    failing = fail_first(
        1,
        psycopg.errors.DeadlockDetected("deadlock detected"),
        ServiceFormView.get_success_url,
    )
    monkeypatch.setattr(ServiceFormView, "get_success_url", failing)
    client.force_login(beleidsmedewerker)
    response = edit(client, actie, titel="Na een impasse", reden="Opnieuw geprobeerd")

    assert response.status_code == 302
    assert len(failing.calls) == 2
    actie.refresh_from_db()
    assert actie.titel == "Na een impasse"
    assert actie.history.filter(history_change_reason="Opnieuw geprobeerd").count() == 1
    page = client.get(response.url).content.decode()
    assert page.count(SAVED) == 1


def test_a_serialization_failure_is_retried_too(
    client, beleidsmedewerker, world, monkeypatch
):
    actie = world["actie"]
    failing = fail_first(
        2,
        psycopg.errors.SerializationFailure("could not serialize access"),
        ServiceFormView.get_success_url,
    )
    monkeypatch.setattr(ServiceFormView, "get_success_url", failing)
    client.force_login(beleidsmedewerker)
    response = edit(client, actie, titel="Na twee botsingen", reden="Derde poging")
    assert response.status_code == 302
    assert len(failing.calls) == 3
    assert actie.history.filter(history_change_reason="Derde poging").count() == 1


def test_a_retried_upload_is_read_again_from_the_start(
    client, beleidsmedewerker, world, monkeypatch
):
    """The first attempt read the file to its end; the second must see it all."""
    failing = fail_first(
        1, psycopg.errors.DeadlockDetected("deadlock detected"), import_views._plan
    )
    monkeypatch.setattr(import_views, "_plan", failing)
    client.force_login(beleidsmedewerker)
    content = b"code,actielijn,titel,status,voortgang\r\n3.7,3,Uit Excel,gepland,0\r\n"
    response = client.post(
        reverse("acties:import"),
        {
            "soort": "acties",
            "programma": world["programma"].pk,
            "bestand": SimpleUploadedFile("acties.csv", content),
            "reden": "Kwartaalrapportage",
        },
    )
    assert response.status_code == 200
    assert len(failing.calls) == 2
    assert [(row.key, row.action) for row in response.context["plan"].rows] == [
        ("3.7", "nieuw")
    ]


def test_after_three_aborted_attempts_the_answer_is_503_and_nothing_is_kept(
    client, beleidsmedewerker, world, monkeypatch
):
    actie = world["actie"]
    history_before = actie.history.count()
    failing = fail_first(
        99,
        psycopg.errors.DeadlockDetected("deadlock detected"),
        ServiceFormView.get_success_url,
    )
    monkeypatch.setattr(ServiceFormView, "get_success_url", failing)
    client.force_login(beleidsmedewerker)
    client.raise_request_exception = False
    response = edit(client, actie, titel="Nooit opgeslagen", reden="Te druk")

    assert response.status_code == 503
    assert response["Retry-After"] == str(errors.RETRY_AFTER)
    assert "Tijdelijk niet beschikbaar" in response.content.decode()
    assert len(failing.calls) == transactions.ATTEMPTS == 3
    actie.refresh_from_db()
    assert actie.titel != "Nooit opgeslagen"
    assert actie.history.count() == history_before


def test_other_database_errors_are_not_retried(
    client, beleidsmedewerker, world, monkeypatch
):
    """Only the database's own aborts for contention: a bug fails at once."""
    failing = fail_first(
        1,
        psycopg.errors.UniqueViolation("duplicate key value"),
        ServiceFormView.get_success_url,
    )
    monkeypatch.setattr(ServiceFormView, "get_success_url", failing)
    client.force_login(beleidsmedewerker)
    client.raise_request_exception = False
    actie = world["actie"]
    response = edit(client, actie, titel="Eén poging", reden="Fout")
    assert response.status_code == 500
    assert len(failing.calls) == 1
    assert not actie.history.filter(history_change_reason="Fout").exists()


def test_the_health_check_still_runs_outside_the_request_transaction(client):
    """``non_atomic_requests`` is honoured: no SAVEPOINT around /health/."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("health")).status_code == 200
    assert not any("SAVEPOINT" in query["sql"] for query in queries.captured_queries)


# --- PostgreSQL: real deadlocks and real concurrent writers ------------------------


@pytest.fixture
def roles(transactional_db):
    """The role groups, which a transactional test before this one flushed."""
    restore_roles()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_real_deadlock_is_retried_and_the_edit_saved(
    roles, beleidsmedewerker, world, caplog
):
    """Another transaction holds the action's row and then wants the chain lock.

    The edit takes the chain lock, waits for the row: a cycle. PostgreSQL
    aborts the edit's transaction (the other waits longer before it checks);
    the other one then ends, and the retried edit goes through.
    """
    actie = world["actie"]
    client = Client(raise_request_exception=False)
    client.force_login(beleidsmedewerker)
    database = connection.settings_dict
    other = psycopg.connect(
        host=database["HOST"],
        port=database["PORT"] or 5432,
        user=database["USER"],
        dbname=database["NAME"],
    )
    path = reverse("acties:actie-update", args=[actie.pk])
    data = form_post(client, path, titel="Na een echte impasse", reden="Echte impasse")
    answer = {}

    def save():
        try:
            answer["response"] = client.post(path, data)
        finally:
            connection.close()

    caplog.set_level(logging.WARNING, logger="basis.transactions")
    thread = threading.Thread(target=save)
    # The edit's new connection checks for a deadlock 4 s after it starts to
    # wait, and checks once: the cycle must be closed before then, which on a
    # busy machine takes longer than PostgreSQL's default 1 s.
    name = connection.ops.quote_name(database["NAME"])
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER DATABASE {name} SET deadlock_timeout = '4s'")
    try:
        with other.cursor() as cursor:
            # Only the edit checks for the deadlock.
            cursor.execute("SET deadlock_timeout = '60s'")
            cursor.execute(
                "SELECT id FROM acties_actie WHERE id = %s FOR UPDATE", [actie.pk]
            )
            thread.start()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                # pg_stat_activity is read once per transaction unless cleared.
                cursor.execute("SELECT pg_stat_clear_snapshot()")
                # Blocked by this connection: the edit waits for the row. (Its
                # query text is cut at track_activity_query_size, so it is not
                # recognised by its FOR UPDATE.)
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE %s = ANY(pg_blocking_pids(pid))",
                    [other.info.backend_pid],
                )
                if cursor.fetchone()[0]:
                    break
                time.sleep(0.01)
            # Waits until PostgreSQL has aborted the edit, which releases it.
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
    finally:
        other.rollback()
        other.close()
        if thread.is_alive() or thread.ident:
            thread.join(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER DATABASE {name} RESET deadlock_timeout")

    assert answer["response"].status_code == 302
    assert any("40P01" in record.getMessage() for record in caplog.records)
    saved = Actie.objects.get(pk=actie.pk)
    assert saved.titel == "Na een echte impasse"
    assert saved.history.filter(history_change_reason="Echte impasse").count() == 1


class Writer:
    """One officer in a browser of their own: signs in, then fills in forms."""

    def __init__(self, base: str, username: str):
        self.base = base
        self.session = requests.Session()
        self.answers: Counter = Counter()
        self.accepted: list[tuple[str, str]] = []
        self.refused: list[tuple[str, str]] = []
        page = self.session.get(f"{base}/accounts/login/", timeout=30)
        response = self.session.post(
            f"{base}/accounts/login/",
            data=form_values(page.text, username=username, password=PASSWORD),
            headers={"Referer": f"{base}/accounts/login/"},
            allow_redirects=False,
            timeout=30,
        )
        assert response.status_code == 302, response.text[:500]

    def submit(self, kind: str, path: str, marker: str, **changes) -> None:
        page = self.session.get(self.base + path, timeout=30)
        self.answers[("GET", kind, page.status_code)] += 1
        if page.status_code != 200:
            return
        response = self.session.post(
            self.base + path,
            data=form_values(page.text, **changes),
            headers={"Referer": self.base + path},
            allow_redirects=False,
            timeout=30,
        )
        self.answers[("POST", kind, response.status_code)] += 1
        if response.status_code == 302:
            self.accepted.append((kind, marker))
        elif response.status_code == 200:
            self.refused.append((kind, response.text))


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_eight_officers_writing_to_one_action_for_half_a_minute(
    roles, live_server, world
):
    """Edits of the action, new progress updates and edits of one update, mixed.

    No answer is a 500; every accepted write is there with its history row;
    the history's hash chains are intact afterwards.
    """
    writers_count = int(os.environ.get("CONCURRENT_WRITERS", "8"))
    seconds = float(os.environ.get("CONCURRENT_WRITES_SECONDS", "30"))
    actie = world["actie"]
    shared_update = world["update"]
    writers = [
        Writer(live_server.url, UserFactory(role=Rol.BELEIDSMEDEWERKER).username)
        for _ in range(writers_count)
    ]
    own_updates = [VoortgangsupdateFactory(actie=actie) for _ in writers]
    start = threading.Barrier(len(writers))
    failures = []

    def work(index: int, writer: Writer) -> None:
        try:
            start.wait()
            deadline = time.monotonic() + seconds
            for step in range(2000):  # bounded in count as well as in time
                if time.monotonic() >= deadline:
                    break
                marker = f"s{index}x{step}"
                kind = ["actie", "nieuw", "gedeeld", "eigen"][(index + step) % 4]
                if kind == "actie":
                    writer.submit(
                        kind,
                        f"/acties/{actie.pk}/bewerken/",
                        marker,
                        titel=f"Titel {marker}",
                        reden=f"Reden {marker}",
                    )
                elif kind == "nieuw":
                    writer.submit(
                        kind,
                        f"/acties/{actie.pk}/voortgang/nieuw/",
                        marker,
                        tekst=f"Voortgang {marker}",
                    )
                else:
                    update = shared_update if kind == "gedeeld" else own_updates[index]
                    writer.submit(
                        kind,
                        f"/voortgangsupdates/{update.pk}/bewerken/",
                        marker,
                        tekst=f"Bijgewerkt {marker}",
                        reden=f"Reden {marker}",
                    )
        except Exception as exc:  # reported below, with the writer's number
            failures.append((index, repr(exc)))

    threads = [
        threading.Thread(target=work, args=(i, w)) for i, w in enumerate(writers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)

    answers = sum((w.answers for w in writers), Counter())
    accepted = [item for w in writers for item in w.accepted]
    print(f"\n{len(writers)} writers, {seconds:.0f} s: {sorted(answers.items())}")
    assert not failures, failures
    assert not any(alive for alive in (t.is_alive() for t in threads))
    assert [key for key in answers if key[2] == 500] == [], answers
    # Refused are only edits of a record someone else changed meanwhile (the
    # form's conflict message), never a form this test filled in wrongly.
    for kind, page in (refused for w in writers for refused in w.refused):
        assert kind in {"actie", "gedeeld"}, kind
        assert re.search(r"intussen [\w ]{0,30}gewijzigd", page), (kind, page)
    for kind in ("actie", "nieuw", "gedeeld", "eigen"):
        assert any(k == kind for k, _marker in accepted), (kind, answers)

    history = actie.history.values_list("history_change_reason", flat=True)
    reasons = Counter(history)
    update_reasons = Counter(
        Voortgangsupdate.history.values_list("history_change_reason", flat=True)
    )
    texts = set(Voortgangsupdate.objects.values_list("tekst", flat=True))
    for kind, marker in accepted:
        if kind == "actie":
            assert reasons[f"Reden {marker}"] == 1, marker
        elif kind == "nieuw":
            assert f"Voortgang {marker}" in texts, marker
            update = Voortgangsupdate.objects.get(tekst=f"Voortgang {marker}")
            assert update.history.filter(history_type="+").count() == 1
        else:
            assert update_reasons[f"Reden {marker}"] == 1, marker

    out = io.StringIO()
    call_command("verify_history", stdout=out)
    assert "history tables verified" in out.getvalue()
