"""The global change log: every change to every record, newest first.

Reads all history tables as one list: a ``UNION ALL`` of (kind, history id,
date) per table gives the order and the page, then one query per kind on the
page fetches the rows and the versions before them for the field differences.
A page therefore costs the same number of queries however long the history.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import models
from django.db.models import CharField, Q, QuerySet, Value
from django.urls import reverse

from acties.models import (
    Actie,
    ActiePartner,
    Indicator,
    Meting,
    Organisatie,
    Raadsopdracht,
    RaadsopdrachtActie,
    Voortgangsupdate,
)
from acties.snapshot import end_of_day
from evaluatie.models import Bevinding, Tussenevaluatie
from historie.changes import ChangeEntry, ValueFormatter, build_entries, record_history
from historie.records import tracked_models
from pijlers.models import Actielijn, ActielijnPijler, Pijler, Programma


def _actie_url(pk) -> str:
    return reverse("acties:actie-detail", args=[pk])


def record_history_url(model: type[models.Model], pk) -> str:
    return reverse("record-history", args=[model._meta.model_name, pk])


@dataclass(frozen=True)
class Kind:
    """How the change log treats one kind of record."""

    model: type[models.Model]
    search: tuple[str, ...]  # see historie.records.ChangeLog
    via: str | None = None

    @property
    def key(self) -> str:
        return self.model._meta.model_name

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def describe(self, row, formatter: ValueFormatter) -> str:
        name = self.model._meta.verbose_name
        if self.model is Actie:
            return f"Actie {row.code} {row.titel}"
        if self.model in (Voortgangsupdate, Indicator):
            return (
                f"{name} bij actie {formatter.name(Actie, row.actie_id)}".capitalize()
            )
        if self.model is Meting:
            return f"Meting van {formatter.name(Indicator, row.indicator_id)}"
        if self.model is ActiePartner:
            organisatie = formatter.name(Organisatie, row.organisatie_id)
            return (
                f"Partner {organisatie} bij actie {formatter.name(Actie, row.actie_id)}"
            )
        if self.model is RaadsopdrachtActie:
            opdracht = formatter.name(Raadsopdracht, row.raadsopdracht_id)
            return f"Koppeling {opdracht} – actie {formatter.name(Actie, row.actie_id)}"
        if self.model is ActielijnPijler:
            lijn = formatter.name(Actielijn, row.actielijn_id)
            return (
                f"Actielijn {lijn} dient pijler {formatter.name(Pijler, row.pijler_id)}"
            )
        if self.model is Bevinding:
            evaluatie = formatter.name(Tussenevaluatie, row.tussenevaluatie_id)
            return f"Bevinding in {evaluatie}"
        # The rest name themselves from their own fields only.
        return f"{str(name).capitalize()} {row.instance}"

    def link(self, row) -> str:
        if self.model is Actie:
            return _actie_url(row.id)
        if self.model in (Voortgangsupdate, Indicator):
            return _actie_url(row.actie_id)
        if self.model is Raadsopdracht:
            return reverse("acties:raadsopdracht-detail", args=[row.id])
        return record_history_url(self.model, row.id)


# Every tracked model that says how the change log shows it
# (``tracked_history(change_log=...)``), in the order of the apps and models.
KINDS = [
    Kind(model, model.change_log.search, model.change_log.via)
    for model in tracked_models()
    if model.change_log is not None
]
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}


@dataclass
class LogFilter:
    gebruiker: object = None
    soort: str = ""
    actielijn: Actielijn | None = None
    van: datetime.date | None = None
    tot: datetime.date | None = None
    q: str = ""


def _filtered(kind: Kind, f: LogFilter) -> QuerySet | None:
    """The kind's history rows that pass the filter; None if none can."""
    rows = kind.model.history.all()
    if f.soort and f.soort != kind.key:
        return None
    if f.gebruiker is not None:
        rows = rows.filter(history_user=f.gebruiker)
    # From the first day there is, no day before it to count from: no filter.
    if f.van and f.van > datetime.date.min:
        rows = rows.filter(history_date__gt=end_of_day(f.van - datetime.timedelta(1)))
    if f.tot:
        rows = rows.filter(history_date__lte=end_of_day(f.tot))
    if f.actielijn is not None:
        if kind.via is None:
            return None
        acties = Actie.history.filter(actielijn_id=f.actielijn.pk).values("id")
        if kind.via == "actielijn":
            field = "id" if kind.model is Actielijn else "actielijn_id"
            rows = rows.filter(**{field: f.actielijn.pk})
        elif kind.via == "actie":
            field = "id" if kind.model is Actie else "actie_id"
            rows = rows.filter(**{f"{field}__in": acties})
        elif kind.via == "indicator":
            indicatoren = Indicator.history.filter(actie_id__in=acties).values("id")
            rows = rows.filter(indicator_id__in=indicatoren)
        elif kind.via == "opdracht":
            opdrachten = RaadsopdrachtActie.history.filter(actie_id__in=acties).values(
                "raadsopdracht_id"
            )
            rows = rows.filter(id__in=opdrachten)
    if f.q:
        condition = Q(history_change_reason__icontains=f.q)
        for name in kind.search:
            condition |= Q(**{f"{name}__icontains": f.q})
        rows = rows.filter(condition)
    return rows


def change_log(f: LogFilter) -> QuerySet:
    """(kind, history id, date) of every matching change, newest first.

    A lazy ``UNION ALL`` over the history tables: a paginator counts and
    slices it in the database.
    """
    parts = []
    for kind in KINDS:
        rows = _filtered(kind, f)
        if rows is None:
            continue
        parts.append(
            rows.order_by()
            .annotate(kind=Value(kind.key, output_field=CharField()))
            .values_list("kind", "history_id", "history_date")
        )
    if not parts:
        return Programma.history.none().values_list(
            "history_type", "history_id", "history_date"
        )
    first, *rest = parts
    combined = first.union(*rest, all=True) if rest else first
    return combined.order_by("-history_date", "-history_id")


def change_entries(keys) -> list[ChangeEntry]:
    """Readable entries for (kind, history id, date) triples, newest first.

    One query per kind present: the rows of those records up to the newest
    listed change, so that each change is compared with the version before it.
    """
    wanted = defaultdict(set)
    newest = {}
    for key, history_id, when in keys:
        wanted[key].add(history_id)
        newest[key] = max(newest.get(key, when), when)
    formatter = ValueFormatter()
    pending = []
    for key, history_ids in wanted.items():
        kind = KINDS_BY_KEY[key]
        history = kind.model.history
        ids = history.filter(history_id__in=history_ids).values("id")
        rows = history.filter(id__in=ids, history_date__lte=newest[key])
        pending += record_history(
            rows.select_related("history_user"),
            kind.model,
            formatter=formatter,
            describe=kind.describe,
            link=kind.link,
            only=history_ids,
        )
    return build_entries(pending, formatter)


def iter_change_entries(f: LogFilter, *, chunk: int = 500) -> Iterator[ChangeEntry]:
    """Every matching change, newest first, a chunk at a time (for the export)."""
    log = change_log(f)
    start = 0
    while True:
        keys = list(log[start : start + chunk])
        if not keys:
            return
        yield from change_entries(keys)
        start += chunk
