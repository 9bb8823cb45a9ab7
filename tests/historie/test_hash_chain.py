"""Tamper evidence: every history table is a hash chain that verify_history checks.

The attacks are made as someone with the table owner's rights would make them:
straight in the database, with the append-only trigger switched off (on
PostgreSQL; SQLite has no trigger).
"""

import contextlib
import datetime
import hashlib
import io
import itertools
import json
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from acties import services
from acties.models import Actie, Meting, Organisatie
from historie import chain as history_chain
from historie.chain import (
    GENESIS,
    LAYOUT_TABLE,
    columns,
    hashed_fields,
    layouts,
    row_hash,
)
from historie.models import ChainLayout, PurgeLogEntry
from historie.records import save_with_history, system_user, tracked_models
from pijlers import services as pijlers_services
from pijlers.models import Programma
from tests.factories import (
    ActieFactory,
    ActielijnFactory,
    IndicatorFactory,
    ProgrammaFactory,
)

pytestmark = pytest.mark.django_db

ACTIE_TABLE = "acties_historicalactie"


def verify_history() -> str:
    out = io.StringIO()
    call_command("verify_history", stdout=out)
    return out.getvalue()


def verify_history_fails() -> str:
    with pytest.raises(CommandError) as excinfo:
        verify_history()
    return str(excinfo.value)


@contextlib.contextmanager
def owner_rights(table: str):
    """A cursor that can change ``table`` as its owner can: trigger disabled."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Run the test's deferred foreign key checks now: ALTER TABLE
            # refuses a table with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER history_append_only")
        yield cursor
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER history_append_only")


def history_ids(model) -> list[int]:
    return list(
        model.history.model.objects.order_by("history_id").values_list(
            "history_id", flat=True
        )
    )


@pytest.fixture
def acties_with_history(db):
    """Three actions, each created and edited: six rows in the actions' chain."""
    user = system_user()
    acties = [ActieFactory(titel=f"Actie {n}") for n in range(3)]
    for actie in acties:
        services.actie_update(
            actie=actie, versie=actie.versie, user=user, reason="Gestart",
            status="lopend", voortgang=20,
        )  # fmt: skip
    assert len(history_ids(Actie)) == 6
    return acties


def test_rows_are_chained_as_they_are_written(acties_with_history):
    rows = list(Actie.history.model.objects.order_by("history_id"))
    assert rows[0].history_prev_hash == GENESIS
    for previous, row in itertools.pairwise(rows):
        assert row.history_prev_hash == previous.history_hash
    hashes = [row.history_hash for row in rows]
    assert len(set(hashes)) == len(hashes)
    assert all(len(h) == 64 and int(h, 16) >= 0 for h in hashes)


def test_the_hash_follows_the_documented_recipe(db):
    """docs/history.md describes the hash so that anyone can check it themselves."""
    meting = save_with_history(
        Meting(
            indicator=IndicatorFactory(),
            datum=datetime.date(2026, 3, 1),
            waarde=Decimal("7.5"),
            toelichting="Één meting",
        ),
        user=system_user(),
        reason="Testgegevens",
    )
    row = meting.history.values().get()

    def plain(value):
        if isinstance(value, datetime.datetime):
            return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return f"{value:.2f}"
        return value

    content = {
        name: plain(value)
        for name, value in row.items()
        if name not in {"history_id", "history_hash", "history_prev_hash"}
    }
    assert content["waarde"] == "7.50"
    text = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    expected = hashlib.sha256(f"{row['history_prev_hash']}\n{text}".encode())
    assert row["history_hash"] == expected.hexdigest()


