"""Bulk updates from a spreadsheet: read, plan (the dry run), then apply.

A file (CSV as Dutch Excel writes it, or XLSX) is read with tablib into rows of
text. ``plan_import`` checks every row with the same forms the browser uses
(so the same rules and messages, the no-victim-data check included) and says
per row what would be created or changed, old and new, or what is wrong, by row
and column. Nothing is written. ``apply_import`` plans again against the data
as it is now, refuses if that differs from what the person saw, and writes
every row through the services in one transaction: all rows or none, each
change with history and the reason given at upload.
"""

import csv
import datetime
import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass, field

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from basis.export import FORMULA_PREFIXES, unneutralise
from pijlers.models import Actielijn, Programma

from . import services
from .constants import (
    DOELGROEP_FIELDS,
    UITBUITING_FIELDS,
    ActieStatus,
    RaadsopdrachtSoort,
    RaadsopdrachtStatus,
)
from .exchange import (
    BY_KEY,
    FLAGS,
    IMPORT_ALIASES,
    IMPORT_KINDS,
    LIJST_KOLOMMEN,
    LIST_SEPARATOR,
    Soort,
    Veld,
    lijst_rij,
)
from .forms import ActieForm, MetingForm, RaadsopdrachtForm, VoortgangsupdateForm
from .models import (
    Actie,
    Indicator,
    Meting,
    Organisatie,
    Raadsopdracht,
    RaadsopdrachtActie,
    Voortgangsupdate,
)

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, in Dutch."""


@dataclass
class RowPlan:
    number: int  # the row as a spreadsheet numbers it (the header is row 1)
    key: str
    action: str = "ongewijzigd"  # nieuw, wijzigen, ongewijzigd, fout
    changes: list = field(default_factory=list)  # (column label, old, new)
    errors: list = field(default_factory=list)  # (column, message)
    # apply(user, reason) writes the row; not part of the fingerprint.
    apply: object = None


@dataclass
class ImportPlan:
    kind: str
    rows: list

    @property
    def errors(self) -> list:
        return [(row.number, col, msg) for row in self.rows for col, msg in row.errors]

    @property
    def valid(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    # For templates, which cannot pass an argument.
    count_nieuw = property(lambda self: self.count("nieuw"))
    count_wijzigen = property(lambda self: self.count("wijzigen"))
    count_ongewijzigd = property(lambda self: self.count("ongewijzigd"))
    count_fout = property(lambda self: self.count("fout"))

    @property
    def fingerprint(self) -> str:
        shown = [
            [row.number, row.key, row.action, [list(map(str, c)) for c in row.changes]]
            for row in self.rows
        ]
        return hashlib.sha256(json.dumps(shown).encode()).hexdigest()


# --- reading ------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    # An export puts an apostrophe before text a spreadsheet would run as a
    # formula; take it off again.
    if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_PREFIXES):
        text = text[1:]
    return text


def too_large() -> str:
    return _("Het bestand is groter dan %(max)s MB.") % {"max": MAX_BYTES // 2**20}


def read_table(content: bytes, filename: str) -> tuple[list[str], list[list[str]]]:
    """The header (lower case) and the rows of text of a CSV or XLSX file."""
    if len(content) > MAX_BYTES:
        raise ImportFileError(too_large())
    if not content.strip():
        raise ImportFileError(_("Het bestand is leeg."))
    is_xlsx = content[:4] == b"PK\x03\x04"
    if filename.lower().endswith(".xlsx") or is_xlsx:
        dataset = _read_xlsx(content)
    else:
        dataset = _read_csv(content)
    headers = [_text(h).lower() for h in (dataset.headers or [])]
    rows = [[_text(cell) for cell in row] for row in dataset]
    rows = [row for row in rows if any(row)]  # Excel leaves empty rows behind
    if not rows:
        raise ImportFileError(_("Het bestand heeft een kopregel maar geen rijen."))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(
            _("Het bestand heeft %(n)s rijen; het maximum is %(max)s.")
            % {"n": len(rows), "max": MAX_ROWS}
        )
    return headers, rows


# An .xlsx is a zip: a small upload can unpack to gigabytes (a zip bomb).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


def _read_xlsx(content: bytes) -> tablib.Dataset:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ImportFileError(
            _(
                "Dit is geen leesbaar Excel-bestand (.xlsx). Sla het opnieuw op als "
                "Excel-werkmap of als CSV UTF-8."
            )
        ) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            _(
                "Het Excel-bestand is uitgepakt groter dan %(max)s MB. Sla het op "
                "als CSV UTF-8, of splits het."
            )
            % {"max": MAX_UNPACKED_BYTES // 2**20}
        )
    try:
        return tablib.Dataset().load(content, format="xlsx")
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ImportFileError(
            _(
                "Dit is geen leesbaar Excel-bestand (.xlsx). Sla het opnieuw op als "
                "Excel-werkmap of als CSV UTF-8."
            )
        ) from exc


def _read_csv(content: bytes) -> tablib.Dataset:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _(
                "Het bestand is niet in UTF-8 opgeslagen (fout bij teken %(pos)s). "
                "Kies in Excel 'Opslaan als' en dan 'CSV UTF-8 (door komma's "
                "gescheiden)'."
            )
            % {"pos": exc.start + 1}
        ) from exc
    if "\x00" in text:
        raise ImportFileError(_("Dit is geen tekstbestand (CSV)."))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        return tablib.Dataset().load(text, format="csv", delimiter=delimiter)
    except tablib.InvalidDimensions as exc:
        raise ImportFileError(_ragged_message(text, delimiter)) from exc
    except csv.Error as exc:
        raise ImportFileError(
            _("Het CSV-bestand is niet goed gevormd: %(error)s") % {"error": exc}
        ) from exc


def _ragged_message(text: str, delimiter: str) -> str:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    width = None
    for number, row in enumerate(reader, start=1):
        if width is None:
            width = len(row)
        elif row and len(row) != width:
            return _(
                "Rij %(row)s heeft %(n)s kolommen, de kopregel %(width)s. Elke rij "
                "moet evenveel kolommen hebben."
            ) % {"row": number, "n": len(row), "width": width}
    return _("Niet elke rij heeft evenveel kolommen als de kopregel.")


def check_columns(kind: str, headers: list[str]) -> None:
    _label, required, optional, ignored = IMPORT_KINDS[kind]
    known = set(required) | set(optional) | set(ignored)
    problems = []
    duplicates = sorted({h for h in headers if headers.count(h) > 1})
    if duplicates:
        problems.append(_("dubbele kolommen: %s") % ", ".join(duplicates))
    missing = [c for c in required if c not in headers]
    if missing:
        problems.append(_("ontbrekende kolommen: %s") % ", ".join(missing))
    unknown = [h for h in headers if h not in known]
    if unknown:
        problems.append(
            _("onbekende kolommen: %s") % ", ".join(h or _("(leeg)") for h in unknown)
        )
    if problems:
        raise ImportFileError(
            _("De kolommen kloppen niet (%(problems)s). Gebruik het sjabloon.")
            % {"problems": "; ".join(problems)}
        )


# --- values as people type them ------------------------------------------------------

_DUTCH_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def _typed_date(text: str) -> str:
    """ISO (2026-03-01) or Dutch (1-3-2026, 01-03-2026) to ISO; else as typed,
    so that the form's own message says it is not a date."""
    match = _DUTCH_DATE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return datetime.date(year, month, day).isoformat()
        except ValueError:
            return text
    return text


