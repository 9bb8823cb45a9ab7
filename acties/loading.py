"""Load a programme and its council mandates from a fixture file.

The fixtures describe the real records of the council documents (and, in a
separate file, illustrative demo records). Loading is idempotent in the strong
sense: a record whose natural key exists, or ever existed, is left alone, so a
second run writes nothing and a record changed or removed in the application is
never overwritten or brought back. Every record it does write goes through the
services, with a history row dated at the source document's date and a reason
that names the document.
"""

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import models, transaction

from basis.exchange import parse_date
from historie.records import recorded_at, system_user
from pijlers import services as pijler_services
from pijlers.models import Actielijn, ActielijnPijler, Pijler, Programma

from . import services
from .models import (
    Actie,
    Organisatie,
    Raadsopdracht,
    RaadsopdrachtActie,
    Vergadering,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
UITBUITING = {
    "seksueel": "seksuele_uitbuiting",
    "arbeid": "arbeidsuitbuiting",
    "crimineel": "criminele_uitbuiting",
}
DOELGROEP = {
    "minderjarig": "doelgroep_minderjarig",
    "meerderjarig": "doelgroep_meerderjarig",
}


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, label: str) -> None:
        self.created[label] = self.created.get(label, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.created.values())


def _moment(value: str) -> datetime.datetime:
    """Noon, Amsterdam time, on the date of a source document."""
    return datetime.datetime.combine(
        datetime.date.fromisoformat(value), datetime.time(12), tzinfo=AMSTERDAM
    )


def _known(model: type[models.Model], **lookup) -> bool:
    """Whether a record with this natural key exists now or ever existed."""
    return (
        model.objects.filter(**lookup).exists()
        or model.history.filter(**lookup).exists()
    )


