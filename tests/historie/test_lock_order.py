"""Writers take the history chains' lock before they lock any row (PostgreSQL).

Two writers on one action deadlocked: an edit held the action's row (SELECT …
FOR UPDATE) while it waited for the chains' lock, and a new progress update
held that lock while its foreign key, checked at commit (Django's foreign keys
are deferred on PostgreSQL), waited for a key-share lock on the same row.
These tests hold the chains' lock elsewhere, start a write, and check that the
waiting writer holds no lock on the action's row.
"""

import datetime
import threading
import time

import psycopg
import pytest
from django.db import connection
from django.test import Client

from acties import services
from acties.models import Actie, Voortgangsupdate
from historie.chain import LOCK_KEY
from pijlers.models import Pijler
from tests.factories import ActieFactory, PijlerFactory, UserFactory

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def _connect() -> psycopg.Connection:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True)


def _waiting_for_chain_lock(probe: psycopg.Connection, holder_pid: int) -> bool:
    row = probe.execute(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
        "AND pid <> %s",
        [holder_pid],
    ).fetchone()
    return row[0] > 0


def queued_write_leaves_row_free(write, record) -> list:
    """Run ``write`` while another session holds the chains' lock; once it
    waits for that lock, lock ``record``'s row NOWAIT from a third session
    (which fails if the write already holds the row). Returns what the write
    returned, or raised."""
    holder, probe = _connect(), _connect()
    holder.execute("BEGIN")
    holder.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
    outcome = []

    def run():
        try:
            outcome.append(write())
        except Exception as exc:  # reported in the test's thread
            outcome.append(exc)
        finally:
            connection.close()

    writer = threading.Thread(target=run)
    writer.start()
    try:
        deadline = time.monotonic() + 10
        while not _waiting_for_chain_lock(probe, holder.info.backend_pid):
            assert time.monotonic() < deadline, "the write never waited for the lock"
            time.sleep(0.05)
        probe.execute("BEGIN")
        probe.execute(
            f"SELECT id FROM {record._meta.db_table} WHERE id = %s FOR UPDATE NOWAIT",
            [record.pk],
        )
        probe.execute("ROLLBACK")
    finally:
        holder.execute("COMMIT")
        writer.join(timeout=30)
        holder.close()
        probe.close()
    return outcome


WRITES = {
    "edit of the action": lambda actie, user: services.actie_update(
        actie=actie, versie=None, user=user, reason="Bewerkt", titel="Nieuw"
    ),
    "new progress update": lambda actie, user: services.voortgangsupdate_create(
        actie=actie, datum=datetime.date(2026, 3, 1), tekst="Overleg", user=user
    ),
}


@pytest.mark.parametrize("write", WRITES)
def test_a_writer_waiting_for_the_chain_holds_no_lock_on_the_action(write):
    actie = ActieFactory()
    user = UserFactory()
    outcome = queued_write_leaves_row_free(
        lambda: WRITES[write](Actie.objects.get(pk=actie.pk), user), actie
    )
    assert not any(isinstance(result, Exception) for result in outcome), outcome
    saved = Actie.objects.get(pk=actie.pk)
    if write == "edit of the action":
        assert saved.titel == "Nieuw"
    else:
        assert Voortgangsupdate.objects.filter(actie=actie, tekst="Overleg").exists()


def test_the_admins_bulk_delete_takes_the_chain_lock_before_the_rows():
    """The list's 'delete selected' never passes the change page: it locks the
    chains first all the same."""
    pijler = PijlerFactory()
    admin_client = Client()
    admin_client.force_login(UserFactory(is_superuser=True, is_staff=True))
    outcome = queued_write_leaves_row_free(
        lambda: (
            admin_client.post(
                "/admin/pijlers/pijler/",
                {
                    "action": "delete_selected",
                    "_selected_action": [pijler.pk],
                    "post": "yes",
                },
            ).status_code
        ),
        pijler,
    )
    assert outcome == [302]
    assert not Pijler.objects.filter(pk=pijler.pk).exists()