def _number(text: str) -> str:
    """1.234,56 and 1234,56 (Dutch) or 1234.56 to 1234.56."""
    text = text.replace(" ", "").replace("\u00a0", "").replace("€", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    return text


def _choice(text: str, choices) -> str:
    lowered = text.lower()
    for value, label in choices:
        if lowered in (str(value).lower(), str(label).lower()):
            return value
    return text


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.split(LIST_SEPARATOR) if n.strip()]


def _read_cell(veld: Veld, text: str, lijnen: dict, organisaties: dict, errors: list):
    """A cell of the list's CSV as the action form takes it, by the field's
    kind (``acties.exchange``); what cannot be read is added to ``errors``."""
    column = veld.key
    if veld.soort is Soort.ACTIELIJN:
        lijn = lijnen.get(text)
        if text and lijn is None:
            errors.append((column, _("Dit programma heeft geen actielijn %s.") % text))
        return lijn.pk if lijn else ""
    if veld.soort in (Soort.ORGANISATIE, Soort.ORGANISATIES):
        names = _names(text)
        if veld.soort is Soort.ORGANISATIE and len(names) > 1:
            errors.append((column, _("Een actie heeft één trekker.")))
        found = []
        for name in names:
            organisatie = organisaties.get(name.lower())
            if organisatie is None:
                errors.append((column, _("Onbekende organisatie: %s.") % name))
            else:
                found.append(organisatie.pk)
        return found if veld.soort is Soort.ORGANISATIES else (found or [""])[0]
    if veld.soort is Soort.STATUS:
        return _choice(text, ActieStatus.choices)
    if veld.soort is Soort.VLAGGEN:
        choices, _fields = FLAGS[column]
        return [_choice(part, choices) for part in _names(text)]
    if veld.soort is Soort.DATUM:
        return _typed_date(text)
    if veld.soort in (Soort.GETAL, Soort.BEDRAG):
        return _number(text)
    return text


