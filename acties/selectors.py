import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse

from basis.dates import today
from historie.changes import ValueFormatter, build_entries, link_history, record_history
from pijlers.models import Actielijn, ActielijnPijler, Programma
from pijlers.selectors import programma_list

from . import remarks
from .constants import ACTIE_STATUS_KLAAR, ActieStatus, RaadsopdrachtStatus
from .models import (
    Actie,
    ActiePartner,
    Document,
    Indicator,
    Meting,
    Opmerking,
    Raadsopdracht,
    RaadsopdrachtActie,
    Vergadering,
    Voortgangsupdate,
)


def overdue_actie_q(on: datetime.date | None = None) -> Q:
    """Actions whose planned end has passed while they are not finished."""
    return Q(gepland_eind__lt=on or today()) & ~Q(status__in=ACTIE_STATUS_KLAAR)


def overdue_raadsopdracht_q(on: datetime.date | None = None) -> Q:
    return Q(deadline__lt=on or today()) & ~Q(status=RaadsopdrachtStatus.AFGEDAAN)


def raadsopdracht_in_programma_q(programma_id) -> Q:
    """Mandates of a programme: decided with it, or carried out by its actions.

    A subquery on the links rather than a join, so that no DISTINCT is needed
    and the database uses the links' and actions' indexes.
    """
    linked = RaadsopdrachtActie.objects.filter(actie__programma_id=programma_id).values(
        "raadsopdracht_id"
    )
    return Q(programma_id=programma_id) | Q(pk__in=linked)


# --- actions ------------------------------------------------------------------------


def actie_list() -> QuerySet[Actie]:
    # By programme and code: the unique (programma, code) index gives the first
    # page of 100,000 actions without sorting them all.
    return Actie.objects.select_related("actielijn", "trekker", "programma").order_by(
        "programma_id", "code"
    )


def actie_export(queryset: QuerySet[Actie]) -> QuerySet[Actie]:
    return queryset.select_related(
        "actielijn", "trekker", "programma"
    ).prefetch_related("partners", "raadsopdrachten")


def actie_detail(pk: int) -> Actie:
    return (
        Actie.objects.select_related(
            "actielijn", "programma", "trekker", "contactpersoon"
        )
        .prefetch_related(
            "partners",
            Prefetch(
                "voortgangsupdates",
                queryset=Voortgangsupdate.objects.select_related("auteur").order_by(
                    "-datum", "-id"
                ),
            ),
            Prefetch(
                "indicatoren",
                queryset=Indicator.objects.prefetch_related(
                    Prefetch("metingen", queryset=Meting.objects.order_by("datum"))
                ),
            ),
            Prefetch(
                "raadsopdracht_koppelingen",
                queryset=RaadsopdrachtActie.objects.select_related("raadsopdracht"),
            ),
            "documenten",
        )
        .get(pk=pk)
    )


def actie_history(actie: Actie) -> list:
    """The action's own changes and its links made and removed, newest first."""
    formatter = ValueFormatter()
    pending = record_history(
        Actie.history.filter(id=actie.pk).select_related("history_user"),
        Actie,
        formatter=formatter,
    )
    pending += link_history(
        ActiePartner.history.filter(actie_id=actie.pk).select_related("history_user"),
        target_field="organisatie",
        label="Partner",
        formatter=formatter,
        model=ActiePartner,
    )
    pending += link_history(
        RaadsopdrachtActie.history.filter(actie_id=actie.pk).select_related(
            "history_user"
        ),
        target_field="raadsopdracht",
        label="Raadsopdracht",
        formatter=formatter,
        model=RaadsopdrachtActie,
    )
    pending += record_history(
        Document.history.filter(actie_id=actie.pk).select_related("history_user"),
        Document,
        formatter=formatter,
    )
    return build_entries(pending, formatter)


# --- council mandates -------------------------------------------------------------


def raadsopdracht_list() -> QuerySet[Raadsopdracht]:
    return (
        Raadsopdracht.objects.select_related("programma", "hoofdopdracht")
        .annotate(aantal_acties=Count("actie_koppelingen", distinct=True))
        .order_by("-datum_aangenomen", "nummer", "pk")
    )


def raadsopdracht_detail(pk: int) -> Raadsopdracht:
    return (
        Raadsopdracht.objects.select_related(
            "programma", "hoofdopdracht", "aangenomen_in", "af_te_doen_voor"
        )
        .prefetch_related(
            Prefetch(
                "actie_koppelingen",
                queryset=RaadsopdrachtActie.objects.select_related(
                    "actie", "actie__actielijn"
                ).order_by("actie__code"),
            ),
            "documenten",
        )
        .get(pk=pk)
    )


