"""Faults: atomic requests, a database outage, and concurrent saves.

The outage against a real gunicorn and a stopped PostgreSQL is shown by
scripts/db_outage.sh (run by .ci/run); here the same paths in-process.
"""

import threading

import pytest
from django.db import OperationalError, connection
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import reverse

from actieprogramma import errors
from acties.models import Actie
from basis.views import ServiceFormView
from tests.acties.test_views import edit_form
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_request_that_fails_halfway_writes_nothing(
    client, beleidsmedewerker, world, monkeypatch
):
    """The service has saved the action and its history when the view fails."""
    actie = world["actie"]
    history_before = actie.history.count()

    def fail(self, result=None):
        raise RuntimeError("failure after the save")

    monkeypatch.setattr(ServiceFormView, "get_success_url", fail)
    client.force_login(beleidsmedewerker)
    client.raise_request_exception = False
    response = client.post(
        reverse("acties:actie-update", args=[actie.pk]),
        edit_form(actie, titel="Half opgeslagen", reden="Test"),
    )
    assert response.status_code == 500
    actie.refresh_from_db()
    assert actie.titel != "Half opgeslagen"
    assert actie.history.count() == history_before


@pytest.fixture
def database_down(monkeypatch):
    """Every query fails as it does when PostgreSQL has gone away."""

    def refuse(self, sql, params=None):
        raise OperationalError("connection to server failed: Connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    monkeypatch.setattr(errors, "database_reachable", lambda: False)


def test_an_outage_gives_a_friendly_503_page(client, beleidsmedewerker, database_down):
    client.raise_request_exception = False
    response = client.get(reverse("acties:actie-list"))
    assert response.status_code == 503
    assert response["Retry-After"] == str(errors.RETRY_AFTER)
    page = response.content.decode()
    assert "Tijdelijk niet beschikbaar" in page
    assert 'lang="nl"' in page


@pytest.mark.parametrize("signed_in", [False, True])
def test_health_reports_the_outage(client, beleidsmedewerker, monkeypatch, signed_in):
    """Also with a session cookie: the health check must not need the session."""
    if signed_in:
        client.force_login(beleidsmedewerker)

    def refuse(self, sql, params=None):
        raise OperationalError("connection to server failed: Connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


def test_an_sql_error_with_the_database_up_stays_a_500(client, monkeypatch):
    """Only an outage is a 503: a bug must not hide behind 'try again later'."""
    real = CursorWrapper.execute

    def broken(self, sql, params=None):
        if "acties_actie" in sql:
            raise OperationalError("no such column")
        return real(self, sql, params)

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    assert errors.database_reachable() is True
    client.raise_request_exception = False
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(reverse("acties:actie-list")).status_code == 500


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_edits_of_one_field_save_one_and_ask_the_rest(
    beleidsmedewerker, world
):
    """All opened the same version and changed the title: the merge lets one
    through and shows the other nineteen the conflict, saving nothing."""
    actie = world["actie"]
    url = reverse("acties:actie-update", args=[actie.pk])
    posts = [
        edit_form(actie, titel=f"Versie van persoon {index}", reden="Gelijk")
        for index in range(20)
    ]
    clients = []
    for _ in range(20):
        client = Client()
        client.force_login(beleidsmedewerker)
        clients.append(client)
    start = threading.Barrier(len(clients))
    answers = [None] * len(clients)

    def save(index, client):
        try:
            start.wait()
            response = client.post(url, posts[index])
            answers[index] = (
                response.status_code,
                "Iemand anders heeft intussen dezelfde gegevens gewijzigd"
                in response.content.decode(),
            )
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(i, c)) for i, c in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answers).count((302, False)) == 1, answers
    assert sorted(answers).count((200, True)) == 19, answers
    saved = Actie.objects.get(pk=actie.pk)
    assert saved.versie == actie.versie + 1
    assert saved.titel.startswith("Versie van persoon ")
    assert saved.history.filter(history_change_reason="Gelijk").count() == 1