# --- planning -------------------------------------------------------------------------


def plan_import(kind: str, headers, rows, *, programma: Programma, reason: str):
    aliases = IMPORT_ALIASES.get(kind, {})
    headers = [aliases.get(h, h) for h in headers]
    check_columns(kind, headers)
    planner = {
        "acties": _plan_acties,
        "voortgangsupdates": _plan_updates,
        "metingen": _plan_metingen,
        "raadsopdrachten": _plan_raadsopdrachten,
    }[kind]
    # A cell the export marked with an apostrophe so that no spreadsheet runs
    # it as a formula reads back as it was.
    records = [
        dict(zip(headers, (unneutralise(cell) for cell in row), strict=False))
        for row in rows
    ]
    return ImportPlan(kind, planner(records, headers, programma, reason))


def _display(value) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, datetime.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, list | tuple | set):
        return ", ".join(sorted(str(v) for v in value))
    return str(value)


def _form_errors(form, columns: dict) -> list:
    errors = []
    for name, messages in form.errors.items():
        column = columns.get(name, name if name != "__all__" else "")
        errors += [(column, message) for message in messages]
    return errors


def _plan_acties(records, headers, programma, reason):
    acties = {
        a.code: a
        for a in Actie.objects.filter(programma=programma)
        .select_related("actielijn", "trekker")
        .prefetch_related("partners")
    }
    lijnen = {
        str(lijn.nummer): lijn for lijn in Actielijn.objects.filter(programma=programma)
    }
    organisaties = {o.naam.lower(): o for o in Organisatie.objects.all()}
    seen = {}
    plans = []
    for number, record in enumerate(records, start=2):
        code = record.get("code", "")
        plan = RowPlan(number, code)
        plans.append(plan)
        if not code:
            plan.action = "fout"
            plan.errors.append(("code", _("Vul een code in.")))
            continue
        if code in seen:
            plan.action = "fout"
            plan.errors.append(
                ("code", _("Deze code staat ook in rij %s.") % seen[code])
            )
            continue
        seen[code] = number
        if record.get("programma") not in (None, "", programma.slug):
            # A row of the actions list's export, from another programme: its
            # code would name another action here.
            plan.action = "fout"
            plan.errors.append(
                (
                    "programma",
                    _("Deze rij hoort bij programma %(ander)s, niet bij %(dit)s.")
                    % {"ander": record["programma"], "dit": programma.slug},
                )
            )
            continue
        existing = acties.get(code)
        data = _actie_initial(existing)
        data["code"] = code
        data["reden"] = reason
        for column in headers:
            veld = BY_KEY.get(column)
            if column not in record or veld is None or not veld.importeerbaar:
                continue
            if column == "code":
                continue
            data[column] = _read_cell(
                veld, record[column], lijnen, organisaties, plan.errors
            )
        # The form writes its values into the instance: keep the old ones first.
        old = (
            {
                n: _display(_shown(_actie_getter(existing), n))
                for n in ActieForm.value_fields
            }
            if existing
            else {}
        )
        form = ActieForm(data=data, instance=existing or Actie(), merge=False)
        columns = {name: name for name in ActieForm.value_fields}
        columns["reden"] = _("reden (bij het uploaden)")
        if not form.is_valid() or plan.errors:
            plan.action = "fout"
            plan.errors += _form_errors(form, columns)
            continue
        values = form.service_values()
        if existing is None:
            plan.action = "nieuw"
            plan.changes = [
                (str(form.fields[name].label), "–", _display(_shown(values.get, name)))
                for name in ActieForm.value_fields
                if name in record or name in {"code"}
            ]
            plan.apply = lambda user, reason, values=values: services.actie_create(
                user=user, reason=reason, **values
            )
        else:
            changed = [n for n in form.changed_data if n in ActieForm.value_fields]
            if changed:
                plan.action = "wijzigen"
                plan.changes = [
                    (
                        str(form.fields[name].label),
                        old[name],
                        _display(_shown(values.get, name)),
                    )
                    for name in changed
                ]
            plan.apply = (
                (
                    lambda user, reason, existing=existing, values=values: (
                        services.actie_update(
                            actie=existing,
                            versie=existing.versie,
                            user=user,
                            reason=reason,
                            **values,
                        )
                    )
                )
                if changed
                else None
            )
    return plans


