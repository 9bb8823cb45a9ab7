"""The mid-term evaluation as data: the programme at the peildatum, and since.

``evaluation_report`` builds a plain ``Report`` from the recorded history alone
(``acties.snapshot``): the state at the end of the peildatum, the changes since
the end of the basisdatum, the latest progress update and measurement before the
peildatum, and the council mandates. The HTML preview and the PDF only format
it; ``report_data`` of it is also what a final PDF carries as JSON and CSV, and what the
report's SHA-256 of its data is taken over.
"""

import csv
import dataclasses
import datetime
import functools
import hashlib
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from acties import remarks
from acties.constants import ACTIE_STATUS_KLAAR, ActieStatus
from acties.exchange import RAPPORT_VELDEN, rapport_cel, rapport_waarde
from acties.models import (
    Actie,
    Indicator,
    Meting,
    Voortgangsupdate,
    mandate_heading,
)
from acties.selectors import open_vragen
from acties.snapshot import (
    ActieState,
    Comparison,
    ProgrammaState,
    RaadsopdrachtState,
    compare,
    end_of_day,
    programma_state,
    snapshot_at,
)
from basis.charts import BarChart, alt_text, bar_chart, svg_data_uri
from basis.dates import short_date
from basis.exchange import plain
from basis.export import neutralise
from historie.changes import user_name
from historie.records import is_system_user, rows_between, versions_at

from .constants import EvaluatieStatus
from .models import Bevinding, Tussenevaluatie


@dataclass
class IndicatorState:
    naam: str
    eenheid: str
    nulwaarde: Decimal
    nulwaarde_datum: datetime.date | None
    streefwaarde: Decimal | None
    streefdatum: datetime.date | None
    laatste_waarde: Decimal | None = None
    laatste_datum: datetime.date | None = None
    # The measurements up to the peildatum, oldest first: (date, value).
    metingen: list[tuple[datetime.date, Decimal]] = field(default_factory=list)
    voorbeeld: bool = False

    # A chart of more bars than this shows the most recent measurements.
    MAX_BARS = 6

    @functools.cached_property
    def grafiek(self):
        """The nulmeting, the latest measurements and the target as a small
        bar chart; None when there is no measurement to show."""
        if not self.metingen:
            return None
        begin = short_date(self.nulwaarde_datum) if self.nulwaarde_datum else ""
        rows = [(f"nulmeting {begin}".strip(), self.nulwaarde)]
        shown = self.metingen[-(self.MAX_BARS - 2) :]
        rows += [(f"meting {short_date(day)}", value) for day, value in shown]
        if self.streefwaarde is not None:
            label = "streefwaarde"
            if self.streefdatum:
                label += f" {short_date(self.streefdatum)}"
            rows.append((label, self.streefwaarde))
        eenheid = f" ({self.eenheid})" if self.eenheid else ""
        description = (
            "Voorbeeldwaarden, geen echte metingen."
            if self.voorbeeld
            else f"Nulmeting, metingen tot de peildatum en streefwaarde{eenheid}."
        )
        if len(self.metingen) > len(shown):
            description += (
                f" De laatste {len(shown)} van {len(self.metingen)} metingen."
            )
        return bar_chart(
            title=f"Indicator {self.naam}",
            description=description,
            rows=[(label, float(value)) for label, value in rows],
            bar_height=13,
            gap=3,
            display=dutch_number,
        )

    @property
    def grafiek_uri(self) -> str:
        return svg_data_uri(self.grafiek) if self.grafiek else ""

    @property
    def grafiek_alt(self) -> str:
        return alt_text(self.grafiek) if self.grafiek else ""


# How far along a status is, to tell going ahead from going back.
STATUS_RANK = {"gepland": 0, "lopend": 1, "vertraagd": 1, "afgerond": 2, "gestopt": 2}
# More points of one kind than this, and the summary names them in one line.
MAX_POINTS_PER_KIND = 8