def raadsopdracht_history(raadsopdracht: Raadsopdracht) -> list:
    formatter = ValueFormatter()
    pending = record_history(
        Raadsopdracht.history.filter(id=raadsopdracht.pk).select_related(
            "history_user"
        ),
        Raadsopdracht,
        formatter=formatter,
    )
    pending += link_history(
        RaadsopdrachtActie.history.filter(
            raadsopdracht_id=raadsopdracht.pk
        ).select_related("history_user"),
        target_field="actie",
        label="Actie",
        formatter=formatter,
        model=RaadsopdrachtActie,
    )
    pending += record_history(
        Document.history.filter(raadsopdracht_id=raadsopdracht.pk).select_related(
            "history_user"
        ),
        Document,
        formatter=formatter,
    )
    return build_entries(pending, formatter)


# --- dashboard --------------------------------------------------------------------


@dataclass
class Progress:
    label: str
    average: float
    count: int


@dataclass
class Dashboard:
    programma: Programma
    total: int = 0
    average: float = 0.0
    by_status: list[tuple[str, str, int]] = field(default_factory=list)
    by_actielijn: list[Progress] = field(default_factory=list)
    by_pijler: list[Progress] = field(default_factory=list)
    overdue_acties: list[Actie] = field(default_factory=list)
    open_raadsopdrachten: int = 0
    overdue_raadsopdrachten: list[Raadsopdracht] = field(default_factory=list)
    recent: list = field(default_factory=list)


def _average(values: list[int]) -> float:
    return sum(values) / len(values) if values else 0.0


def dashboard(programma: Programma, *, recent: int = 8) -> Dashboard:
    """Key figures of a programme, in a fixed number of queries."""
    data = Dashboard(programma=programma)
    rows = list(
        Actie.objects.filter(programma=programma).values_list(
            "actielijn_id", "status", "voortgang"
        )
    )
    data.total = len(rows)
    data.average = _average([v for _, _, v in rows])
    counts = Counter(status for _, status, _ in rows)
    data.by_status = [(s.value, s.label, counts.get(s.value, 0)) for s in ActieStatus]

    per_line = defaultdict(list)
    for actielijn_id, _status, voortgang in rows:
        per_line[actielijn_id].append(voortgang)
    lijnen = list(Actielijn.objects.filter(programma=programma).order_by("nummer"))
    data.by_actielijn = [
        Progress(str(lijn), _average(per_line[lijn.pk]), len(per_line[lijn.pk]))
        for lijn in lijnen
    ]
    per_pillar = defaultdict(list)
    links = ActielijnPijler.objects.filter(actielijn__programma=programma)
    for link in links.select_related("pijler").order_by("pijler__volgorde"):
        per_pillar[link.pijler].extend(per_line[link.actielijn_id])
    data.by_pijler = [
        Progress(pijler.naam, _average(values), len(values))
        for pijler, values in per_pillar.items()
    ]

    data.overdue_acties = list(
        actie_list()
        .filter(overdue_actie_q(), programma=programma)
        .order_by("gepland_eind", "code")
    )
    mandates = Raadsopdracht.objects.filter(raadsopdracht_in_programma_q(programma.pk))
    data.open_raadsopdrachten = mandates.exclude(
        status=RaadsopdrachtStatus.AFGEDAAN
    ).count()
    data.overdue_raadsopdrachten = list(
        mandates.filter(overdue_raadsopdracht_q()).order_by("deadline")
    )
    data.recent = recent_changes(programma, limit=recent)
    return data


def _actie_url(pk) -> str:
    return reverse("acties:actie-detail", args=[pk])


def recent_changes(programma: Programma, *, limit: int) -> list:
    """The latest changes to the programme's actions, updates and mandates."""
    formatter = ValueFormatter()
    # The ids of every action the programme ever had, as a list: given a list,
    # PostgreSQL looks the rows up by id and sorts a few thousand; given a
    # subquery or the programme, it walked the whole history backwards by date
    # (half a second at 100,000 actions).
    ids = list(
        Actie.history.filter(programma_id=programma.pk)
        .order_by()
        .values_list("id", flat=True)
        .distinct()
    )
    pending = record_history(
        Actie.history.filter(id__in=ids)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit],
        Actie,
        formatter=formatter,
        describe=lambda row, _f: f"Actie {row.code} {row.titel}",
        link=lambda row: _actie_url(row.id),
    )
    pending += record_history(
        Voortgangsupdate.history.filter(actie_id__in=ids)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit],
        Voortgangsupdate,
        formatter=formatter,
        describe=lambda row, f: (
            f"Voortgangsupdate bij actie {f.name(Actie, row.actie_id)}"
        ),
        link=lambda row: _actie_url(row.actie_id),
    )
    pending += record_history(
        Raadsopdracht.history.filter(
            id__in=Raadsopdracht.objects.filter(
                raadsopdracht_in_programma_q(programma.pk)
            ).values("pk")
        )
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit],
        Raadsopdracht,
        formatter=formatter,
        describe=lambda row, _f: f"Raadsopdracht {row.nummer} {row.titel}",
        link=lambda row: reverse("acties:raadsopdracht-detail", args=[row.id]),
    )
    return build_entries(pending, formatter)[:limit]