# The actions list's CSV export (acties.views.ActieExportView) is
# ``exchange.lijst_rij`` under ``exchange.LIJST_KOLOMMEN``: the columns this
# import reads, in its formats, so that the export of a list, edited in a
# spreadsheet, imports again and changes exactly the edited cells.
EXPORT_COLUMNS = LIJST_KOLOMMEN
export_row = lijst_rij


def _actie_initial(actie: Actie | None) -> dict:
    if actie is None:
        return {"status": ActieStatus.GEPLAND, "voortgang": 0}
    data = {
        name: getattr(actie, name)
        for name in ["code", "titel", "omschrijving", "status", "voortgang", "budget"]
    }
    data |= {
        "actielijn": actie.actielijn_id,
        "trekker": actie.trekker_id or "",
        "partners": [p.pk for p in actie.partners.all()],
        "gepland_start": actie.gepland_start.isoformat() if actie.gepland_start else "",
        "gepland_eind": actie.gepland_eind.isoformat() if actie.gepland_eind else "",
        "uitbuiting": [k for k, f in UITBUITING_FIELDS.items() if getattr(actie, f)],
        "doelgroep": [k for k, f in DOELGROEP_FIELDS.items() if getattr(actie, f)],
        "versie": actie.versie,
    }
    return {k: ("" if v is None else v) for k, v in data.items()}


def _shown(get, name: str):
    """A value field as the preview shows it; ``get(field)`` reads the record
    (an action) or the form's values alike."""
    if name == "uitbuiting":
        return [k for k, f in UITBUITING_FIELDS.items() if get(f)]
    if name == "doelgroep":
        return [k for k, f in DOELGROEP_FIELDS.items() if get(f)]
    if name == "partners":
        return [p.naam for p in get("partners")]
    return get(name)


def _actie_getter(actie: Actie):
    return lambda f: actie.partners.all() if f == "partners" else getattr(actie, f)


def _actie_lookup(programma, records):
    codes = {r.get("actie", "") for r in records}
    return {
        a.code: a for a in Actie.objects.filter(programma=programma, code__in=codes)
    }


def _plan_updates(records, headers, programma, reason):
    acties = _actie_lookup(programma, records)
    existing = set(
        Voortgangsupdate.objects.filter(actie__in=acties.values()).values_list(
            "actie__code", "datum", "tekst"
        )
    )
    plans = []
    for number, record in enumerate(records, start=2):
        plan = RowPlan(number, record.get("actie", ""))
        plans.append(plan)
        actie = acties.get(record.get("actie", ""))
        if actie is None:
            plan.errors.append(
                (
                    "actie",
                    _("Dit programma heeft geen actie %s.")
                    % (record.get("actie") or "–"),
                )
            )
        form = VoortgangsupdateForm(
            data={
                "datum": _typed_date(record.get("datum", "")),
                "tekst": record.get("tekst", ""),
            }
        )
        if not form.is_valid() or plan.errors:
            plan.action = "fout"
            plan.errors += _form_errors(form, {})
            continue
        datum, tekst = form.cleaned_data["datum"], form.cleaned_data["tekst"]
        if (actie.code, datum, tekst) in existing:
            continue  # already there: importing the same file twice adds nothing
        existing.add((actie.code, datum, tekst))
        plan.action = "nieuw"
        plan.changes = [(_("Datum"), "–", _display(datum)), (_("Tekst"), "–", tekst)]
        plan.apply = lambda user, reason, actie=actie, datum=datum, tekst=tekst: (
            services.voortgangsupdate_create(
                actie=actie, datum=datum, tekst=tekst, user=user, reason=reason
            )
        )
    return plans


