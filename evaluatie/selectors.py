"""The mid-term evaluation as data: the programme at the peildatum, and since.

``evaluation_report`` builds a plain ``Report`` from the recorded history alone
(``acties.snapshot``): the state at the end of the peildatum, the changes since
the end of the basisdatum, the latest progress update and measurement before the
peildatum, and the council mandates. The HTML preview and the PDF only format
it; ``report_data`` of it is also what a final PDF carries as JSON and CSV, and what the
report's SHA-256 of its data is taken over.
"""

import csv
import datetime
import hashlib
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from acties.exchange import RAPPORT_VELDEN, rapport_cel, rapport_waarde
from acties.models import Actie, Indicator, Meting, Voortgangsupdate
from acties.snapshot import (
    ActieState,
    Comparison,
    ProgrammaState,
    compare,
    end_of_day,
    programma_state,
    snapshot_at,
)
from basis.charts import BarChart, bar_chart
from basis.exchange import plain
from basis.export import neutralise
from historie.records import versions_at

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


@dataclass
class ActieReport:
    state: ActieState
    laatste_update: str = ""
    laatste_update_datum: datetime.date | None = None
    indicatoren: list[IndicatorState] = field(default_factory=list)
    wijzigingen: list = field(default_factory=list)  # RecordDifference
    toegevoegd: bool = False


@dataclass
class ActielijnReport:
    nummer: int
    naam: str
    pijlers: list[str]
    gemiddelde_voortgang: float
    acties: list[ActieReport]
    bevinding: str = ""


@dataclass
class PijlerReport:
    volgorde: int
    naam: str
    actielijnen: list[str]
    bevinding: str = ""


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
    data_sha256: str = ""

    @property
    def acties_totaal(self) -> int:
        return len(self.state.acties)

    @property
    def opdrachten_afgedaan(self) -> int:
        return sum(1 for r in self.state.raadsopdrachten if r.status == "afgedaan")

    @property
    def opdrachten_open(self) -> int:
        return len(self.state.raadsopdrachten) - self.opdrachten_afgedaan


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
            )
        )
    changes = {d.id: d for d in comparison.acties if d.change != "verwijderd"}

    bevindingen = (
        {
            (b.pijler_id, b.actielijn_id): b.tekst
            for b in Bevinding.objects.filter(tussenevaluatie=evaluatie)
        }
        if evaluatie.pk
        else {}
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
                )
            )
        actielijnen.append(
            ActielijnReport(
                nummer=lijn.nummer,
                naam=lijn.naam,
                pijlers=lijn.pijlers,
                gemiddelde_voortgang=lijn.gemiddelde_voortgang,
                acties=acties,
                bevinding=bevindingen.get((None, lijn.id), ""),
            )
        )
    pijlers = [
        PijlerReport(
            volgorde=p.volgorde,
            naam=p.naam,
            actielijnen=[f"{lijn.nummer}. {lijn.naam}" for lijn in p.actielijnen],
            bevinding=bevindingen.get((p.id, None), ""),
        )
        for p in state.pijlers
    ]
    charts = {
        "status": bar_chart(
            title="Acties per status op de peildatum",
            description="Aantal acties van het programma in elke status.",
            rows=[(label, count) for _value, label, count in state.per_status],
        ),
        "actielijnen": bar_chart(
            title="Gemiddelde voortgang per actielijn op de peildatum",
            description="Gemiddelde voortgang van de acties van elke actielijn.",
            rows=[
                (f"{lijn.nummer}. {lijn.naam}", lijn.gemiddelde_voortgang)
                for lijn in state.actielijnen
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
    )
    report.data_sha256 = hashlib.sha256(data_json(report).encode()).hexdigest()
    return report


# --- the data behind the report, for the archive ------------------------------


def report_data(report: Report) -> dict:
    programma = report.state.programma
    evaluatie = report.evaluatie
    return {
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
            "acties": report.acties_totaal,
            "gemiddelde_voortgang": round(report.state.gemiddelde_voortgang, 1),
            "per_status": {value: n for value, _label, n in report.state.per_status},
            "raadsopdrachten_afgedaan": report.opdrachten_afgedaan,
            "raadsopdrachten_open": report.opdrachten_open,
        },
        "acties": [
            {
                **{
                    veld.key: rapport_waarde(veld, a.state, lijn)
                    for veld in RAPPORT_VELDEN
                },
                "laatste_update": a.laatste_update,
                "laatste_update_datum": plain(a.laatste_update_datum),
                "indicatoren": [
                    {k: plain(v) for k, v in vars(i).items()} for i in a.indicatoren
                ],
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
