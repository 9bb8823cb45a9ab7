"""A migration operation that puts a tracked model's history table under guard.

Every history table gets three things, and a tracked model added later gets
them by one line in its app's migration, ``ProtectHistory("historicalx")``:

- an index in the order the as-of reads want: the programme as of a date
  takes, per record, its newest row up to that moment (``DISTINCT ON (id) …
  ORDER BY id, history_date DESC, history_id DESC`` on PostgreSQL, a window
  partitioned and ordered the same way elsewhere), and the index lets the
  database read the rows in order instead of sorting them (at 100,000 actions
  and a million history rows it halves the query); django-simple-history
  declares no such index;
- its hash chain: rows that have no hash yet (a table that existed before the
  chain) are sealed in ``history_id`` order, exactly as the application seals
  them, the layout they were sealed with is recorded, and on PostgreSQL a
  ``SEAL`` line in the purge log gives their number and last hash;
- on PostgreSQL, the append-only trigger (``historie/migrations/0001``).

Sealing is the one UPDATE of history rows outside the logged purge procedure,
and it is done openly: before the trigger is (re)created, in the migration's
transaction, so a failure leaves everything as it was. Applying the operation
again changes nothing: the index and the trigger are created if missing and
sealed rows are left alone, so databases that got all this from the project's
earlier migrations pass through it unchanged.
"""

import json

from django.db import models
from django.db.migrations.operations.base import Operation

from .chain import GENESIS, chain, columns, layouts

BATCH = 2000
TRIGGER = "history_append_only"
REASON = (
    "Migratie: bestaande historie verzegeld met een hashketen "
    "(alleen history_hash en history_prev_hash gevuld)"
)


class ProtectHistory(Operation):
    reversible = True
    reduces_to_sql = False

    def __init__(self, model_name: str):
        self.model_name = model_name

    def state_forwards(self, app_label, state):
        pass  # Only the database changes.

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        table = model._meta.db_table
        postgresql = schema_editor.connection.vendor == "postgresql"
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_asof "
            f"ON {table} (id, history_date DESC, history_id DESC)"
        )
        if postgresql:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}")
        _seal_unsealed(model, schema_editor.connection)
        if postgresql:
            schema_editor.execute(
                f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()"
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        # The hashes stay: they go with the reversal of the hash columns.
        table = from_state.apps.get_model(app_label, self.model_name)._meta.db_table
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_asof")

    def describe(self):
        return f"Guard the history table of {self.model_name}"

    @property
    def migration_name_fragment(self):
        return f"protect_{self.model_name}"


def _seal_unsealed(model: type[models.Model], connection) -> None:
    rows = model._base_manager.using(connection.alias).order_by("history_id")
    unsealed = rows.filter(history_hash="")
    first = unsealed.values_list("history_id", flat=True).first()
    if first is None:
        return
    table = model._meta.db_table
    sealed = rows.exclude(history_hash="")
    if sealed.filter(history_id__gt=first).exists():
        raise RuntimeError(
            f"{table}: rows without a hash lie between sealed rows; the chain "
            "cannot be continued (see docs/history.md)"
        )
    newest = sealed.order_by("-history_id").values_list("history_hash", flat=True)
    prev_hash, last_id, count = newest.first() or GENESIS, first - 1, 0
    recorded = layouts(table, using=connection.alias)
    current = columns(model)
    with connection.cursor() as cursor:
        if not recorded or recorded[-1][1] != current:
            cursor.execute(
                "INSERT INTO history_chain_layout "
                "(table_name, from_history_id, columns) VALUES (%s, %s, %s)",
                [table, first, current],
            )
        while batch := list(unsealed.filter(history_id__gt=last_id)[:BATCH]):
            prev_hash = chain(model, batch, prev_hash)
            _update(cursor, table, batch)
            last_id, count = batch[-1].history_id, count + len(batch)
        if connection.vendor == "postgresql":
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


def _update(cursor, table: str, rows) -> None:
    values = ", ".join(["(%s, %s, %s)"] * len(rows))
    params = [
        value
        for row in rows
        for value in (row.history_id, row.history_prev_hash, row.history_hash)
    ]
    # The table name is a model's, never input.
    cursor.execute(
        f"UPDATE {table} SET history_prev_hash = v.column2, "  # noqa: S608
        f"history_hash = v.column3 FROM (VALUES {values}) AS v "
        f"WHERE {table}.history_id = v.column1",
        params,
    )
