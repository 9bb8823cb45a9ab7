"""A whole programme as open data: one JSON document, or one CSV file per kind
of record in a zip, with stable identifiers; and back again.

Identifiers are the records' own keys, not database ids, so that an export
means the same on every instance: the programme's slug, a pillar's order, an
action line's number, an action's code, an organisation's name, a mandate's
number, an indicator's name within its action. Exporting, importing into an
empty instance (``import_programme``) and exporting again gives identical
files.

The public export leaves out what is internal: budgets, the progress
updates (the officers' working notes), the notes on measurements and on links
between mandates and actions unless a note is marked public, and every mandate
of a programme that is not public, even one linked to this programme's actions.
The full export for signed-in users has all of it; neither names who wrote or
changed anything.
"""

import io
import json
import zipfile

import tablib
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from basis.exchange import parse_date, parse_decimal, plain
from basis.export import neutralise
from pijlers import services as pijler_services
from pijlers.models import Actielijn, Pijler, Programma

from . import services
from .constants import RaadsopdrachtStatus
from .exchange import (
    LIST_SEPARATOR,
    flag_values,
    open_data_record,
    open_data_values,
)
from .models import (
    Actie,
    Document,
    Indicator,
    Meting,
    Organisatie,
    Raadsopdracht,
    RaadsopdrachtActie,
    Voortgangsupdate,
)

FORMAT = "actieprogramma-tracker/open-data"
FORMAT_VERSION = 1

PROGRAMMA_FIELDS = ["slug", "titel", "gemeente", "periode_start", "periode_eind",
                    "voorgesteld_op", "vastgesteld_op", "ris_nummer", "kenmerk",
                    "doelstelling", "omschrijving"]  # fmt: skip
ORGANISATIE_FIELDS = ["naam", "afkorting", "soort"]
RAADSOPDRACHT_FIELDS = ["nummer", "soort", "titel", "tekst", "indieners",
                        "datum_aangenomen", "vergadering", "ris_nummer", "status",
                        "deadline", "afgedaan_op", "afdoening_toelichting",
                        "afdoeningsdocument", "programmaoverstijgend",
                        "fractie", "bron", "deadline_toelichting"]  # fmt: skip
INDICATOR_FIELDS = ["naam", "eenheid", "nulwaarde", "nulwaarde_datum",
                    "streefwaarde", "streefdatum"]  # fmt: skip
# Fields that are not for the public (progress updates are left out whole).
# The note of an imported link whose note the (public) export left out.
NOTE_NOT_EXPORTED = "Toelichting niet in de openbare export opgenomen."


def _pick(instance, fields) -> dict:
    return {field: plain(getattr(instance, field)) for field in fields}


def public_mandate(prefix: str = "") -> Q:
    """Mandates the public may see: not of a programme that is not public.
    ``prefix``: the path to the mandate from the model queried."""
    return Q(**{f"{prefix}programma__isnull": True}) | Q(
        **{f"{prefix}programma__openbaar": True}
    )


def public_register():
    """Every mandate some public page shows: of a public programme, or of
    none and carried out by an action of a public programme."""
    carried_out = RaadsopdrachtActie.objects.filter(
        raadsopdracht=OuterRef("pk"), actie__programma__openbaar=True
    )
    return Raadsopdracht.objects.filter(
        Q(programma__openbaar=True) | Q(Exists(carried_out), programma__isnull=True)
    )


def programma_mandates(programma: Programma, *, openbaar: bool = False):
    """The mandates of ``programma`` and those its actions carry out.

    ``openbaar``: only those the public may see (``public_mandate``).
    """
    mandates = Raadsopdracht.objects.filter(
        Q(programma=programma) | Q(actie_koppelingen__actie__programma=programma)
    )
    if openbaar:
        mandates = mandates.filter(public_mandate())
    return mandates.distinct().select_related("hoofdopdracht").order_by("nummer")