def programma_overview(pk: int) -> Programma:
    """A programme with pillars → action lines → actions, in four queries."""
    acties = Prefetch(
        "acties",
        queryset=Actie.objects.select_related("trekker").order_by("code"),
    )
    lijnen = Actielijn.objects.order_by("nummer").prefetch_related(acties)
    return Programma.objects.prefetch_related(
        Prefetch("pijlers__actielijnen", queryset=lijnen),
        Prefetch(
            "actielijnen",
            queryset=Actielijn.objects.filter(pijler_koppelingen__isnull=True)
            .order_by("nummer")
            .prefetch_related(acties),
            to_attr="lijnen_zonder_pijler",
        ),
    ).get(pk=pk)


def current_programma(pk: str | None = None) -> Programma | None:
    """The programme asked for, or else the one that started most recently."""
    programmas = programma_list()
    # isdecimal, not isdigit: a query string may hold '²', which int() refuses.
    if pk and str(pk).isdecimal():
        chosen = programmas.filter(pk=pk).first()
        if chosen is not None:
            return chosen
    return programmas.first()


# --- the council cycle: what is due before the next meeting -----------------------


def next_meeting(on: datetime.date | None = None):
    """The first council or committee meeting on or after ``on`` (today)."""
    return (
        Vergadering.objects.filter(datum__gte=on or today())
        .order_by("datum", "soort", "commissie")
        .first()
    )


@dataclass
class WatKomtEraan:
    """The griffie's list before a meeting: what is overdue now, what must be
    settled by ``datum``, and the settlements proposed and not yet confirmed."""

    datum: datetime.date
    vergadering: object  # Vergadering | None
    te_laat: list
    voor_de_datum: list
    voorstellen: list

    @property
    def leeg(self) -> bool:
        return not (self.te_laat or self.voor_de_datum or self.voorstellen)

    def rows(self):
        """Each mandate once, under the first heading it belongs to."""
        for kop, opdrachten in (
            ("over de uiterste datum", self.te_laat),
            ("af te doen vóór de vergadering", self.voor_de_datum),
            ("afdoening voorgesteld", self.voorstellen),
        ):
            for opdracht in opdrachten:
                yield kop, opdracht


def wat_komt_eraan(
    datum: datetime.date, *, vergadering=None, programma=None
) -> WatKomtEraan:
    mandates = (
        Raadsopdracht.objects.exclude(status=RaadsopdrachtStatus.AFGEDAAN)
        .select_related("hoofdopdracht", "af_te_doen_voor", "programma")
        .prefetch_related(
            Prefetch(
                "actie_koppelingen",
                queryset=RaadsopdrachtActie.objects.select_related("actie").order_by(
                    "actie__code"
                ),
            )
        )
        .order_by("deadline", "nummer", "pk")
    )
    if programma is not None:
        mandates = mandates.filter(raadsopdracht_in_programma_q(programma.pk))
    now = today()
    te_laat, voor, voorstellen, seen = [], [], [], set()
    for opdracht in mandates:
        if opdracht.deadline and opdracht.deadline < now:
            te_laat.append(opdracht)
        elif (opdracht.deadline and opdracht.deadline <= datum) or (
            opdracht.af_te_doen_voor and opdracht.af_te_doen_voor.datum <= datum
        ):
            voor.append(opdracht)
        else:
            continue
        seen.add(opdracht.pk)
    voorstellen = [
        o
        for o in mandates
        if o.status == RaadsopdrachtStatus.AFDOENING_VOORGESTELD and o.pk not in seen
    ]
    return WatKomtEraan(
        datum=datum,
        vergadering=vergadering,
        te_laat=te_laat,
        voor_de_datum=voor,
        voorstellen=voorstellen,
    )


# --- review remarks ---------------------------------------------------------------


def opmerkingen_of(record) -> list[Opmerking]:
    """The questions and remarks on an action, mandate or evaluation, oldest
    first, each with its replies (``reacties``)."""
    return list(
        Opmerking.objects.filter(remarks.on_record(record), vraag__isnull=True)
        .select_related("auteur")
        .prefetch_related(
            Prefetch(
                "reacties",
                queryset=Opmerking.objects.select_related("auteur").order_by(
                    "geplaatst_op", "id"
                ),
            )
        )
        .order_by("geplaatst_op", "id")
    )


def open_vragen(*, programma=None) -> QuerySet[Opmerking]:
    """Open questions (not answered, not withdrawn), oldest first, with their
    record (actions, mandates, evaluations) and the number of replies."""
    rows = Opmerking.objects.filter(
        vraag__isnull=True, beantwoord=False, ingetrokken=False
    )
    if programma is not None:
        rows = rows.filter(
            Q(actie__programma=programma)
            | Q(raadsopdracht__programma=programma)
            | Q(raadsopdracht__actie_koppelingen__actie__programma=programma)
            | remarks.of_programma(programma)
        ).distinct()
    return (
        rows.select_related("auteur", "actie", "raadsopdracht")
        .prefetch_related("onderwerp")
        .annotate(aantal_reacties=Count("reacties", distinct=True))
        .order_by("geplaatst_op", "id")
    )
