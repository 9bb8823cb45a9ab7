"""Seal the history written before the hash chain existed.

Every history row now carries ``history_hash`` and ``history_prev_hash``
(``pijlers.history_chain``); rows written from here on are sealed as they are
inserted. The rows that already exist get their hashes here, computed exactly
as the application computes them, in ``history_id`` order per table.

That is an UPDATE of history rows, which the append-only trigger of migration
0002 refuses. This migration is the one place that gets around it, openly:
for each table it disables the trigger, sets the two hash columns (nothing
else), enables the trigger again, and writes a 'SEAL' line in
``history_purge_log`` with the number of rows and the last hash. The migration
runs in one transaction, so a failure leaves the trigger as it was.

It also creates ``history_chain_layout``: per table, from which history id on
which columns the hashes cover, so that a column added by a later migration
does not invalidate the rows written before it (``pijlers.history_chain``).
The layout of each table sealed here is recorded from its first row; the
application records a new one when it first writes a table whose columns have
changed. On PostgreSQL the layout table gets the append-only trigger too.
"""

import json

from django.db import migrations

from pijlers.history_chain import GENESIS, chain, columns

from ._history_tables import HISTORY_TABLES

BATCH = 2000
LAYOUT_TABLE = "history_chain_layout"  # read and written by pijlers.history_chain
REASON = (
    "Migratie actieprogramma 0004: bestaande historie verzegeld met een "
    "hashketen (alleen history_hash en history_prev_hash gevuld)"
)


def _update(cursor, table: str, rows) -> None:
    values = ", ".join(["(%s, %s, %s)"] * len(rows))
    params = [
        value
        for row in rows
        for value in (row.history_id, row.history_prev_hash, row.history_hash)
    ]
    # Table names come from the frozen list above, never from input.
    cursor.execute(
        f"UPDATE {table} SET history_prev_hash = v.column2, "  # noqa: S608
        f"history_hash = v.column3 FROM (VALUES {values}) AS v "
        f"WHERE {table}.history_id = v.column1",
        params,
    )


def create_layout_table(schema_editor) -> None:
    schema_editor.execute(
        f"CREATE TABLE {LAYOUT_TABLE} ("
        "table_name varchar(100) NOT NULL, "
        "from_history_id bigint NOT NULL, "
        "columns text NOT NULL, "
        "PRIMARY KEY (table_name, from_history_id))"
    )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE TRIGGER history_append_only BEFORE UPDATE OR DELETE ON "
            f"{LAYOUT_TABLE} FOR EACH ROW EXECUTE FUNCTION history_append_only()"
        )


def seal_existing(apps, schema_editor):
    connection = schema_editor.connection
    postgresql = connection.vendor == "postgresql"
    create_layout_table(schema_editor)
    models = {model._meta.db_table: model for model in apps.get_models()}
    for table in HISTORY_TABLES:
        model = models[table]
        rows = model._base_manager.using(connection.alias).order_by("history_id")
        prev_hash, last_id, count = GENESIS, 0, 0
        with connection.cursor() as cursor:
            if postgresql:
                cursor.execute(
                    f"ALTER TABLE {table} DISABLE TRIGGER history_append_only"
                )
            while batch := list(rows.filter(history_id__gt=last_id)[:BATCH]):
                prev_hash = chain(model, batch, prev_hash)
                _update(cursor, table, batch)
                last_id, count = batch[-1].history_id, count + len(batch)
            if count:
                cursor.execute(
                    f"INSERT INTO {LAYOUT_TABLE} "  # noqa: S608
                    "(table_name, from_history_id, columns) VALUES (%s, 1, %s)",
                    [table, columns(model)],
                )
            if postgresql:
                cursor.execute(
                    f"ALTER TABLE {table} ENABLE TRIGGER history_append_only"
                )
                if count:
                    cursor.execute(
                        "INSERT INTO history_purge_log "
                        "(table_name, operation, old_row, reason) "
                        "VALUES (%s, 'SEAL', %s::jsonb, %s)",
                        [
                            table,
                            json.dumps(
                                {
                                    "rows": count,
                                    "last_history_id": last_id,
                                    "last_hash": prev_hash,
                                }
                            ),
                            REASON,
                        ],
                    )


def drop_layout_table(apps, schema_editor):
    # The hash columns go with the reversal of the apps' 0002 migrations.
    schema_editor.execute(f"DROP TABLE {LAYOUT_TABLE}")


class Migration(migrations.Migration):
    # One transaction: the triggers are never left disabled.
    atomic = True

    dependencies = [
        ("actieprogramma", "0003_history_asof_indexes"),
        ("pijlers", "0002_history_hash_chain"),
        ("acties", "0002_history_hash_chain"),
        ("evaluatie", "0002_history_hash_chain"),
    ]

    operations = [migrations.RunPython(seal_existing, drop_layout_table)]