def public_documents(programma: Programma):
    """Documents the public page of ``programma`` offers: marked public, not
    withdrawn, of its actions or of the mandates that page shows."""
    mandates = programma_mandates(programma, openbaar=True).values("pk")
    return (
        Document.objects.filter(openbaar=True, ingetrokken=False)
        .filter(Q(actie__programma=programma) | Q(raadsopdracht__in=mandates))
        .select_related("actie", "raadsopdracht")
        .order_by("-id")
    )


def settlement_note(opdracht, *, intern: bool) -> str:
    """How a mandate was carried out: public once the council's register says
    it is settled; a proposal is an officer's text awaiting the griffie."""
    if intern or opdracht.status == RaadsopdrachtStatus.AFGEDAAN:
        return opdracht.afdoening_toelichting
    return ""


def _note(record, intern: bool) -> str:
    """A note's text where it may be shown: always inside, outside if public."""
    return record.toelichting if intern or record.toelichting_openbaar else ""


def export_programme(programma: Programma, *, intern: bool = False) -> dict:
    """The programme as a plain dictionary, in a stable order."""
    slug = programma.slug
    acties = list(
        Actie.objects.filter(programma=programma)
        .select_related("actielijn", "trekker")
        .prefetch_related("partners")
        .order_by("code")
    )
    lijnen = list(
        Actielijn.objects.filter(programma=programma)
        .prefetch_related("pijlers")
        .order_by("nummer")
    )
    organisaties = {a.trekker for a in acties if a.trekker} | {
        p for a in acties for p in a.partners.all()
    }
    mandates = list(programma_mandates(programma, openbaar=not intern))

    def actie_record(actie):
        return open_data_record(actie, id=f"{slug}/actie/{actie.code}", intern=intern)

    return {
        "formaat": FORMAT,
        "versie": FORMAT_VERSION,
        "programma": {"id": slug, **_pick(programma, PROGRAMMA_FIELDS)},
        "pijlers": [
            {
                "id": f"{slug}/pijler/{p.volgorde}",
                **_pick(p, ["volgorde", "naam", "omschrijving"]),
            }
            for p in Pijler.objects.filter(programma=programma).order_by("volgorde")
        ],
        "actielijnen": [
            {
                "id": f"{slug}/actielijn/{lijn.nummer}",
                **_pick(lijn, ["nummer", "naam", "omschrijving"]),
                "pijlers": sorted(p.volgorde for p in lijn.pijlers.all()),
            }
            for lijn in lijnen
        ],
        "organisaties": [
            {"id": f"organisatie/{o.naam}", **_pick(o, ORGANISATIE_FIELDS)}
            for o in sorted(organisaties, key=lambda o: o.naam)
        ],
        "acties": [actie_record(actie) for actie in acties],
        # Progress updates are the officers' working notes: internal.
        "voortgangsupdates": [
            {"actie": u.actie.code, "datum": plain(u.datum), "tekst": u.tekst}
            for u in Voortgangsupdate.objects.filter(actie__programma=programma)
            .select_related("actie")
            .order_by("actie__code", "datum", "id")
        ]
        if intern
        else [],
        "indicatoren": [
            {
                "id": f"{slug}/actie/{i.actie.code}/indicator/{i.naam}",
                "actie": i.actie.code,
                **_pick(i, INDICATOR_FIELDS),
            }
            for i in Indicator.objects.filter(actie__programma=programma)
            .select_related("actie")
            .order_by("actie__code", "naam")
        ],
        "metingen": [
            {
                "actie": m.indicator.actie.code,
                "indicator": m.indicator.naam,
                **_pick(m, ["datum", "waarde"]),
                "toelichting": _note(m, intern),
                "toelichting_openbaar": m.toelichting_openbaar,
            }
            for m in Meting.objects.filter(indicator__actie__programma=programma)
            .select_related("indicator__actie")
            .order_by("indicator__actie__code", "indicator__naam", "datum")
        ],
        "raadsopdrachten": [
            {
                "id": f"raadsopdracht/{r.nummer}",
                **_pick(r, RAADSOPDRACHT_FIELDS),
                "afdoening_toelichting": settlement_note(r, intern=intern),
                "bij_programma": r.programma_id == programma.pk,
                # The number of the mandate a commitment is part of.
                "onderdeel_van": r.hoofdopdracht.nummer if r.hoofdopdracht else "",
            }
            for r in mandates
        ],
        "koppelingen": [
            {
                "raadsopdracht": k.raadsopdracht.nummer,
                "actie": k.actie.code,
                "toelichting": _note(k, intern),
                "toelichting_openbaar": k.toelichting_openbaar,
            }
            # Only the links of mandates that are in this export.
            for k in RaadsopdrachtActie.objects.filter(
                actie__programma=programma, raadsopdracht__in=mandates
            )
            .select_related("raadsopdracht", "actie")
            .order_by("raadsopdracht__nummer", "actie__code")
        ],
    }