def test_a_clean_database_verifies(db):
    call_command("load_programme", "--demo", stdout=io.StringIO())
    user = system_user()
    actie = Actie.objects.order_by("pk").first()
    services.actie_update(
        actie=actie,
        versie=actie.versie,
        user=user,
        reason="Partners herzien",
        partners=Organisatie.objects.order_by("pk")[:2],
        budget=Decimal("12500.5"),
    )
    services.voortgangsupdate_create(
        actie=actie, user=user, datum=datetime.date(2026, 2, 1), tekst="Overleg."
    )
    extra = services.actie_create(
        actielijn=actie.actielijn,
        partners=Organisatie.objects.order_by("pk")[:1],
        user=user,
        reason="Per ongeluk",
        code="9.9",
        titel="Dubbel ingevoerd",
    )
    services.actie_delete(actie=extra, user=user, reason="Dubbel")

    output = verify_history()

    tables = {model.history.model._meta.db_table for model in tracked_models()}
    for table in tables:
        assert f"{table}: " in output
    assert f"All {len(tables)} history tables verified." in output
    assert "BROKEN" not in output


def test_altering_one_byte_of_a_row_is_named(acties_with_history):
    altered = history_ids(Actie)[3]
    with owner_rights(ACTIE_TABLE) as cursor:
        cursor.execute(
            f"UPDATE {ACTIE_TABLE} SET titel = 'X' || substr(titel, 2) "
            "WHERE history_id = %s",
            [altered],
        )

    message = verify_history_fails()

    assert f"{ACTIE_TABLE}: history_id {altered} was altered" in message
    assert "1 table(s)" in message


def test_deleting_a_row_is_caught_where_it_was(acties_with_history):
    ids = history_ids(Actie)
    with owner_rights(ACTIE_TABLE) as cursor:
        cursor.execute(f"DELETE FROM {ACTIE_TABLE} WHERE history_id = %s", [ids[2]])

    message = verify_history_fails()

    assert (
        f"{ACTIE_TABLE}: row(s) removed between history_id {ids[1]} and {ids[3]}"
        in message
    )


def test_deleting_the_first_row_is_caught(acties_with_history):
    ids = history_ids(Actie)
    with owner_rights(ACTIE_TABLE) as cursor:
        cursor.execute(f"DELETE FROM {ACTIE_TABLE} WHERE history_id = %s", [ids[0]])

    assert f"removed before history_id {ids[1]}" in verify_history_fails()


def test_a_row_altered_and_rehashed_breaks_the_link_to_the_next(acties_with_history):
    """Recomputing one row's hash is not enough: the next row names the old one."""
    ids = history_ids(Actie)
    model = Actie.history.model
    row = model.objects.get(history_id=ids[2])
    row.titel = "Nooit zo genoemd"
    layout = hashed_fields(model)
    forged = row_hash(
        layout, [getattr(row, name) for name, _ in layout], row.history_prev_hash
    )
    with owner_rights(ACTIE_TABLE) as cursor:
        cursor.execute(
            f"UPDATE {ACTIE_TABLE} SET titel = %s, history_hash = %s "
            "WHERE history_id = %s",
            [row.titel, forged, ids[2]],
        )

    message = verify_history_fails()

    assert f"between history_id {ids[2]} and {ids[3]}" in message
    assert f"or {ids[2]} was altered and re-hashed" in message


@pytest.mark.postgresql
def test_the_logged_purge_keeps_the_chain_verifiable(acties_with_history):
    """Rows removed or redacted by the procedure of docs/history.md are accepted."""
    ids = history_ids(Actie)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('actieprogramma.history_purge_reason', %s, true)",
            ["Bewaartermijn verstreken (besluit B/2031.1)"],
        )
        cursor.execute(
            f"DELETE FROM {ACTIE_TABLE} WHERE history_id IN (%s, %s, %s)",
            [ids[0], ids[2], ids[3]],
        )
        cursor.execute(
            f"UPDATE {ACTIE_TABLE} SET omschrijving = '[verwijderd]' "
            "WHERE history_id = %s",
            [ids[4]],
        )

    output = verify_history()

    assert f"{ACTIE_TABLE}: 3 rows, chain intact, 3 purged, 1 redacted" in output

    # A row removed without the procedure is still caught among them.
    with owner_rights(ACTIE_TABLE) as cursor:
        cursor.execute(f"DELETE FROM {ACTIE_TABLE} WHERE history_id = %s", [ids[4]])
    assert f"between history_id {ids[1]} and {ids[5]}" in verify_history_fails()


