"""Readable change history: field-level differences with Dutch labels and values.

Built from the history tables in a fixed number of queries per record kind,
whatever the length of the history: linked records' names are fetched in bulk
per model, not per row.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

# Bookkeeping fields that are not part of what a person changed.
SKIPPED_FIELDS = {"id", "versie", "gewijzigd_op", "programma"}

KIND_LABELS = {"+": _("aangemaakt"), "~": _("gewijzigd"), "-": _("verwijderd")}


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class ChangeEntry:
    when: datetime.datetime
    user: str
    reason: str
    kind: str
    subject: str
    changes: list[FieldChange] = field(default_factory=list)
    sort_key: tuple = ()
    title: str = ""
    url: str = ""


def user_name(user) -> str:
    """Who a history row names: full name, else username; "onbekend" if none."""
    if user is None:
        return _("onbekend")
    return user.get_full_name() or user.get_username()


def _user_name(row) -> str:
    return user_name(row.history_user)


def tracked_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in SKIPPED_FIELDS]


class ValueFormatter:
    """Formats field values for people, resolving foreign keys in bulk."""

    def __init__(self):
        self._wanted: dict[type[models.Model], set] = defaultdict(set)
        self._names: dict[tuple[type[models.Model], object], str] = {}

    def want(self, related_model: type[models.Model], pk) -> None:
        if pk is not None:
            self._wanted[related_model].add(pk)

    def resolve(self) -> None:
        for related_model, pks in self._wanted.items():
            missing = [pk for pk in pks if (related_model, pk) not in self._names]
            if not missing:
                continue
            for pk, obj in related_model._base_manager.in_bulk(missing).items():
                self._names[(related_model, pk)] = str(obj)
            gone = [pk for pk in missing if (related_model, pk) not in self._names]
            if gone and hasattr(related_model, "history"):
                # Deleted since: its name as it last was, from its history.
                rows = related_model.history.filter(id__in=gone).order_by(
                    "id", "history_date", "history_id"
                )
                for row in rows:
                    if row.history_type != "-":
                        self._names[(related_model, row.id)] = _(
                            "%(name)s (verwijderd)"
                        ) % {"name": row.instance}
        self._wanted.clear()

    def name(self, related_model: type[models.Model], pk) -> str:
        if pk is None:
            return "–"
        return self._names.get(
            (related_model, pk),
            _("%(model)s %(pk)s (verwijderd)")
            % {"model": related_model._meta.verbose_name, "pk": pk},
        )

    def display(self, model_field: models.Field, value) -> str:
        if model_field.is_relation:
            return self.name(model_field.related_model, value)
        if value is None or value == "":
            return "–"
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("ja") if value else _("nee")
        if isinstance(value, datetime.datetime):
            return date_format(timezone.localtime(value), "j F Y H:i")
        if isinstance(value, datetime.date):
            return date_format(value, "j F Y")
        if isinstance(value, Decimal):
            return number_format(value, decimal_pos=2 if value % 1 else 0)
        return str(value)


def record_entries(
    rows: Sequence, model: type[models.Model], formatter: ValueFormatter
) -> list[tuple]:
    """Pair each history row with its predecessor; returns (row, changed fields)."""
    fields = tracked_fields(model)
    previous = {}
    pairs = []
    for row in sorted(rows, key=lambda r: (r.history_date, r.history_id)):
        before = previous.get(row.id)
        changed = []
        for f in fields:
            if f.is_relation:
                formatter.want(f.related_model, getattr(row, f.attname))
        for f in fields:
            new = getattr(row, f.attname)
            old = getattr(before, f.attname) if before is not None else None
            if row.history_type == "~" and before is None:
                break  # the earlier state is not in view: no field details
            if row.history_type == "~" and old == new:
                continue
            if row.history_type == "+" and new in (None, "", False):
                continue
            if row.history_type == "-":
                continue
            changed.append((f, old, new))
            if f.is_relation:
                formatter.want(f.related_model, old)
                formatter.want(f.related_model, new)
        pairs.append((row, changed))
        previous[row.id] = row
    return pairs


def record_history(
    rows: Iterable,
    model: type[models.Model],
    *,
    formatter: ValueFormatter,
    describe=None,
    link=None,
    only: set[int] | None = None,
) -> list:
    """Pending entries for one kind of record; ``build_entries`` completes them.

    ``describe(row, formatter)`` and ``link(row)`` name the record and give its
    page, for lists that mix records (the dashboard, the change log). ``rows``
    may hold earlier versions that are only there to compare with: ``only``
    names the history ids to make entries of.
    """
    return [
        _Pending(row, changed, formatter, describe, link)
        for row, changed in record_entries(list(rows), model, formatter)
        if only is None or row.history_id in only
    ]


def link_history(
    rows: Iterable,
    *,
    target_field: str,
    label: str,
    formatter: ValueFormatter,
    model: type[models.Model],
) -> list:
    """Entries for links made and removed (one row per link change)."""
    target = model._meta.get_field(target_field)
    pending = []
    for row in rows:
        formatter.want(target.related_model, getattr(row, target.attname))
        pending.append(_PendingLink(row, target, label, formatter))
    return pending


class _Pending:
    def __init__(self, row, changed, formatter, describe=None, link=None):
        self.row, self.changed, self.formatter = row, changed, formatter
        self.describe, self.link = describe, link

    def entry(self) -> ChangeEntry:
        row = self.row
        return ChangeEntry(
            when=row.history_date,
            user=_user_name(row),
            reason=row.history_change_reason or "",
            kind=str(KIND_LABELS[row.history_type]),
            subject=str(row.instance_type._meta.verbose_name),
            changes=[
                FieldChange(
                    label=str(f.verbose_name),
                    old=self.formatter.display(f, old)
                    if row.history_type == "~"
                    else "",
                    new=self.formatter.display(f, new),
                )
                for f, old, new in self.changed
            ],
            sort_key=(row.history_date, row.history_id),
            title=self.describe(row, self.formatter) if self.describe else "",
            url=self.link(row) if self.link else "",
        )


class _PendingLink:
    def __init__(self, row, target, label, formatter):
        self.row, self.target, self.label, self.formatter = (
            row,
            target,
            label,
            formatter,
        )

    def entry(self) -> ChangeEntry:
        row = self.row
        name = self.formatter.name(
            self.target.related_model, getattr(row, self.target.attname)
        )
        kind = {"+": _("gekoppeld"), "-": _("ontkoppeld"), "~": _("gewijzigd")}
        return ChangeEntry(
            when=row.history_date,
            user=_user_name(row),
            reason=row.history_change_reason or "",
            kind=str(kind[row.history_type]),
            subject=f"{self.label}: {name}",
            sort_key=(row.history_date, row.history_id),
        )


def build_entries(pending: Iterable, formatter: ValueFormatter) -> list[ChangeEntry]:
    """Resolve names in bulk, then return the entries newest first."""
    formatter.resolve()
    entries = [p.entry() for p in pending]
    entries.sort(key=lambda e: e.sort_key, reverse=True)
    return entries
