"""Tamper evidence for the audit history: every history table is a hash chain.

The append-only trigger stops the application's database user from changing
history; it cannot stop someone with the table owner's rights, a restored
backup that was edited, or a disk-level change. So each history row also
stores ``history_hash``, a SHA-256 over its own values and the hash of the row
before it in the same table (``history_prev_hash``); ``verify_history``
recomputes the chain and names the first row that was altered, or the place
where rows went missing.

The rows are sealed when they are written, by the base class and queryset
below that ``tracked_history()`` gives every history model: ``save()`` for the
row a single change writes, ``bulk_create()`` for django-simple-history's bulk
helpers. Both take an advisory lock on PostgreSQL before reading the previous
hash, so that concurrent writers append one after the other instead of forking
the chain; the lock is held until the transaction ends. It is one lock for all
history tables rather than one per table: a service writes several tables in
an order of its own (an action, then its partner links; or the links first),
and two such transactions holding one table each would deadlock. Writes here
are short and few, so serialising them costs nothing noticeable. SQLite admits
one writer at a time already.

The hash (docs/history.md describes it for anyone who wants to check it with
their own tools)::

    history_hash = sha256(utf8(history_prev_hash + "\\n" + canonical_json))

``canonical_json`` is a JSON object of every column of the row except
``history_id`` and the two hash columns, keys sorted, no spaces, non-ASCII
characters as themselves; dates as ``YYYY-MM-DD``, date-times in UTC as
``YYYY-MM-DDTHH:MM:SS.ffffff+00:00``, decimals as strings with exactly the
column's decimal places, foreign keys as the id. The first row's previous hash
is 64 zeros. ``history_id`` only orders the chain: values that a row's meaning
depends on are all inside the hash.

Which columns a row's hash covers is the table's columns when the row was
written. When a migration adds a column, the rows written before it hold only
its default and were hashed without it, so the table ``history_chain_layout``
(``historie.models.ChainLayout``) records, per table, from which
``history_id`` on which columns are covered; sealing records a new layout the
first time it writes a table whose columns have changed, and verifying uses,
for each row, the layout in force when it was written. Editing that table
cannot hide a change: the column names are inside every hash, so a row checked
against another layout than it was sealed with does not verify.
"""

import datetime
import decimal
import functools
import hashlib
import json
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connections, models, router, transaction
from django.utils import timezone

from .models import ChainLayout, PurgeLogEntry

GENESIS = "0" * 64
HASH_FIELDS = frozenset({"history_hash", "history_prev_hash"})
UNHASHED = HASH_FIELDS | {"history_id"}
# The advisory lock's key: "HIST" and "CHAN", apart from any other lock's.
LOCK_KEY = 0x48495354_4348414E
LAYOUT_TABLE = ChainLayout._meta.db_table


# --- the canonical form and the hash ----------------------------------------------


def _text(field: models.Field) -> Callable:
    def encode(value):
        if value is None or type(value) is str:
            return value
        return field.to_python(value)

    return encode


def _plain(field: models.Field) -> Callable:
    def encode(value):
        if value is None or type(value) in (int, bool):
            return value
        return field.to_python(value)

    return encode


def _date(field: models.Field) -> Callable:
    def encode(value):
        if value is None:
            return None
        if type(value) is not datetime.date:
            value = field.to_python(value)
        return value.isoformat()

    return encode


def _datetime(field: models.Field) -> Callable:
    def encode(value):
        if value is None:
            return None
        if not isinstance(value, datetime.datetime):
            value = field.to_python(value)
        if timezone.is_naive(value):
            # As Django stores a naive date-time: in the default time zone.
            value = timezone.make_aware(value)
        return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")

    return encode


def _decimal(field: models.DecimalField) -> Callable:
    exponent = decimal.Decimal(1).scaleb(-field.decimal_places)

    def encode(value):
        if value is None:
            return None
        value = field.to_python(value).quantize(exponent, decimal.ROUND_HALF_UP)
        if value.is_zero():
            value = value.copy_abs()  # -0.00 is stored as 0.00
        return format(value, "f")

    return encode