def _plan_metingen(records, headers, programma, reason):
    acties = _actie_lookup(programma, records)
    indicatoren = {
        (i.actie.code, i.naam.lower()): i
        for i in Indicator.objects.filter(actie__in=acties.values()).select_related(
            "actie"
        )
    }
    metingen = {
        (m.indicator_id, m.datum): m
        for m in Meting.objects.filter(indicator__in=indicatoren.values())
    }
    seen = {}
    plans = []
    for number, record in enumerate(records, start=2):
        code, naam = record.get("actie", ""), record.get("indicator", "")
        plan = RowPlan(number, f"{code} {naam}".strip())
        plans.append(plan)
        indicator = indicatoren.get((code, naam.lower()))
        if code not in acties:
            plan.errors.append(
                ("actie", _("Dit programma heeft geen actie %s.") % (code or "–"))
            )
        elif indicator is None:
            plan.errors.append(
                (
                    "indicator",
                    _("Actie %(code)s heeft geen indicator '%(naam)s'.")
                    % {"code": code, "naam": naam},
                )
            )
        data = {
            "datum": _typed_date(record.get("datum", "")),
            "waarde": _number(record.get("waarde", "")),
            "toelichting": record.get("toelichting", ""),
            "reden": reason,
        }
        current = None
        if indicator is not None:
            form_probe = MetingForm(data=data)
            if form_probe.is_valid():
                current = metingen.get((indicator.pk, form_probe.cleaned_data["datum"]))
        old = (
            {n: getattr(current, n) for n in ("waarde", "toelichting")}
            if current
            else {}
        )
        form = MetingForm(
            data=data, instance=current or Meting(indicator=indicator), merge=False
        )
        if not form.is_valid() or plan.errors:
            plan.action = "fout"
            plan.errors += _form_errors(form, {"reden": _("reden (bij het uploaden)")})
            continue
        key = (indicator.pk, form.cleaned_data["datum"])
        if key in seen:
            plan.action = "fout"
            plan.errors.append(
                ("datum", _("Deze meting staat ook in rij %s.") % seen[key])
            )
            continue
        seen[key] = number
        values = {n: form.cleaned_data[n] for n in ("datum", "waarde", "toelichting")}
        if current is None:
            plan.action = "nieuw"
            plan.changes = [
                (_("Datum"), "–", _display(values["datum"])),
                (_("Waarde"), "–", _display(values["waarde"])),
            ]
            plan.apply = lambda user, reason, indicator=indicator, values=values: (
                services.meting_create(
                    indicator=indicator, user=user, reason=reason, **values
                )
            )
            continue
        changed = [n for n in ("waarde", "toelichting") if n in form.changed_data]
        if changed:
            plan.action = "wijzigen"
            plan.changes = [
                (
                    str(form.fields[n].label),
                    _display(old[n]),
                    _display(values[n]),
                )
                for n in changed
            ]
            plan.apply = lambda user, reason, current=current, values=values: (
                services.meting_update(
                    meting=current,
                    user=user,
                    reason=reason,
                    **values,
                )
            )
    return plans


# --- the register of council mandates -----------------------------------------------

# Column of the file → field of the mandate form.
REGISTER_VELDEN = {
    "nummer": "nummer",
    "soort": "soort",
    "titel": "titel",
    "tekst": "tekst",
    "indiener(s)": "indieners",
    "fractie": "fractie",
    "datum vergadering": "datum_aangenomen",
    "vergadering": "vergadering",
    "ris-nummer": "ris_nummer",
    "termijn": "deadline",
    "onderdeel van": "hoofdopdracht",
}
# Words the overviews use for a kind or a status.
SOORT_WOORDEN = {"besluit": "beslispunt", "beslispunten": "beslispunt"}
STATUS_WOORDEN = {
    "lopend": "in_uitvoering",
    "in behandeling": "in_uitvoering",
    "afgehandeld": "afgedaan",
    "afgerond": "afgedaan",
    "voorstel tot afdoening": "afdoening_voorgesteld",
}
LINKED_ON_IMPORT = "Gekoppeld bij het inlezen van het register (rij %s)."