@dataclass
class ActieReport:
    state: ActieState
    laatste_update: str = ""
    laatste_update_datum: datetime.date | None = None
    indicatoren: list[IndicatorState] = field(default_factory=list)
    wijzigingen: list = field(default_factory=list)  # RecordDifference
    toegevoegd: bool = False
    # How its status went since the basisdatum (or since it was entered), in
    # words a council member reads: "gestart op 1 sep. 2025; vertraagd sinds ...".
    verloop: str = ""
    # An officer marked it to be explained (the live mark, not the one at
    # the peildatum: it is an instruction for this report).
    op_verzoek: bool = False

    @property
    def wijziging_kort(self) -> str:
        """Its change since the basisdatum, for a table cell."""
        if self.toegevoegd:
            return "nieuw"
        if not self.wijzigingen:
            return "–"
        # What it was: the table's other columns say what it is.
        difference = self.wijzigingen[0]
        parts = [
            str(f.old_display) if f.name == "status" else f"{f.old}%"
            for name in ("status", "voortgang")
            if (f := difference.field(name)) is not None
        ]
        return f"was {', '.join(parts)}" if parts else "gewijzigd"

    @property
    def toelichting_nodig(self) -> bool:
        """Whether the action gets a section of its own: it is late, delayed
        or stopped, its status went back since the basisdatum (finished and
        reopened, say), or an officer marked it to be explained. Going ahead
        (planned, running, finished) is what an action is for; the table
        shows it."""
        return (
            self.op_verzoek
            or self.state.te_laat
            or self.state.status in ("vertraagd", "gestopt")
            or any(
                f.name == "status"
                and STATUS_RANK.get(f.new, 0) < STATUS_RANK.get(f.old, 0)
                for d in self.wijzigingen
                for f in d.fields
            )
        )


def indicator_data(indicator: IndicatorState) -> dict:
    """An indicator as the data attachment holds it, measurements included."""
    data = {
        f.name: plain(getattr(indicator, f.name))
        for f in dataclasses.fields(indicator)
        if f.name != "metingen"
    }
    data["metingen"] = [
        {"datum": plain(day), "waarde": plain(value)}
        for day, value in indicator.metingen
    ]
    return data


def dutch_number(value: float) -> str:
    """12.5 as "12,5", 17.0 as "17": as the report writes a measured value."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def percentage(value: float | None) -> int | None:
    """One rounding rule for every percentage the report shows: whole
    percents, half up (12.5 % is 13 %, in the table and the chart alike)."""
    if value is None:
        return None
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def average_progress(acties) -> int | None:
    """The mean progress of the real actions (examples left out); None when
    there is none to average ("n.v.t.")."""
    real = [a.voortgang for a in acties if not a.voorbeeld]
    return percentage(sum(real) / len(real)) if real else None


@dataclass
class ActielijnReport:
    nummer: int
    naam: str
    pijlers: list[str]
    acties: list[ActieReport]
    bevinding: str = ""

    @property
    def gemiddelde_voortgang(self) -> int | None:
        return average_progress([a.state for a in self.acties])

    @property
    def echte_acties(self) -> int:
        return sum(1 for a in self.acties if not a.state.voorbeeld)


@dataclass
class Kerncijfers:
    """The programme's key figures at the peildatum, over its real actions:
    examples (demonstration data) are left out and counted apart."""

    acties: int
    per_status: list[tuple[str, str, int]]
    gemiddelde_voortgang: int | None
    te_laat: int
    voorbeelden: int
    # The register's mandates by status, without those settled before the
    # programme began (background, not the programme's results).
    raadsopdrachten_per_status: list[tuple[str, str, int]]


@dataclass
class Aandachtspunt:
    """What a committee asks about first: one sentence, and what it is about."""

    soort: str
    tekst: str
    # What it is about (an action's code), to name it when points are grouped.
    onderwerp: str = ""


@dataclass
class Mandaat:
    """A mandate as the annex shows it: the register's entry in full."""

    state: RaadsopdrachtState
    kop: str
    datum_label: str
    acties: list[ActieState]
    achtergrond: bool = False
    # The mandate a commitment is part of.
    hoofd: RaadsopdrachtState | None = None


@dataclass
class OpenVraag:
    """A question on an action or mandate that nobody has marked answered."""

    bij: str  # "actie 4.2", "Amendement bij IV, toezegging 2"
    tekst: str
    gesteld_door: str
    gesteld_op: datetime.date
    reacties: int


