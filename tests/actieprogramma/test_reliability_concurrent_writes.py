"""Concurrent writers: a transaction the database aborts is retried, never a 500.

The request transaction (``pijlers.transactions``) runs a view again when
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
from django.core.management import call_command
from django.db import IntegrityError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from acties.models import Actie, Voortgangsupdate
from beveiliging.constants import Rol
from pijlers.history_chain import LOCK_KEY
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

    caplog.set_level(logging.WARNING, logger="pijlers.transactions")
    thread = threading.Thread(target=save)
    try:
        with other.cursor() as cursor:
            # Only the edit checks for the deadlock (after the default 1 s).
            cursor.execute("SET deadlock_timeout = '10s'")
            cursor.execute(
                "SELECT id FROM acties_actie WHERE id = %s FOR UPDATE", [actie.pk]
            )
            thread.start()
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                # pg_stat_activity is read once per transaction unless cleared.
                cursor.execute("SELECT pg_stat_clear_snapshot()")
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND query LIKE %s",
                    ['%"acties_actie"%FOR UPDATE%'],
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