class ProgrammeLoader:
    def __init__(self, data: dict, *, source: str):
        self.data = data
        self.source = source
        self.user = system_user()
        self.report = LoadReport()
        self.programma: Programma | None = None

    def reason(self, document: str) -> str:
        return f"Ingelezen uit {document} ({self.source})"

    @transaction.atomic
    def load(self) -> LoadReport:
        self.load_programma(self.data["programma"])
        for item in self.data.get("organisaties", []):
            self.load_organisatie(item)
        for item in self.data.get("acties", []):
            self.load_actie(item)
        for item in self.data.get("vergaderingen", []):
            self.load_vergadering(item)
        for item in self.data.get("raadsopdrachten", []):
            self.load_raadsopdracht(item)
        return self.report

    # -- structure ------------------------------------------------------------

    def load_programma(self, item: dict) -> None:
        slug = item["slug"]
        document = item.get("bron", slug)
        programma = Programma.objects.filter(slug=slug).first()
        if programma is None and "titel" in item:
            if _known(Programma, slug=slug):
                raise ValueError(f"Programme {slug} was deleted; not loading it again.")
            values = {
                key: item.get(key, "")
                for key in (
                    "titel",
                    "gemeente",
                    "ris_nummer",
                    "kenmerk",
                    "doelstelling",
                )
            }
            values["omschrijving"] = item.get("omschrijving", "")
            values["verantwoording"] = item.get("verantwoording", "")
            for key in (
                "periode_start",
                "periode_eind",
                "voorgesteld_op",
                "vastgesteld_op",
            ):
                values[key] = parse_date(item.get(key))
            with recorded_at(
                _moment(item.get("vastgesteld_op") or item["periode_start"])
            ):
                programma = pijler_services.programma_create(
                    slug=slug, user=self.user, reason=self.reason(document), **values
                )
            self.report.count("programma")
        if programma is None:
            raise ValueError(f"Programme {slug} does not exist; load it first.")
        self.programma = programma
        adopted = programma.vastgesteld_op or programma.periode_start
        self.default_moment = _moment(adopted.isoformat())
        when = self.default_moment

        pijlers = {}
        for pijler_item in item.get("pijlers", []):
            lookup = {"programma": programma, "volgorde": pijler_item["volgorde"]}
            pijler = Pijler.objects.filter(**lookup).first()
            if pijler is None and not _known(Pijler, **lookup):
                with recorded_at(when):
                    pijler = pijler_services.pijler_create(
                        programma=programma,
                        volgorde=pijler_item["volgorde"],
                        naam=pijler_item["naam"],
                        omschrijving=pijler_item.get("omschrijving", ""),
                        user=self.user,
                        reason=self.reason(document),
                    )
                self.report.count("pijler")
            pijlers[pijler_item["volgorde"]] = pijler

        for lijn_item in item.get("actielijnen", []):
            lookup = {"programma": programma, "nummer": lijn_item["nummer"]}
            actielijn = Actielijn.objects.filter(**lookup).first()
            if actielijn is not None or _known(Actielijn, **lookup):
                continue
            with recorded_at(when):
                actielijn = pijler_services.actielijn_create(
                    programma=programma,
                    nummer=lijn_item["nummer"],
                    naam=lijn_item["naam"],
                    omschrijving=lijn_item.get("omschrijving", ""),
                    pijlers=[
                        pijlers[v]
                        for v in lijn_item.get("pijlers", [])
                        if pijlers.get(v)
                    ],
                    user=self.user,
                    reason=self.reason(document),
                )
            self.report.count("actielijn")
            self.report.created["koppeling actielijn-pijler"] = (
                self.report.created.get("koppeling actielijn-pijler", 0)
                + ActielijnPijler.objects.filter(actielijn=actielijn).count()
            )

    def load_organisatie(self, item: dict) -> None:
        if _known(Organisatie, naam=item["naam"]):
            return
        when = _moment(item["sinds"]) if item.get("sinds") else self.default_moment
        with recorded_at(when):
            services.organisatie_create(
                naam=item["naam"],
                afkorting=item.get("afkorting", ""),
                soort=item.get("soort", "overig"),
                user=self.user,
                reason=self.reason(item.get("bron", "de lijst van partners")),
            )
        self.report.count("organisatie")

    # -- actions --------------------------------------------------------------

    def load_actie(self, item: dict) -> None:
        lookup = {"programma": self.programma, "code": item["code"]}
        if _known(Actie, **lookup):
            return
        document = item.get("bron", self.source)
        actielijn = Actielijn.objects.get(
            programma=self.programma, nummer=item["actielijn"]
        )
        values = {
            "code": item["code"],
            "titel": item["titel"],
            "omschrijving": item.get("omschrijving", ""),
            "trekker": (
                Organisatie.objects.get(naam=item["trekker"])
                if item.get("trekker")
                else None
            ),
            "gepland_start": parse_date(item.get("gepland_start")),
            "gepland_eind": parse_date(item.get("gepland_eind")),
            "budget": Decimal(item["budget"]) if item.get("budget") else None,
            "is_voorbeeld": item.get("voorbeeld", False),
        }
        values.update({UITBUITING[v]: True for v in item.get("uitbuiting", [])})
        values.update({DOELGROEP[v]: True for v in item.get("doelgroep", [])})
        partners = [
            Organisatie.objects.get(naam=naam) for naam in item.get("partners", [])
        ]
        with recorded_at(_moment(item["aangemaakt"])):
            actie = services.actie_create(
                actielijn=actielijn,
                partners=partners,
                user=self.user,
                reason=self.reason(document),
                **values,
            )
        self.report.count("actie")
        for step in item.get("verloop", []):
            with recorded_at(_moment(step["datum"])):
                actie = services.actie_update(
                    actie=actie,
                    versie=actie.versie,
                    user=self.user,
                    reason=step["reden"],
                    status=step.get("status", actie.status),
                    voortgang=step.get("voortgang", actie.voortgang),
                )
        for update in item.get("updates", []):
            with recorded_at(_moment(update["datum"])):
                services.voortgangsupdate_create(
                    actie=actie,
                    datum=parse_date(update["datum"]),
                    tekst=update["tekst"],
                    user=self.user,
                    reason=self.reason(document),
                )
            self.report.count("voortgangsupdate")
        for indicator_item in item.get("indicatoren", []):
            self.load_indicator(actie, indicator_item, document=document)

    def load_indicator(self, actie: Actie, item: dict, *, document: str) -> None:
        with recorded_at(_moment(item["aangemaakt"])):
            indicator = services.indicator_create(
                actie=actie,
                naam=item["naam"],
                eenheid=item.get("eenheid", ""),
                nulwaarde=Decimal(item.get("nulwaarde", "0")),
                nulwaarde_datum=parse_date(item.get("nulwaarde_datum")),
                streefwaarde=(
                    Decimal(item["streefwaarde"]) if item.get("streefwaarde") else None
                ),
                streefdatum=parse_date(item.get("streefdatum")),
                user=self.user,
                reason=self.reason(document),
            )
        self.report.count("indicator")
        for meting in item.get("metingen", []):
            with recorded_at(_moment(meting["datum"])):
                services.meting_create(
                    indicator=indicator,
                    datum=parse_date(meting["datum"]),
                    waarde=Decimal(meting["waarde"]),
                    toelichting=meting.get("toelichting", ""),
                    user=self.user,
                    reason=self.reason(document),
                )
            self.report.count("meting")

    # -- council mandates -----------------------------------------------------

    def load_vergadering(self, item: dict) -> None:
        lookup = {
            "soort": item["soort"],
            "commissie": item.get("commissie", ""),
            "datum": parse_date(item["datum"]),
        }
        if _known(Vergadering, **lookup):
            return
        with recorded_at(_moment(item["datum"])):
            services.vergadering_create(
                **lookup,
                titel=item.get("titel", ""),
                user=self.user,
                reason=self.reason(item["bron"]),
            )
        self.report.count("vergadering")

    def _raad(self, datum: str | None) -> Vergadering | None:
        """The council meeting of that date, which the fixture lists."""
        if not datum:
            return None
        return Vergadering.objects.filter(soort="raad", datum=parse_date(datum)).first()

    def load_raadsopdracht(self, item: dict) -> None:
        lookup = {"ris_nummer": item["ris_nummer"], "nummer": item["nummer"]}
        raadsopdracht = Raadsopdracht.objects.filter(**lookup).first()
        if raadsopdracht is None and not _known(Raadsopdracht, **lookup):
            hoofdopdracht = None
            if item.get("hoofdopdracht"):
                # Of the same council document: the fixture lists it first.
                hoofdopdracht = Raadsopdracht.objects.get(
                    ris_nummer=item["ris_nummer"], nummer=item["hoofdopdracht"]
                )
            with recorded_at(_moment(item["datum_aangenomen"])):
                raadsopdracht = services.raadsopdracht_create(
                    hoofdopdracht=hoofdopdracht,
                    aangenomen_in=self._raad(item.get("aangenomen_in")),
                    fractie=item.get("fractie", ""),
                    bron=item["bron"],
                    deadline_toelichting=item.get("deadline_toelichting", ""),
                    soort=item["soort"],
                    nummer=item["nummer"],
                    titel=item["titel"],
                    tekst=item.get("tekst", ""),
                    indieners=item.get("indieners", ""),
                    datum_aangenomen=parse_date(item["datum_aangenomen"]),
                    vergadering=item.get("vergadering", ""),
                    ris_nummer=item["ris_nummer"],
                    programma=self.programma if item.get("bij_programma") else None,
                    programmaoverstijgend=item.get("programmaoverstijgend", False),
                    status=item.get("status", "open"),
                    deadline=parse_date(item.get("deadline")),
                    user=self.user,
                    reason=self.reason(item["bron"]),
                )
            self.report.count("raadsopdracht")
            afdoening = item.get("afdoening")
            if afdoening:
                with recorded_at(_moment(afdoening["afgedaan_op"])):
                    services.raadsopdracht_settle(
                        raadsopdracht=raadsopdracht,
                        afgedaan_op=parse_date(afdoening["afgedaan_op"]),
                        afdoeningsdocument=afdoening["afdoeningsdocument"],
                        afdoening_toelichting=afdoening.get("toelichting", ""),
                        user=self.user,
                        reason=self.reason(afdoening["bron"]),
                    )
        if raadsopdracht is None:
            return
        for link in item.get("acties", []):
            actie = Actie.objects.filter(
                programma=self.programma, code=link["code"]
            ).first()
            if actie is None or _known(
                RaadsopdrachtActie, raadsopdracht=raadsopdracht, actie=actie
            ):
                continue
            # Dated when both ends existed: the later of their first history rows.
            moment = max(
                raadsopdracht.history.earliest("history_date").history_date,
                actie.history.earliest("history_date").history_date,
            )
            with recorded_at(moment):
                services.raadsopdracht_actie_link(
                    raadsopdracht=raadsopdracht,
                    actie=actie,
                    toelichting=link["toelichting"],
                    user=self.user,
                )
            self.report.count("koppeling raadsopdracht-actie")


def load_fixture(path: Path) -> LoadReport:
    data = json.loads(path.read_text(encoding="utf-8"))
    return ProgrammeLoader(data, source=path.name).load()


FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"
PROGRAMME_FIXTURE = FIXTURES_DIR / "mensenhandel-2025-2028.json"
DEMO_FIXTURE = FIXTURES_DIR / "mensenhandel-2025-2028-demo.json"