@dataclass
class PijlerReport:
    volgorde: int
    naam: str
    actielijnen: list[str]
    bevinding: str = ""
    acties: int = 0  # real actions of its lines
    gemiddelde_voortgang: int | None = None


@dataclass
class Financien:
    """The budgets of the real actions, per line: what the programme plans to
    spend as its officers recorded it."""

    per_actielijn: list[tuple[str, Decimal, int]]  # line, total, actions with one
    totaal: Decimal
    zonder_budget: int


@dataclass
class Vervolg:
    """What comes after the peildatum: deadlines and planned ends ahead."""

    raadsopdrachten: list  # Mandaat with a deadline after the peildatum, not settled
    acties: list[ActieState]  # the first of those planned to end in half a year
    meer_acties: int = 0  # and how many more there are


@dataclass
class Report:
    evaluatie: Tussenevaluatie
    peildatum: datetime.date
    basisdatum: datetime.date
    state: ProgrammaState
    comparison: Comparison
    pijlers: list[PijlerReport]
    actielijnen: list[ActielijnReport]
    verwijderd: list  # actions removed since the basisdatum (RecordDifference)
    charts: dict[str, BarChart]
    record_counts: dict[str, int]
    generated_at: datetime.datetime
    generated_by: str
    kerncijfers: Kerncijfers | None = None
    versie: int = 1
    financien: Financien | None = None
    vervolg: Vervolg | None = None
    aandachtspunten: list[Aandachtspunt] = field(default_factory=list)
    # The mandates in the register's order; those settled before the
    # programme began come last, as background.
    mandaten: list[Mandaat] = field(default_factory=list)
    # The open questions at the moment of rendering, in the concept (and in
    # the final when the evaluation says so); None: not in this report.
    open_vragen: list[OpenVraag] | None = None
    data_sha256: str = ""

    @property
    def register(self) -> list[Mandaat]:
        return [m for m in self.mandaten if not m.achtergrond]

    @property
    def achtergrond(self) -> list[Mandaat]:
        return [m for m in self.mandaten if m.achtergrond]

    @property
    def acties_totaal(self) -> int:
        return len(self.state.acties)


def _latest_by_actie(rows, peildatum, date_field: str, key: str) -> dict:
    latest = {}
    for row in rows:
        day = getattr(row, date_field)
        if day is None or day > peildatum:
            continue
        current = latest.get(getattr(row, key))
        if current is None or (day, row.id) > (
            getattr(current, date_field),
            current.id,
        ):
            latest[getattr(row, key)] = row
    return latest


class ProgrammeNotAtPeildatum(LookupError):
    """The programme did not exist yet at the evaluation's peildatum.

    A class of its own, so that the pages that show this to a person catch
    exactly this and not any ``ValueError`` a bug might raise.
    """


