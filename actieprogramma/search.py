"""One search box for everything a reader may see: actions, mandates,
progress updates, organisations and evaluations, ranked.

On PostgreSQL: full-text search with the Dutch configuration (stemming, so
"voorlichting" finds "voorlichtingen"), ranked by ``ts_rank``, on the GIN
indexes of ``acties/migrations/0008_search_indexes.py``. On SQLite: every word
must occur in one of the fields (case-insensitive), ranked by where it occurs.
Only kinds whose records the reader may view are searched.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.text import Truncator

from acties.models import Actie, Organisatie, Raadsopdracht, Voortgangsupdate
from evaluatie.models import Tussenevaluatie

MAX_PER_KIND = 20
MAX_QUERY = 200


@dataclass
class Hit:
    soort: str
    titel: str
    fragment: str
    url: str
    programma: str
    rank: float


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    model: type
    fields: tuple[str, ...]
    permission: str
    related: tuple[str, ...] = ()

    @property
    def plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def hits(self, records) -> list[Hit]:
        return [self.hit(r) for r in records]

    def hit(self, r) -> Hit:
        rank = float(getattr(r, "zoek_rank", 0) or 0)
        if self.key == "actie":
            return Hit(
                soort=self.label,
                titel=f"{r.code} {r.titel}",
                fragment=_short(r.omschrijving),
                url=r.get_absolute_url(),
                programma=r.programma.titel,
                rank=rank,
            )
        if self.key == "raadsopdracht":
            return Hit(
                soort=r.get_soort_display().capitalize(),
                titel=f"{r.kop}: {r.titel}",
                fragment=_short(r.tekst),
                url=r.get_absolute_url(),
                programma=r.programma.titel if r.programma else "meer programma's",
                rank=rank,
            )
        if self.key == "voortgangsupdate":
            return Hit(
                soort=self.label,
                titel=f"{r.actie.code} {r.actie.titel}, {r.datum:%d-%m-%Y}",
                fragment=_short(r.tekst),
                url=r.actie.get_absolute_url(),
                programma=r.actie.programma.titel,
                rank=rank,
            )
        if self.key == "organisatie":
            return Hit(
                soort=self.label,
                titel=r.naam,
                fragment=r.afkorting,
                url=reverse("acties:actie-list") + f"?trekker={r.pk}",
                programma="–",
                rank=rank,
            )
        return Hit(
            soort=self.label,
            titel=r.titel,
            fragment=_short(r.samenvatting),
            url=r.get_absolute_url(),
            programma=r.programma.titel,
            rank=rank,
        )


SOURCES = (
    Source("actie", "Actie", Actie, ("code", "titel", "omschrijving"),
           "acties.view_actie", ("programma",)),
    Source("raadsopdracht", "Raadsopdracht", Raadsopdracht,
           ("nummer", "titel", "tekst", "indieners", "fractie"),
           "acties.view_raadsopdracht", ("programma",)),
    Source("voortgangsupdate", "Voortgangsupdate", Voortgangsupdate, ("tekst",),
           "acties.view_voortgangsupdate", ("actie__programma",)),
    Source("organisatie", "Organisatie", Organisatie, ("naam", "afkorting"),
           "acties.view_organisatie"),
    Source("tussenevaluatie", "Tussenevaluatie", Tussenevaluatie,
           ("titel", "samenvatting", "conclusies", "aanbevelingen"),
           "evaluatie.view_tussenevaluatie", ("programma",)),
)  # fmt: skip


def _short(text: str) -> str:
    return Truncator(" ".join((text or "").split())).chars(160)


def matches(source: Source, q: str) -> QuerySet:
    """The records of ``source`` that match ``q``, best first."""
    rows = source.model.objects.select_related(*source.related)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import (
            SearchQuery,
            SearchRank,
            SearchVector,
        )

        vector = SearchVector(*source.fields, config="dutch")
        query = SearchQuery(q, config="dutch", search_type="websearch")
        return (
            rows.annotate(zoek=vector)
            .filter(zoek=query)
            .annotate(zoek_rank=SearchRank(vector, query))
            .order_by("-zoek_rank", "pk")
        )
    for word in q.split():
        any_field = Q()
        for name in source.fields:
            any_field |= Q(**{f"{name}__icontains": word})
        rows = rows.filter(any_field)
    return rows.order_by("pk")


def _plain_rank(source: Source, record, words: list[str]) -> float:
    """Without full-text search: a word in an earlier field (code, number,
    title) counts more than one in the text."""
    score = 0.0
    for weight, name in enumerate(reversed(source.fields), start=1):
        value = (getattr(record, name) or "").lower()
        score += weight * sum(1 for word in words if word in value)
    return score


def search(q: str, user) -> list[tuple[Source, list[Hit], int]]:
    """Per kind the reader may view: its best hits and how many there are."""
    # Control characters (a NUL byte PostgreSQL refuses) are not words.
    q = "".join(c if c.isprintable() else " " for c in q)
    q = " ".join(q.split())[:MAX_QUERY]
    if not q:
        return []
    found = []
    for source in SOURCES:
        if not user.has_perm(source.permission):
            continue
        rows = matches(source, q)
        total = rows.count()
        if not total:
            continue
        if connection.vendor == "postgresql":
            best = list(rows[:MAX_PER_KIND])
        else:
            words = q.lower().split()
            candidates = list(rows[: MAX_PER_KIND * 25])
            best = sorted(candidates, key=lambda r: -_plain_rank(source, r, words))[
                :MAX_PER_KIND
            ]
        found.append((source, source.hits(best), total))
    return found