def _other(field: models.Field) -> Callable:
    def encode(value):
        value = field.to_python(value)
        if value is None or isinstance(value, str | int | float | bool):
            return value
        return str(value)

    return encode


def _encoder(field: models.Field) -> Callable:
    if isinstance(field, models.DateTimeField):
        return _datetime(field)
    if isinstance(field, models.DateField):
        return _date(field)
    if isinstance(field, models.DecimalField):
        return _decimal(field)
    if isinstance(field, models.CharField | models.TextField):
        return _text(field)
    if isinstance(field, models.IntegerField | models.BooleanField):
        return _plain(field)
    if isinstance(field, models.ForeignKey) and isinstance(
        field.target_field, models.IntegerField
    ):
        return _plain(field)
    return _other(field)


@functools.cache
def hashed_fields(model: type[models.Model]) -> tuple[tuple[str, Callable], ...]:
    """``(attname, encoder)`` of every column the hash covers, sorted by name.

    Works on the models of a migration's state too, so that a migration can
    seal rows exactly as the application does.
    """
    fields = sorted(
        (f for f in model._meta.concrete_fields if f.attname not in UNHASHED),
        key=lambda f: f.attname,
    )
    return tuple((f.attname, _encoder(f)) for f in fields)


def row_hash(layout, values: Sequence, prev_hash: str) -> str:
    """The hash of a row with ``values`` (in ``layout``'s order) after ``prev_hash``."""
    content = json.dumps(
        {
            name: encode(value)
            for (name, encode), value in zip(layout, values, strict=True)
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


def chain(model: type[models.Model], rows: Iterable[models.Model], prev_hash: str):
    """Set both hashes on ``rows`` (in insert order) after ``prev_hash``.

    Returns the hash of the last row, which is where the next row continues.
    """
    layout = hashed_fields(model)
    values = operator.attrgetter(*(name for name, _encode in layout))
    for row in rows:
        row.history_prev_hash = prev_hash
        prev_hash = row.history_hash = row_hash(layout, values(row), prev_hash)
    return prev_hash


# --- sealing rows as they are written ----------------------------------------------


def lock_chains(using: str) -> None:
    """Hold the history chains until the transaction ends (PostgreSQL).

    Sealing takes it before it reads the previous hash. A writing transaction
    should take it first of all (``historie.records.history_writer``): taken
    only when the first history row is written, it comes after the row locks
    the transaction already holds (``SELECT … FOR UPDATE``, the key-share lock
    an insert takes on the row it refers to), and two writers on one action
    then wait for each other: a deadlock. Taken first, writers queue before
    they lock any row. Taking it again in the same transaction is free.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def columns(model: type[models.Model]) -> str:
    """The columns ``model``'s hash covers now, as stored in the layout table."""
    return " ".join(name for name, _encode in hashed_fields(model))


def layouts(table: str, *, using: str) -> list[tuple[int, str]]:
    """``(from_history_id, columns)`` of each layout ``table`` has had, in order."""
    return list(
        ChainLayout.objects.using(using)
        .filter(table_name=table)
        .order_by("from_history_id")
        .values_list("from_history_id", "columns")
    )


def all_layouts(*, using: str) -> list[list]:
    """Every recorded layout as ``[table, from_history_id, columns]``, for backups."""
    return [
        list(row)
        for row in ChainLayout.objects.using(using).values_list(
            "table_name", "from_history_id", "columns"
        )
    ]


def restore_layouts(rows: list[list], *, using: str) -> None:
    """Put back the layouts of a backup (into an empty layout table)."""
    ChainLayout.objects.using(using).bulk_create(
        ChainLayout(table_name=table, from_history_id=from_id, columns=names)
        for table, from_id, names in rows
    )


def purge_log_rows(*, using: str) -> list[list]:
    """The purge log (PostgreSQL only; verify_history relies on it), for backups."""
    if connections[using].vendor != "postgresql":
        return []
    return [
        [*row[:5], row[5].isoformat()]
        for row in PurgeLogEntry.objects.using(using).values_list(
            "table_name", "operation", "old_row", "reason", "purged_by", "purged_at"
        )
    ]


def restore_purge_log(rows: list[list], *, using: str) -> None:
    """Put back the purge log of a backup (into an empty log; PostgreSQL)."""
    PurgeLogEntry.objects.using(using).bulk_create(
        PurgeLogEntry(
            table_name=table,
            operation=operation,
            old_row=old_row,
            reason=reason,
            purged_by=by,
            purged_at=datetime.datetime.fromisoformat(at),
        )
        for table, operation, old_row, reason, by, at in rows
    )


# Layouts known to be recorded, per database: checked once per process and table.
_recorded: set[tuple[str, str, str]] = set()


def _record_layout(model: type[models.Model], using: str) -> None:
    """Record ``model``'s current columns if its table's last layout differs.

    Called under the lock, before the rows are inserted: the new layout starts
    after the newest row there is.
    """
    table, current = model._meta.db_table, columns(model)
    key = (using, table, current)
    if key in _recorded:
        return
    recorded = layouts(table, using=using)
    if not recorded or recorded[-1][1] != current:
        newest = (
            model._base_manager.using(using)
            .order_by("-history_id")
            .values_list("history_id", flat=True)
            .first()
        )
        ChainLayout.objects.using(using).create(
            table_name=table, from_history_id=(newest or 0) + 1, columns=current
        )
    # Only once committed: a rolled-back transaction takes its layout row along.
    transaction.on_commit(lambda: _recorded.add(key), using=using)


def last_hash(model: type[models.Model], *, using: str) -> str:
    """The hash the next row of ``model``'s table continues from."""
    newest = (
        model._base_manager.using(using)
        .order_by("-history_id")
        .values_list("history_hash", flat=True)
        .first()
    )
    return newest or GENESIS


def seal(model: type[models.Model], rows: Sequence[models.Model], *, using: str):
    """Chain ``rows``, about to be inserted in this order, onto ``model``'s table.

    Call inside the transaction that inserts them, so that the lock covers the
    insert. The transaction must read what others committed before the lock
    was granted: READ COMMITTED, Django's default on PostgreSQL.
    """
    lock_chains(using)
    _record_layout(model, using)
    chain(model, rows, last_hash(model, using=using))


class HashChainedQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Seal the rows first; django-simple-history's bulk helpers end here."""
        if kwargs.get("ignore_conflicts") or kwargs.get("update_conflicts"):
            # A skipped or merged row would leave a gap in the chain.
            raise ValueError("History rows are only ever appended.")
        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            seal(self.model, objs, using=self.db)
            return super().bulk_create(objs, *args, **kwargs)


class HashChainedHistory(models.Model):
    """Base of every history model: the two hash columns and sealing on insert.

    Sealing is part of writing a history row, like its primary key, so it lives
    here and not in a service: every path that writes history (services, the
    admin, django-simple-history's signals and bulk helpers) passes through it.
    Restoring a backup writes rows with ``save_base(raw=True)``, which keeps the
    hashes from the backup.
    """

    history_prev_hash = models.CharField(max_length=64, editable=False, default="")
    history_hash = models.CharField(max_length=64, editable=False, default="")

    objects = HashChainedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using, savepoint=False):
            seal(type(self), [self], using=using)
            return super().save(*args, **kwargs)


# --- verifying ------------------------------------------------------------------


@dataclass
class PurgeLog:
    """What the logged purge procedure removed or changed in one table.

    ``removed``: history id → (hash, previous hash) of each deleted row;
    ``redacted``: history id → the hashes the row had before a logged UPDATE.
    """

    removed: dict[int, tuple[str, str]] = field(default_factory=dict)
    redacted: dict[int, set[str]] = field(default_factory=dict)


@dataclass
class TableReport:
    table: str
    rows: int = 0
    last_hash: str = GENESIS
    last_id: int | None = None
    purged: int = 0
    redacted: int = 0
    problem: str = ""


def purge_log(table: str, *, using: str) -> PurgeLog:
    """The rows of ``table`` that the logged purge procedure (PostgreSQL) touched.

    Rows purged before they had a hash are left out: they were never part of
    the chain.
    """
    log = PurgeLog()
    connection = connections[using]
    if connection.vendor != "postgresql":
        return log
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT operation, (old_row->>'history_id')::bigint, "
            "old_row->>'history_hash', old_row->>'history_prev_hash' "
            "FROM history_purge_log "
            "WHERE table_name = %s AND operation IN ('DELETE', 'UPDATE') "
            "AND coalesce(old_row->>'history_hash', '') <> '' ORDER BY id",
            [table],
        )
        for operation, history_id, hash_, prev_hash in cursor.fetchall():
            if operation == "DELETE":
                log.removed[history_id] = (hash_, prev_hash)
            else:
                log.redacted.setdefault(history_id, set()).add(hash_)
    return log