def to_json(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


# The kinds that become a CSV file each, in the zip's order.
CSV_KINDS = ["pijlers", "actielijnen", "organisaties", "acties", "voortgangsupdates",
             "indicatoren", "metingen", "raadsopdrachten", "koppelingen"]  # fmt: skip


def _cell(value):
    """A CSV cell; text that a spreadsheet would run as a formula gets a
    leading apostrophe (the import takes it off again)."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, list):
        value = LIST_SEPARATOR.join(str(item) for item in value)
    return neutralise(value)


def to_csv_zip(data: dict) -> bytes:
    """One UTF-8 CSV per kind (and programma.csv), zipped with fixed dates so
    that the same data gives the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for kind in ["programma", *CSV_KINDS]:
            rows = [data[kind]] if kind == "programma" else data[kind]
            headers = list(rows[0]) if rows else []
            dataset = tablib.Dataset(headers=headers)
            for row in rows:
                dataset.append([_cell(row[h]) for h in headers])
            info = zipfile.ZipInfo(f"{kind}.csv", date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, dataset.export("csv").encode("utf-8"))
    return buffer.getvalue()


# --- import into an instance that does not have the programme ----------------------


@transaction.atomic
def import_programme(data: dict, *, user, reason: str) -> Programma:
    """Create a programme from an export, every record through its service.

    Refuses (ValueError) a document of another format or a programme whose slug
    exists already: this is for an empty instance, not a merge.
    """
    if data.get("formaat") != FORMAT or data.get("versie") != FORMAT_VERSION:
        raise ValueError("Dit is geen export van de Actieprogramma-tracker (versie 1).")
    values = dict(data["programma"])
    values.pop("id")
    if Programma.objects.filter(slug=values["slug"]).exists():
        raise ValueError(f"Het programma '{values['slug']}' bestaat al.")
    for key in ("periode_start", "periode_eind", "voorgesteld_op", "vastgesteld_op"):
        values[key] = parse_date(values[key])
    programma = pijler_services.programma_create(user=user, reason=reason, **values)

    pijlers = {}
    for row in data["pijlers"]:
        pijlers[row["volgorde"]] = pijler_services.pijler_create(
            programma=programma, user=user, reason=reason,
            volgorde=row["volgorde"], naam=row["naam"],
            omschrijving=row["omschrijving"],
        )  # fmt: skip
    lijnen = {}
    for row in data["actielijnen"]:
        lijnen[row["nummer"]] = pijler_services.actielijn_create(
            programma=programma, user=user, reason=reason,
            nummer=row["nummer"], naam=row["naam"], omschrijving=row["omschrijving"],
            pijlers=[pijlers[n] for n in row["pijlers"]],
        )  # fmt: skip
    organisaties = {o.naam: o for o in Organisatie.objects.all()}
    for row in data["organisaties"]:
        if row["naam"] not in organisaties:
            organisaties[row["naam"]] = services.organisatie_create(
                user=user, reason=reason, **{f: row[f] for f in ORGANISATIE_FIELDS}
            )
    acties = {}
    for row in data["acties"]:
        acties[row["code"]] = services.actie_create(
            actielijn=lijnen[row["actielijn"]],
            partners=[organisaties[naam] for naam in row["partners"]],
            user=user,
            reason=reason,
            code=row["code"],
            trekker=organisaties.get(row["trekker"]) if row["trekker"] else None,
            is_voorbeeld=row["voorbeeld"],
            **open_data_values(row),
            **flag_values("uitbuiting", row["uitbuiting"]),
            **flag_values("doelgroep", row["doelgroep"]),
        )
    for row in data["voortgangsupdates"]:
        services.voortgangsupdate_create(
            actie=acties[row["actie"]], datum=parse_date(row["datum"]),
            tekst=row["tekst"], user=user, reason=reason,
        )  # fmt: skip
    indicatoren = {}
    for row in data["indicatoren"]:
        indicatoren[row["actie"], row["naam"]] = services.indicator_create(
            actie=acties[row["actie"]], user=user, reason=reason,
            naam=row["naam"], eenheid=row["eenheid"],
            nulwaarde=parse_decimal(row["nulwaarde"]),
            nulwaarde_datum=parse_date(row["nulwaarde_datum"]),
            streefwaarde=parse_decimal(row["streefwaarde"]),
            streefdatum=parse_date(row["streefdatum"]),
        )  # fmt: skip
    for row in data["metingen"]:
        services.meting_create(
            indicator=indicatoren[row["actie"], row["indicator"]], user=user,
            reason=reason, datum=parse_date(row["datum"]),
            waarde=parse_decimal(row["waarde"]),
            toelichting=row["toelichting"],
            toelichting_openbaar=row.get("toelichting_openbaar", False),
        )  # fmt: skip
    _import_mandates(data, programma, acties, user=user, reason=reason)
    return programma


def _import_mandates(data, programma, acties, *, user, reason) -> None:
    opdrachten = {}
    # The mandates a commitment is part of first.
    for row in sorted(
        data["raadsopdrachten"], key=lambda r: bool(r.get("onderdeel_van"))
    ):
        existing = Raadsopdracht.objects.filter(nummer=row["nummer"]).first()
        if existing:
            opdrachten[row["nummer"]] = existing
            continue
        values = {f: row[f] for f in RAADSOPDRACHT_FIELDS if f in row}
        # Exports from before the field: a mandate linked to this programme's
        # actions without belonging to it applied to more programmes.
        values.setdefault("programmaoverstijgend", not row["bij_programma"])
        for key in ("datum_aangenomen", "deadline", "afgedaan_op"):
            values[key] = parse_date(values[key])
        # Created as recorded, settled ones included: this restores the
        # register as exported, it does not settle anything anew.
        if row.get("onderdeel_van"):
            # Left out when the export did not carry it (a public export of
            # a commitment whose mandate is not public).
            values["hoofdopdracht"] = (
                opdrachten.get(row["onderdeel_van"])
                or Raadsopdracht.objects.filter(nummer=row["onderdeel_van"]).first()
            )
        opdrachten[row["nummer"]] = services.raadsopdracht_create(
            programma=programma if row["bij_programma"] else None,
            user=user,
            reason=reason,
            **values,
        )
    for row in data["koppelingen"]:
        services.raadsopdracht_actie_link(
            raadsopdracht=opdrachten[row["raadsopdracht"]],
            actie=acties[row["actie"]],
            # A public export leaves an internal note out; a link needs one.
            toelichting=row["toelichting"] or NOTE_NOT_EXPORTED,
            toelichting_openbaar=row.get("toelichting_openbaar", False),
            user=user,
        )