def _register_choice(text: str, choices, words: dict) -> str:
    return words.get(text.lower().strip(), _choice(text, choices))


def _plan_raadsopdrachten(records, headers, programma, reason):
    """Mandates and commitments of ``programma``, matched on their number: a
    known number updates that mandate, a new one registers it. A second
    import of the same file changes nothing."""
    bekend = {
        r.nummer: r
        for r in Raadsopdracht.objects.filter(
            Q(programma=programma) | Q(actie_koppelingen__actie__programma=programma)
        )
        .distinct()
        .select_related("hoofdopdracht")
    }
    acties = {a.code: a for a in Actie.objects.filter(programma=programma)}
    gekoppeld = set(
        RaadsopdrachtActie.objects.filter(actie__programma=programma).values_list(
            "raadsopdracht__nummer", "actie__code"
        )
    )
    columns = {field: column for column, field in REGISTER_VELDEN.items()}
    columns["reden"] = _("reden (bij het uploaden)")
    in_file, plans = {}, []
    for number, record in enumerate(records, start=2):
        nummer = record.get("nummer", "").strip()
        plan = RowPlan(number, nummer)
        plans.append(plan)
        if nummer in in_file:
            plan.action = "fout"
            plan.errors.append(
                ("nummer", _("Dit nummer staat ook in rij %s.") % in_file[nummer])
            )
            continue
        in_file[nummer] = number
        existing = bekend.get(nummer)
        nieuwe_hoofd = ""
        data = _register_initial(existing, programma)
        data["reden"] = reason
        for column, name in REGISTER_VELDEN.items():
            if column not in record:
                continue
            text = record[column]
            if name == "soort":
                text = _register_choice(text, RaadsopdrachtSoort.choices, SOORT_WOORDEN)
            elif name in ("datum_aangenomen", "deadline"):
                text = _typed_date(text)
            elif name == "hoofdopdracht":
                parent = bekend.get(text.strip()) if text.strip() else None
                if parent is None and text.strip() in in_file:
                    # Registered by an earlier row of this file: linked when
                    # that row has been written.
                    nieuwe_hoofd = text.strip()
                elif text.strip() and parent is None:
                    plan.errors.append(
                        (
                            column,
                            _(
                                "Er is geen raadsopdracht %s in het register of in "
                                "een eerdere rij."
                            )
                            % text,
                        )
                    )
                text = parent.pk if parent else ""
            data[name] = text
        status = RaadsopdrachtStatus.OPEN if existing is None else existing.status
        if "status" in record and record["status"].strip():
            status = _register_choice(
                record["status"], RaadsopdrachtStatus.choices, STATUS_WOORDEN
            )
            if status not in RaadsopdrachtStatus.values:
                plan.errors.append(
                    ("status", _("Onbekende status: %s.") % record["status"])
                )
        settle = status == RaadsopdrachtStatus.AFGEDAAN and (
            existing is None or existing.status != RaadsopdrachtStatus.AFGEDAAN
        )
        afgedaan_op, document = None, ""
        if settle:
            afgedaan_op = _register_date(record.get("afgedaan op", ""), plan)
            document = record.get("afdoeningsdocument", "").strip()
            if afgedaan_op is None and not plan.errors:
                plan.errors.append(
                    ("afgedaan op", _("Een afgedane opdracht heeft een datum."))
                )
            if not document:
                plan.errors.append(
                    ("afdoeningsdocument", _("Noem het afdoeningsdocument."))
                )
            # The form offers the statuses before settling; settling follows.
            data["status"] = (
                existing.status if existing else RaadsopdrachtStatus.IN_UITVOERING
            )
        elif status in RaadsopdrachtStatus.values:
            data["status"] = status
        links = []
        for code in _names(record.get("acties", "").replace(",", LIST_SEPARATOR)):
            if code not in acties:
                plan.errors.append(
                    ("acties", _("Dit programma heeft geen actie %s.") % code)
                )
            elif (nummer, code) not in gekoppeld:
                links.append(acties[code])
        old = (
            {n: _display(getattr(existing, n)) for n in REGISTER_VELDEN.values()}
            if existing
            else {}
        )
        form = RaadsopdrachtForm(
            data=data, instance=existing or Raadsopdracht(), merge=False
        )
        if not form.is_valid() or plan.errors:
            plan.action = "fout"
            plan.errors += _form_errors(form, columns)
            continue
        values = form.service_values()
        changed = [n for n in form.changed_data if n in values]
        if existing is None:
            plan.action = "nieuw"
            plan.changes = [
                (str(form.fields[n].label), "–", _display(values.get(n)))
                for n in REGISTER_VELDEN.values()
                if values.get(n) not in (None, "")
            ]
        elif changed or links or settle or nieuwe_hoofd:
            plan.action = "wijzigen"
            plan.changes = [
                (str(form.fields[n].label), old.get(n, "–"), _display(values[n]))
                for n in changed
            ]
        if links:
            plan.changes.append((_("Acties"), "–", ", ".join(a.code for a in links)))
        if settle:
            plan.changes.append(
                (_("Status"), "–", f"{RaadsopdrachtStatus.AFGEDAAN.label}, {document}")
            )
        if plan.action == "ongewijzigd":
            continue
        if nieuwe_hoofd:
            plan.changes.append((_("Onderdeel van"), "–", nieuwe_hoofd))
        plan.apply = _register_apply(
            existing, values, changed, links, settle, afgedaan_op, document,
            nieuwe_hoofd, number,
        )  # fmt: skip
    return plans