def _bridged(log: PurgeLog, after_id, before_id, start: str, end: str) -> int:
    """How many logged purged rows link ``start`` to ``end`` (0: they do not)."""
    between = sorted(
        history_id
        for history_id in log.removed
        if (after_id is None or history_id > after_id) and history_id < before_id
    )
    current, used = start, 0
    for history_id in between:
        hash_, prev_hash = log.removed[history_id]
        if prev_hash == current:
            current, used = hash_, used + 1
    return used if used and current == end else 0


def _sealed_layouts(model: type[models.Model], using: str) -> list[tuple]:
    """Per recorded layout: its first history id, its columns, where they are.

    ``(from_history_id, [(name, encoder)], indexes)``, the indexes into a row
    of all current columns (None when they are all of them, in order). Raises
    LookupError if rows were sealed with a column the table no longer has.
    """
    table = model._meta.db_table
    current = hashed_fields(model)
    position = {name: i for i, (name, _encode) in enumerate(current)}
    recorded = layouts(table, using=using) or [(0, columns(model))]
    result = []
    for from_id, names in recorded:
        names = names.split()
        missing = [name for name in names if name not in position]
        if missing:
            raise LookupError(
                f"the rows from history_id {from_id} on were sealed with "
                f"column(s) {', '.join(missing)}, which the table no longer has; "
                "they cannot be verified (see docs/history.md, 'Changing a "
                "history table')"
            )
        picked = [position[name] for name in names]
        result.append(
            (
                from_id,
                tuple(current[i] for i in picked),
                None if picked == list(range(len(current))) else picked,
            )
        )
    return result