def test_bulk_and_single_writes_continue_one_chain(db):
    ActieFactory()
    call_command(
        "generate_data",
        programmes=2,
        actions_per_programme=20,
        updates_per_action=3,
        stdout=io.StringIO(),
    )
    actie = Actie.objects.order_by("pk").last()
    services.actie_update(
        actie=actie, versie=actie.versie, user=system_user(), reason="Na de bulk",
        titel="Handmatig gewijzigd",
    )  # fmt: skip

    output = verify_history()

    assert "BROKEN" not in output
    rows = Actie.history.model.objects.count()
    assert f"{ACTIE_TABLE}: {rows} rows, chain intact" in output


def test_bulk_inserts_that_could_skip_rows_are_refused(db):
    row = Actie.history.model(id=1, titel="x", history_date=timezone.now())
    with pytest.raises(ValueError, match="only ever appended"):
        Actie.history.model.objects.bulk_create([row], ignore_conflicts=True)


def test_a_column_added_later_leaves_the_older_rows_verifiable(db, monkeypatch):
    """A migration adds a field: the rows written before it were hashed without it."""
    user = system_user()
    programma = ProgrammaFactory()
    pijlers_services.programma_update(
        programma=programma, user=user, reason="Titel", titel="Nieuwe titel"
    )
    model = Programma.history.model
    table = model._meta.db_table
    rows = list(model.objects.order_by("history_id"))
    # Seal the two rows as they were before 'omschrijving' existed.
    before = tuple(f for f in hashed_fields(model) if f[0] != "omschrijving")
    prev_hash = GENESIS
    with owner_rights(table) as cursor:
        for row in rows:
            new_hash = row_hash(before, [getattr(row, n) for n, _ in before], prev_hash)
            cursor.execute(
                f"UPDATE {table} SET history_prev_hash = %s, history_hash = %s "
                "WHERE history_id = %s",
                [prev_hash, new_hash, row.history_id],
            )
            prev_hash = new_hash
    old_columns = " ".join(name for name, _ in before)
    with owner_rights(LAYOUT_TABLE) as cursor:
        cursor.execute(f"DELETE FROM {LAYOUT_TABLE} WHERE table_name = %s", [table])
        cursor.execute(
            f"INSERT INTO {LAYOUT_TABLE} VALUES (%s, %s, %s)",
            [table, rows[0].history_id, old_columns],
        )
    monkeypatch.setattr(history_chain, "_recorded", set())  # a process started anew

    pijlers_services.programma_update(
        programma=programma, user=user, reason="Toelichting", omschrijving="Nu wel"
    )

    newest = model.objects.order_by("history_id").last().history_id
    assert layouts(table, using="default") == [
        (rows[0].history_id, old_columns),
        (newest, columns(model)),
    ]
    assert "BROKEN" not in verify_history()
    # The older rows are still covered, except by the column they did not have.
    with owner_rights(table) as cursor:
        cursor.execute(
            f"UPDATE {table} SET titel = 'Vervalst' WHERE history_id = %s",
            [rows[0].history_id],
        )
    assert f"history_id {rows[0].history_id} was altered" in verify_history_fails()


def test_rows_sealed_with_a_column_that_is_gone_are_reported(acties_with_history):
    with owner_rights(LAYOUT_TABLE) as cursor:
        cursor.execute(
            f"INSERT INTO {LAYOUT_TABLE} VALUES (%s, %s, %s)",
            [ACTIE_TABLE, 10**9, columns(Actie.history.model) + " verdwenen"],
        )
    assert "sealed with column(s) verdwenen" in verify_history_fails()