def evaluation_report(
    evaluatie: Tussenevaluatie,
    *,
    generated_by: str,
    generated_at: datetime.datetime,
) -> Report:
    """Everything the report shows, from the history, in a fixed number of queries."""
    programma_id = evaluatie.programma_id
    peildatum = evaluatie.peildatum
    basisdatum = evaluatie.effectieve_basisdatum or peildatum
    moment = end_of_day(peildatum)
    snapshot = snapshot_at(moment, programma_id=programma_id)
    state = programma_state(snapshot, programma_id)
    if state is None:
        raise ProgrammeNotAtPeildatum(
            f"programme {programma_id} did not exist on {peildatum:%Y-%m-%d}"
        )
    before = snapshot_at(end_of_day(basisdatum), programma_id=programma_id)
    comparison = compare(
        end_of_day(basisdatum),
        moment,
        programma_id=programma_id,
        before=before,
        after=snapshot,
    )

    acties_ooit = Actie.history.filter(programma_id=programma_id).values("id")
    updates = versions_at(
        Voortgangsupdate,
        moment,
        ids=Voortgangsupdate.history.filter(actie_id__in=acties_ooit).values("id"),
    )
    indicatoren = versions_at(
        Indicator,
        moment,
        ids=Indicator.history.filter(actie_id__in=acties_ooit).values("id"),
    )
    metingen = versions_at(
        Meting,
        moment,
        ids=Meting.history.filter(indicator_id__in=list(indicatoren)).values("id"),
    )
    latest_update = _latest_by_actie(updates.values(), peildatum, "datum", "actie_id")
    latest_meting = _latest_by_actie(
        metingen.values(), peildatum, "datum", "indicator_id"
    )
    per_indicator = defaultdict(list)
    for row in metingen.values():
        if row.datum <= peildatum:
            per_indicator[row.indicator_id].append((row.datum, row.id, row.waarde))
    voorbeeld_ids = {pk for pk, row in snapshot.acties.items() if row.is_voorbeeld}
    per_actie_indicatoren = defaultdict(list)
    for row in sorted(indicatoren.values(), key=lambda r: r.naam):
        meting = latest_meting.get(row.id)
        per_actie_indicatoren[row.actie_id].append(
            IndicatorState(
                naam=row.naam,
                eenheid=row.eenheid,
                nulwaarde=row.nulwaarde,
                nulwaarde_datum=row.nulwaarde_datum,
                streefwaarde=row.streefwaarde,
                streefdatum=row.streefdatum,
                laatste_waarde=meting.waarde if meting else None,
                laatste_datum=meting.datum if meting else None,
                metingen=[(d, w) for d, _id, w in sorted(per_indicator[row.id])],
                voorbeeld=row.actie_id in voorbeeld_ids,
            )
        )
    changes = {d.id: d for d in comparison.acties if d.change != "verwijderd"}
    paths = _status_paths(
        rows_between(
            Actie,
            end_of_day(basisdatum),
            moment,
            ids=set(acties_ooit.values_list("id", flat=True)),
        ),
        before={pk: row.status for pk, row in before.acties.items()},
    )

    bevindingen = (
        {
            (b.pijler_id, b.actielijn_id): b.tekst
            for b in Bevinding.objects.filter(tussenevaluatie=evaluatie)
        }
        if evaluatie.pk
        else {}
    )

    op_verzoek = set(
        Actie.objects.filter(programma_id=programma_id, toelichten=True).values_list(
            "id", flat=True
        )
    )
    actielijnen = []
    for lijn in state.actielijnen:
        acties = []
        for actie in lijn.acties:
            update = latest_update.get(actie.id)
            difference = changes.get(actie.id)
            acties.append(
                ActieReport(
                    state=actie,
                    laatste_update=update.tekst if update else "",
                    laatste_update_datum=update.datum if update else None,
                    indicatoren=per_actie_indicatoren[actie.id],
                    wijzigingen=[difference] if difference else [],
                    toegevoegd=bool(difference and difference.change == "toegevoegd"),
                    verloop=paths.get(actie.id, ""),
                    op_verzoek=actie.id in op_verzoek,
                )
            )
        actielijnen.append(
            ActielijnReport(
                nummer=lijn.nummer,
                naam=lijn.naam,
                pijlers=lijn.pijlers,
                acties=acties,
                bevinding=bevindingen.get((None, lijn.id), ""),
            )
        )
    pijlers = [
        PijlerReport(
            volgorde=p.volgorde,
            naam=p.naam,
            actielijnen=[f"{lijn.nummer}. {lijn.naam}" for lijn in p.actielijnen],
            acties=sum(
                1 for lijn in p.actielijnen for a in lijn.acties if not a.voorbeeld
            ),
            gemiddelde_voortgang=average_progress(
                [a for lijn in p.actielijnen for a in lijn.acties]
            ),
            bevinding=bevindingen.get((p.id, None), ""),
        )
        for p in state.pijlers
    ]
    mandaten = _mandaten(state)
    kerncijfers = _kerncijfers(state, mandaten)
    charts = {
        "status": bar_chart(
            title="Acties per status op de peildatum",
            description="Aantal acties van het programma in elke status"
            + (", zonder voorbeeldacties." if kerncijfers.voorbeelden else "."),
            rows=[(label, count) for _value, label, count in kerncijfers.per_status],
        ),
        "actielijnen": bar_chart(
            title="Gemiddelde voortgang per actielijn op de peildatum",
            description="Gemiddelde voortgang van de acties van elke actielijn"
            + (", zonder voorbeeldacties." if kerncijfers.voorbeelden else "."),
            rows=[
                (f"{lijn.nummer}. {lijn.naam}", lijn.gemiddelde_voortgang or 0)
                for lijn in actielijnen
            ],
            maximum=100,
            unit="%",
        ),
    }
    actie_ids = {a.id for a in state.acties}
    report = Report(
        evaluatie=evaluatie,
        peildatum=peildatum,
        basisdatum=basisdatum,
        state=state,
        comparison=comparison,
        pijlers=pijlers,
        actielijnen=actielijnen,
        verwijderd=[d for d in comparison.acties if d.change == "verwijderd"],
        charts=charts,
        record_counts={
            "pijlers": len(state.pijlers),
            "actielijnen": len(state.actielijnen),
            "acties": len(state.acties),
            "voortgangsupdates": sum(
                1
                for u in updates.values()
                if u.datum <= peildatum and u.actie_id in actie_ids
            ),
            "indicatoren": sum(len(v) for v in per_actie_indicatoren.values()),
            "raadsopdrachten": len(state.raadsopdrachten),
        },
        generated_at=generated_at,
        generated_by=generated_by,
        kerncijfers=kerncijfers,
        versie=evaluatie.history.count() if evaluatie.pk else 1,
        financien=_financien(state),
        vervolg=_vervolg(state, mandaten, peildatum),
        aandachtspunten=_aandachtspunten(actielijnen, mandaten, peildatum),
        mandaten=mandaten,
    )
    if (
        evaluatie.status != EvaluatieStatus.DEFINITIEF
        or evaluatie.open_vragen_in_definitief
    ):
        report.open_vragen = _open_vragen(evaluatie, state, mandaten)
    report.data_sha256 = hashlib.sha256(data_json(report).encode()).hexdigest()
    return report