def verify(model: type[models.Model], *, using: str, chunk_size=5000) -> TableReport:
    """Recompute ``model``'s chain; the report names the first problem, if any."""
    table = model._meta.db_table
    report = TableReport(table=table)
    log = purge_log(table, using=using)
    layout = hashed_fields(model)
    try:
        sealed_with = _sealed_layouts(model, using)
    except LookupError as exc:
        report.problem = str(exc)
        return report
    current = 0
    rows = (
        model._base_manager.using(using)
        .order_by("history_id")
        .values_list(
            "history_id",
            "history_hash",
            "history_prev_hash",
            *(name for name, _encode in layout),
        )
        .iterator(chunk_size=chunk_size)
    )
    expected = GENESIS
    for history_id, stored_hash, prev_hash, *values in rows:
        if prev_hash != expected:
            bridged = _bridged(log, report.last_id, history_id, expected, prev_hash)
            if not bridged:
                if report.last_id is None:
                    report.problem = (
                        f"row(s) removed before history_id {history_id}: its "
                        "previous hash is not the start of the chain"
                    )
                else:
                    report.problem = (
                        f"row(s) removed between history_id {report.last_id} and "
                        f"{history_id}: the previous hash stored in {history_id} "
                        f"does not match (or {report.last_id} was altered and "
                        "re-hashed)"
                    )
                return report
            report.purged += bridged
        while (
            current + 1 < len(sealed_with) and sealed_with[current + 1][0] <= history_id
        ):
            current += 1
        _from, covered, picked = sealed_with[current]
        if picked is not None:
            values = [values[i] for i in picked]
        if row_hash(covered, values, prev_hash) != stored_hash:
            if stored_hash not in log.redacted.get(history_id, ()):
                report.problem = (
                    f"history_id {history_id} was altered: its hash does not "
                    "match its contents"
                )
                return report
            report.redacted += 1
        expected = stored_hash
        report.rows += 1
        report.last_id = history_id
    report.last_hash = expected
    return report
