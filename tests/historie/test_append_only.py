"""History is append-only in the production database, not only in the code."""

import pytest
from django.db import DatabaseError, connection, transaction

from acties.models import Actie
from historie.records import tracked_models
from tests.factories import ActieFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgresql]


def history_table(model) -> str:
    return model.history.model._meta.db_table


def test_every_history_table_refuses_update_and_delete():
    actie = ActieFactory(titel="Oorspronkelijk")
    table = history_table(Actie)
    for sql in [
        f"UPDATE {table} SET titel = 'Vervalst' WHERE id = %s",
        f"DELETE FROM {table} WHERE id = %s",
    ]:
        with pytest.raises(DatabaseError, match="append-only"):  # noqa: SIM117
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [actie.pk])
    row = actie.history.get()
    assert row.titel == "Oorspronkelijk"


def test_the_trigger_is_on_every_history_table():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'history_append_only'"
        )
        guarded = {name for (name,) in cursor.fetchall()}
    assert {history_table(model) for model in tracked_models()} <= guarded


def test_the_purge_procedure_works_only_with_a_reason_and_is_logged():
    actie = ActieFactory()
    table = history_table(Actie)
    reason = "Bewaartermijn verstreken (besluit B/2031.1)"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('actieprogramma.history_purge_reason', %s, true)",
            [reason],
        )
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [actie.pk])
    assert not actie.history.exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, operation, reason, old_row->>'titel' "
            "FROM history_purge_log"
        )
        assert cursor.fetchall() == [(table, "DELETE", reason, actie.titel)]
    # The log of purges cannot be purged itself.
    with pytest.raises(DatabaseError, match="append-only"):  # noqa: SIM117
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM history_purge_log")