# --- what the committee reads first ----------------------------------------------

# The register's order: the decision, then the amendments and their
# commitments, then the motions and the commitments made in debate.
SOORT_ORDER = {"beslispunt": 0, "amendement": 1, "motie": 2, "toezegging": 3}
ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}


def _roman(text: str) -> int | None:
    if not text or any(c not in ROMAN for c in text):
        return None
    total = 0
    for i, c in enumerate(text):
        value = ROMAN[c]
        total += -value if i + 1 < len(text) and ROMAN[text[i + 1]] > value else value
    return total


def _datum_label(r, hoofd) -> str:
    """Decision points are decided, motions and amendments adopted; a
    commitment of the college is made (one in an amendment came with it)."""
    if r.soort == "beslispunt":
        return "Besloten"
    if r.soort == "toezegging" and not (hoofd and hoofd.soort == "amendement"):
        return "Toegezegd"
    return "Aangenomen"


def _mandaten(state: ProgrammaState) -> list[Mandaat]:
    by_code = {a.code: a for a in state.acties}
    start = state.programma.periode_start

    by_id = {r.id: r for r in state.raadsopdrachten}

    def order(r):
        # A commitment right after the mandate it is part of.
        parent = by_id.get(r.hoofdopdracht_id)
        if parent is not None:
            return (*order(parent)[:4], 1, r.nummer)
        roman = _roman(r.nummer)
        return (
            SOORT_ORDER.get(r.soort, 9),
            roman if roman is not None else 999,
            r.datum_aangenomen or datetime.date.min,
            r.nummer,
            0,
            "",
        )

    mandaten = []
    for r in sorted(state.raadsopdrachten, key=order):
        kop = mandate_heading(r.soort_label, r.nummer)
        mandaten.append(
            Mandaat(
                state=r,
                kop=kop,
                datum_label=_datum_label(r, by_id.get(r.hoofdopdracht_id)),
                acties=[by_code[code] for code in r.acties if code in by_code],
                achtergrond=bool(r.afgedaan_op and start and r.afgedaan_op < start),
                hoofd=by_id.get(r.hoofdopdracht_id),
            )
        )
    return sorted(mandaten, key=lambda m: m.achtergrond)


