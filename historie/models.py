"""The audit machinery's own tables.

Both were raw tables before they were models (created by the project's
migrations 0002 and 0004); ``historie/migrations/0001`` takes them over
without changing a row: on a database that has them it only records them in
Django's state. Both are append-only on PostgreSQL, like the history tables
they serve: a trigger refuses UPDATE and DELETE (docs/history.md).
"""

from django.db import models


class ChainLayout(models.Model):
    """Which columns a history table's hashes cover, from which row on.

    A migration that adds a column to a history table does not invalidate the
    rows sealed before it: they are verified against the layout in force when
    they were written (``historie.chain``).
    """

    pk = models.CompositePrimaryKey("table_name", "from_history_id")
    table_name = models.CharField(max_length=100)
    from_history_id = models.BigIntegerField()
    # The column names, separated by single spaces, in hashing order.
    columns = models.TextField()

    class Meta:
        db_table = "history_chain_layout"
        ordering = ["table_name", "from_history_id"]

    def __str__(self) -> str:
        return f"{self.table_name} vanaf {self.from_history_id}"


class PurgeLogEntry(models.Model):
    """One history row that the logged purge procedure changed or removed.

    Written by the database itself (the append-only trigger, PostgreSQL), never
    by the application: the database user and the moment come from the
    column defaults, which the migration sets. Migrations that seal existing
    rows write a ``SEAL`` line with the count and the last hash.
    """

    table_name = models.TextField()
    # INSERT or UPDATE or DELETE from the trigger; SEAL from a migration.
    operation = models.TextField()
    old_row = models.JSONField()
    reason = models.TextField()
    purged_by = models.TextField()
    purged_at = models.DateTimeField()

    class Meta:
        db_table = "history_purge_log"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.operation} {self.table_name} {self.purged_at:%Y-%m-%d}"