def test_every_tracked_model_has_a_chained_history():
    for model in tracked_models():
        names = {f.name for f in model.history.model._meta.concrete_fields}
        assert {"history_hash", "history_prev_hash"} <= names, model


# Each app's migration that guards its history tables, and the one before it.
GUARDS = {
    "pijlers": ("0004_text_limits", "0005_protect_history"),
    "acties": ("0004_text_limits", "0005_protect_history"),
    "evaluatie": ("0004_finalisation_guards", "0005_protect_history"),
    "beveiliging": ("0001_initial", "0002_protect_history"),
}


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_history_written_before_the_chain():
    """ProtectHistory gives existing rows their hashes, trigger or not."""
    ActieFactory()
    call_command(
        "generate_data",
        programmes=1,
        actions_per_programme=10,
        updates_per_action=2,
        stdout=io.StringIO(),
    )
    before = [(app, names[0]) for app, names in GUARDS.items()]
    # Forward to today's schema: a later migration may add a column to a
    # history table, after the rows were sealed without it (the layouts).
    guarded = MigrationExecutor(connection).loader.graph.leaf_nodes()
    assert set(GUARDS) >= {model._meta.app_label for model in tracked_models()}
    MigrationExecutor(connection).migrate(before)
    # The history tables as they were then (a later migration may create one,
    # and protects it as it does).
    present = set(connection.introspection.table_names())
    tables = [
        table
        for table in (model.history.model._meta.db_table for model in tracked_models())
        if table in present
    ]
    try:
        # As the rows were before the chain existed; the reversed migration
        # took the append-only triggers away.
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(
                    f"UPDATE {table} SET history_hash = '', history_prev_hash = ''"
                )
        with owner_rights(LAYOUT_TABLE) as cursor:
            cursor.execute(f"DELETE FROM {LAYOUT_TABLE}")
        assert not Actie.history.model.objects.exclude(history_hash="").exists()

        MigrationExecutor(connection).migrate(guarded)

        assert "BROKEN" not in verify_history()
        assert ChainLayout.objects.filter(table_name=ACTIE_TABLE).exists()
        if connection.vendor == "postgresql":
            sealed = dict(
                PurgeLogEntry.objects.filter(operation="SEAL").values_list(
                    "table_name", "old_row__rows"
                )
            )
            assert sealed[ACTIE_TABLE] == Actie.history.model.objects.count()
        # Applied again (a database that had all this already): nothing changes.
        heads = {table: last_hash_of(table) for table in tables}
        MigrationExecutor(connection).migrate(before)
        MigrationExecutor(connection).migrate(guarded)
        assert {table: last_hash_of(table) for table in tables} == heads
        assert "BROKEN" not in verify_history()
    finally:
        MigrationExecutor(connection).migrate(guarded)


def last_hash_of(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT history_hash FROM {table} ORDER BY history_id DESC LIMIT 1"
        )
        row = cursor.fetchone()
    return row[0] if row else ""


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_append_one_after_another():
    """Without the lock two writers would both continue from the same row."""
    actielijn = ActielijnFactory()
    partners = [
        services.organisatie_create(
            user=system_user(), reason="Test", naam=f"Partner {n}"
        )
        for n in range(3)
    ]
    writers, per_writer = 6, 5
    start = threading.Barrier(writers)
    errors = []

    def write(index):
        try:
            start.wait()
            for n in range(per_writer):
                actie = services.actie_create(
                    actielijn=actielijn,
                    partners=partners[: n % 3 + 1],
                    user=system_user(),
                    reason="Gelijktijdig",
                    code=f"{index}.{n}",
                    titel=f"Actie {index}.{n}",
                )
                services.actie_update(
                    actie=actie, versie=actie.versie, user=system_user(),
                    reason="Gelijktijdig", partners=partners[:1], voortgang=10,
                )  # fmt: skip
        except Exception as exc:  # reported by the assert below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Actie.history.model.objects.count() == writers * per_writer * 2
    assert "BROKEN" not in verify_history()