def _open_vragen(
    evaluatie: Tussenevaluatie, state: ProgrammaState, mandaten: list[Mandaat]
) -> list[OpenVraag]:
    """Open questions on the evaluation itself and on the report's actions and
    mandates, as they are now; those on the evaluation first."""
    acties = {a.id: a for a in state.acties}
    koppen = {m.state.id: m.kop for m in mandaten}
    wanted = Q(actie_id__in=list(acties)) | Q(raadsopdracht_id__in=list(koppen))
    if evaluatie.pk:
        wanted |= remarks.on_record(evaluatie)
    rows = sorted(
        open_vragen().filter(wanted),
        key=lambda row: row.actie_id is not None or row.raadsopdracht_id is not None,
    )
    return [
        OpenVraag(
            bij=(
                f"actie {acties[row.actie_id].code}"
                if row.actie_id
                else koppen[row.raadsopdracht_id]
                if row.raadsopdracht_id
                else "deze evaluatie"
            ),
            tekst=row.tekst,
            gesteld_door=user_name(row.auteur),
            gesteld_op=timezone.localdate(row.geplaatst_op),
            reacties=row.aantal_reacties,
        )
        for row in rows
    ]


# How a change of status reads in the path of an action.
STATUS_WORDS = {
    "gepland": "weer gepland",
    "lopend": "gestart",
    "vertraagd": "vertraagd",
    "afgerond": "afgerond",
    "gestopt": "gestopt",
}


def _status_paths(rows, *, before: dict[int, str]) -> dict[int, str]:
    """Per action, the changes of its status in the history rows given (after
    the basisdatum, up to the peildatum), as one sentence. A change written by
    a command says so rather than naming an account; a person's reason is
    quoted."""
    previous = dict(before)
    steps: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        day = short_date(timezone.localtime(row.history_date).date())
        automatic = is_system_user(row.history_user)
        if row.history_type == "+":
            where = " bij de start van de registratie" if automatic else ""
            status = ActieStatus(row.status).label
            reason = row.history_change_reason or ""
            why = f": “{reason}”" if reason and not automatic else ""
            steps[row.id].append(f"ingevoerd op {day}{where} als {status}{why}")
        elif row.status != previous.get(row.id, row.status):
            reason = row.history_change_reason or ""
            why = f": “{reason}”" if reason and not automatic else ""
            steps[row.id].append(
                f"{STATUS_WORDS.get(row.status, row.status)} op {day}{why}"
            )
        previous[row.id] = row.status
    return {pk: "; ".join(parts) + "." for pk, parts in steps.items()}


def _financien(state: ProgrammaState) -> Financien:
    per_line = []
    for lijn in state.actielijnen:
        budgets = [a.budget for a in lijn.acties if not a.voorbeeld and a.budget]
        per_line.append((f"{lijn.nummer}. {lijn.naam}", sum(budgets, Decimal(0)),
                         len(budgets)))  # fmt: skip
    real = [a for a in state.acties if not a.voorbeeld]
    return Financien(
        per_actielijn=per_line,
        totaal=sum((total for _n, total, _c in per_line), Decimal(0)),
        zonder_budget=sum(1 for a in real if not a.budget),
    )


def _vervolg(state: ProgrammaState, mandaten, peildatum) -> Vervolg:
    # Half a year on, or the last day there is (a peildatum far in the future).
    horizon = (
        peildatum + datetime.timedelta(days=183)
        if peildatum < datetime.date.max - datetime.timedelta(days=183)
        else datetime.date.max
    )
    ahead = sorted(
        (
            a
            for a in state.acties
            if not a.voorbeeld
            and a.status not in ACTIE_STATUS_KLAAR
            and a.gepland_eind
            and peildatum < a.gepland_eind <= horizon
        ),
        key=lambda a: (a.gepland_eind, a.code),
    )
    return Vervolg(
        acties=ahead[:MAX_POINTS_PER_KIND],
        meer_acties=max(0, len(ahead) - MAX_POINTS_PER_KIND),
        raadsopdrachten=[
            m
            for m in mandaten
            if not m.achtergrond
            and m.state.status != "afgedaan"
            and m.state.deadline
            and m.state.deadline > peildatum
        ],
    )