def _register_date(text: str, plan) -> datetime.date | None:
    text = _typed_date(text.strip())
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        plan.errors.append(
            (
                "afgedaan op",
                _("Geen datum: %s (gebruik 4-4-2019 of 2019-04-04).") % text,
            )
        )
        return None


def _register_initial(existing, programma) -> dict:
    if existing is None:
        return {"programma": programma.pk, "soort": RaadsopdrachtSoort.MOTIE}
    data = {name: getattr(existing, name) for name in RaadsopdrachtForm.Meta.fields}
    for name in ("hoofdopdracht", "aangenomen_in", "af_te_doen_voor", "programma"):
        data[name] = getattr(existing, f"{name}_id") or ""
    return {k: ("" if v is None else v) for k, v in data.items()}


def _register_apply(existing, values, changed, links, settle, afgedaan_op, document,
                    nieuwe_hoofd, number):  # fmt: skip
    def apply(user, reason):
        if nieuwe_hoofd:
            values["hoofdopdracht"] = Raadsopdracht.objects.filter(
                nummer=nieuwe_hoofd
            ).latest("pk")
            changed.append("hoofdopdracht")
        if existing is None:
            opdracht = services.raadsopdracht_create(user=user, reason=reason, **values)
        else:
            opdracht = existing
            if changed:
                services.raadsopdracht_update(
                    raadsopdracht=existing,
                    user=user,
                    reason=reason,
                    **{n: values[n] for n in changed},
                )
        for actie in links:
            services.raadsopdracht_actie_link(
                raadsopdracht=opdracht,
                actie=actie,
                toelichting=LINKED_ON_IMPORT % number,
                user=user,
            )
        if settle:
            services.raadsopdracht_settle(
                raadsopdracht=opdracht,
                afgedaan_op=afgedaan_op,
                afdoeningsdocument=document,
                user=user,
                reason=reason,
            )
        return opdracht

    return apply


# --- applying -------------------------------------------------------------------------


class StalePlan(Exception):
    """The data changed between the preview and the confirmation."""


@transaction.atomic
def apply_import(plan: ImportPlan, *, fingerprint: str, user, reason: str) -> int:
    """Write every planned row, or nothing; returns the number of rows written."""
    if plan.fingerprint != fingerprint:
        raise StalePlan
    if not plan.valid:
        raise ValidationError(_("Het bestand bevat fouten; er is niets opgeslagen."))
    written = 0
    for row in plan.rows:
        if row.apply is None:
            continue
        try:
            row.apply(user, reason)
        except ValidationError as exc:
            raise ValidationError(
                _("Rij %(row)s: %(error)s. Er is niets opgeslagen.")
                % {"row": row.number, "error": "; ".join(exc.messages)}
            ) from exc
        written += 1
    return written