def _kerncijfers(state: ProgrammaState, mandaten: list[Mandaat]) -> Kerncijfers:
    real = [a for a in state.acties if not a.voorbeeld]
    per_status = [
        (value, label, sum(1 for a in real if a.status == value))
        for value, label, _count in state.per_status
    ]
    statuses = {}
    for m in mandaten:
        if not m.achtergrond:
            key = (m.state.status, m.state.status_label)
            statuses[key] = statuses.get(key, 0) + 1
    return Kerncijfers(
        acties=len(real),
        per_status=per_status,
        gemiddelde_voortgang=average_progress(real),
        te_laat=sum(1 for a in real if a.te_laat),
        voorbeelden=len(state.acties) - len(real),
        raadsopdrachten_per_status=[
            (value, label, n) for (value, label), n in statuses.items()
        ],
    )


def _short(day: datetime.date | None) -> str:
    return short_date(day) if day else "–"


def _delay_reason(actie: ActieReport) -> str:
    """Why the action is delayed, as its people gave it: the reason of the
    change that made it so, else its latest progress update."""
    for difference in actie.wijzigingen:
        for f in getattr(difference, "fields", []):
            if f.name == "status":
                for cause in reversed(f.causes):
                    if cause.reason and not cause.automatic:
                        return cause.reason
    return actie.laatste_update


def _grouped(points: list[Aandachtspunt], what: str) -> list[Aandachtspunt]:
    """Each point, or, when there are many, one line that names them all: a
    summary that runs for pages is no summary."""
    if len(points) <= MAX_POINTS_PER_KIND:
        return points
    codes = ", ".join(p.onderwerp for p in points)
    return [
        Aandachtspunt(
            points[0].soort,
            f"{len(points)} {what}: {codes}. De tabellen per actielijn en de "
            "toelichtingen daaronder geven per actie de stand.",
        )
    ]


def _aandachtspunten(
    actielijnen: list[ActielijnReport], mandaten: list[Mandaat], peildatum
) -> list[Aandachtspunt]:
    te_laat, vertraagd = [], []
    for lijn in actielijnen:
        for actie in lijn.acties:
            s = actie.state
            if s.voorbeeld:
                continue
            uitvoert = (
                f" Voert uit: {', '.join(s.raadsopdrachten)}."
                if s.raadsopdrachten
                else ""
            )
            if s.te_laat:
                te_laat.append(
                    Aandachtspunt(
                        "te laat",
                        onderwerp=s.code,
                        tekst=f"Actie {s.code} {s.titel} had klaar moeten zijn op "
                        f"{_short(s.gepland_eind)}; op de peildatum: "
                        f"{s.status_label}, {s.voortgang}%.{uitvoert}",
                    )
                )
            elif s.status == "vertraagd":
                reden = _delay_reason(actie)
                vertraagd.append(
                    Aandachtspunt(
                        "vertraagd",
                        onderwerp=s.code,
                        tekst=f"Actie {s.code} {s.titel} is vertraagd ({s.voortgang}%)"
                        + (f": “{reden}”" if reden else ".")
                        + uitvoert,
                    )
                )
    punten = _grouped(te_laat, "acties zijn over hun geplande einddatum") + _grouped(
        vertraagd, "acties zijn vertraagd"
    )
    for m in mandaten:
        r = m.state
        if m.achtergrond or r.status == "afgedaan":
            continue
        if r.deadline and r.deadline < peildatum:
            punten.append(
                Aandachtspunt(
                    "raadsopdracht over datum",
                    f"{m.kop} “{r.titel}”: de uiterste datum "
                    f"{_short(r.deadline)} is verstreken; status "
                    f"{r.status_label}.",
                )
            )
        unfinished = [a.code for a in m.acties if a.status not in ACTIE_STATUS_KLAAR]
        if r.status == "afdoening_voorgesteld" and unfinished:
            punten.append(
                Aandachtspunt(
                    "afdoening voorgesteld",
                    f"{m.kop} “{r.titel}” is voorgesteld om af te doen, maar "
                    f"actie {', '.join(unfinished)} is nog niet afgerond.",
                )
            )
    return punten


# --- the data behind the report, for the archive ------------------------------


def report_data(report: Report) -> dict:
    programma = report.state.programma
    evaluatie = report.evaluatie
    data = {
        "programma": {
            "titel": programma.titel,
            "slug": programma.slug,
            "ris_nummer": programma.ris_nummer,
            "kenmerk": programma.kenmerk,
            "vastgesteld_op": plain(programma.vastgesteld_op),
        },
        "evaluatie": {
            "titel": evaluatie.titel,
            "peildatum": plain(report.peildatum),
            "basisdatum": plain(report.basisdatum),
            "status": evaluatie.status,
        },
        "kerncijfers": {
            "acties": report.kerncijfers.acties,
            "voorbeeldacties_niet_meegeteld": report.kerncijfers.voorbeelden,
            "gemiddelde_voortgang": report.kerncijfers.gemiddelde_voortgang,
            "te_laat": report.kerncijfers.te_laat,
            "per_status": {
                value: n for value, _label, n in report.kerncijfers.per_status
            },
            "raadsopdrachten_per_status": {
                value: n
                for value, _label, n in report.kerncijfers.raadsopdrachten_per_status
            },
        },
        "aandachtspunten": [
            {"soort": a.soort, "tekst": a.tekst} for a in report.aandachtspunten
        ],
        "acties": [
            {
                **{
                    veld.key: rapport_waarde(veld, a.state, lijn)
                    for veld in RAPPORT_VELDEN
                },
                "laatste_update": a.laatste_update,
                "laatste_update_datum": plain(a.laatste_update_datum),
                "indicatoren": [indicator_data(i) for i in a.indicatoren],
            }
            for lijn in report.actielijnen
            for a in lijn.acties
        ],
        "wijzigingen_sinds_basisdatum": [
            {
                "soort": group,
                "record": d.label,
                "wijziging": d.change,
                "velden": [
                    {"veld": f.label, "was": f.old_display, "werd": f.new_display}
                    for f in d.fields
                ],
                "door": [
                    {"wie": c.user, "wanneer": plain(c.when), "waarom": c.reason}
                    for c in d.causes
                ],
            }
            for group in ("acties", "raadsopdrachten", "koppelingen", "actie_partners")
            for d in getattr(report.comparison, group)
        ],
        "raadsopdrachten": [
            {
                "nummer": r.nummer,
                "titel": r.titel,
                "soort": r.soort_label,
                "status": r.status,
                "uiterste_datum": plain(r.deadline),
                "afgedaan_op": plain(r.afgedaan_op),
                "acties": r.acties,
            }
            for r in report.state.raadsopdrachten
        ],
        "aantallen": report.record_counts,
    }
    if report.open_vragen is not None:
        data["open_vragen"] = [
            {
                "bij": v.bij,
                "vraag": v.tekst,
                "gesteld_door": v.gesteld_door,
                "gesteld_op": plain(v.gesteld_op),
                "reacties": v.reacties,
            }
            for v in report.open_vragen
        ]
    return data


def data_json(report: Report) -> str:
    return json.dumps(report_data(report), ensure_ascii=False, sort_keys=True, indent=1)


def acties_csv(report: Report) -> str:
    """The actions at the peildatum as CSV (UTF-8, ';' for Dutch spreadsheets).

    Cells that a spreadsheet would run as a formula get a leading apostrophe, as
    in every export.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [str(veld.label) for veld in RAPPORT_VELDEN] + ["laatste voortgangsupdate"]
    )
    for lijn in report.actielijnen:
        for a in lijn.acties:
            writer.writerow(
                neutralise(cell)
                for cell in [
                    *(rapport_cel(veld, a.state, lijn) for veld in RAPPORT_VELDEN),
                    a.laatste_update,
                ]
            )
    return out.getvalue()


def tussenevaluatie_list() -> QuerySet[Tussenevaluatie]:
    return Tussenevaluatie.objects.select_related("programma", "definitief_door")
