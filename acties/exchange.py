"""An action's exchange fields: one description for every file that carries actions.

Each field is named once, here: its stable key (the column of a CSV file, the
key of a JSON object, the column the import reads), its Dutch heading, its
kind, and the files it goes into. From this list come

- the actions list's CSV export and the import that reads that file back
  (``acties.imports``): the columns, their order, how each cell is written
  and how it is read;
- the open-data export of a programme and its import elsewhere
  (``acties.opendata``), in JSON and CSV;
- the columns and headings of the evaluation's action table and its data
  attachments (``evaluatie.selectors``).

So a field added to the actions' exchange is one entry here. The backup is not
among them on purpose: it holds every column of every table, as Django's
serialisation writes them, so that a restore is exact.

A cell with several values (partners, forms of exploitation, mandates) joins
them with ``LIST_SEPARATOR``, which occurs in none of the values: names of
organisations contain commas, so a comma cannot be the separator.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from basis.exchange import parse_date, parse_decimal, plain

from .constants import (
    DOELGROEP_CHOICES,
    DOELGROEP_FIELDS,
    UITBUITING_CHOICES,
    UITBUITING_FIELDS,
    ActieStatus,
)

LIST_SEPARATOR = "|"


class Soort(StrEnum):
    """What kind of value a field holds, which says how it is written and read."""

    TEKST = "tekst"
    GETAL = "getal"  # a whole number
    BEDRAG = "bedrag"  # a decimal; a Dutch decimal comma in the list's CSV
    DATUM = "datum"
    STATUS = "status"  # the key in data files, the label in the list's CSV
    ACTIELIJN = "actielijn"  # the line's number within the programme
    ORGANISATIE = "organisatie"  # by name
    ORGANISATIES = "organisaties"  # names, sorted
    VLAGGEN = "vlaggen"  # chosen keys of a set of booleans
    RAADSOPDRACHTEN = "raadsopdrachten"  # mandate numbers, sorted
    JA_NEE = "ja_nee"


# The flags behind a VLAGGEN field: the choices and the boolean per choice.
FLAGS = {
    "uitbuiting": (UITBUITING_CHOICES, UITBUITING_FIELDS),
    "doelgroep": (DOELGROEP_CHOICES, DOELGROEP_FIELDS),
}


@dataclass(frozen=True)
class Veld:
    key: str
    label: str
    soort: Soort
    # The model attribute it reads, when it is not the key.
    attr: str = ""
    # In the public open data (False: only in the internal export).
    openbaar: bool = True
    # Which files carry it: the list's CSV and its import, the open data, the
    # evaluation's action table.
    in_lijst: bool = True
    in_open_data: bool = True
    in_rapport: bool = False
    # The import reads it (False: it reads past it, e.g. the mandates, which
    # are linked on their own page with an explanation).
    importeerbaar: bool = True

    @property
    def attribute(self) -> str:
        return self.attr or self.key

    def value(self, actie):
        """The value, in Python terms, of an action (or an action as it was:
        the snapshot's ``ActieState`` carries the report's fields by key)."""
        if self.soort is Soort.ACTIELIJN:
            return actie.actielijn.nummer
        if self.soort is Soort.ORGANISATIE:
            trekker = actie.trekker
            return trekker.naam if trekker else ""
        if self.soort is Soort.ORGANISATIES:
            return sorted(o.naam for o in actie.partners.all())
        if self.soort is Soort.VLAGGEN:
            _choices, fields = FLAGS[self.key]
            return [key for key, field in fields.items() if getattr(actie, field)]
        if self.soort is Soort.RAADSOPDRACHTEN:
            return sorted(r.nummer for r in actie.raadsopdrachten.all())
        return getattr(actie, self.attribute)

    def data(self, actie):
        """As a data file (JSON, open data) holds it: keys, ISO dates, lists."""
        return plain(self.value(actie))

    def cell(self, value) -> str | int:
        """``value`` (as ``value()`` gives it) as the list's CSV writes it: in
        the words and formats a person types, which the import reads back."""
        if value is None:
            return ""
        if self.soort is Soort.STATUS:
            return str(ActieStatus(value).label)
        if self.soort is Soort.VLAGGEN:
            choices, _fields = FLAGS[self.key]
            labels = dict(choices)
            return LIST_SEPARATOR.join(str(labels[key]) for key in value)
        if isinstance(value, list):
            return LIST_SEPARATOR.join(value)
        if self.soort is Soort.BEDRAG:
            return format(value, "f").replace(".", ",")
        if self.soort is Soort.JA_NEE:
            return _("ja") if value else _("nee")
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value

    def from_data(self, value):
        """A value of a data file (``data()``) back in Python terms."""
        if self.soort is Soort.DATUM:
            return parse_date(value)
        if self.soort is Soort.BEDRAG:
            return parse_decimal(value)
        return value


ACTIE_VELDEN: tuple[Veld, ...] = (
    Veld("code", gettext_lazy("code"), Soort.TEKST, in_rapport=True),
    Veld("actielijn", gettext_lazy("actielijn"), Soort.ACTIELIJN, in_rapport=True),
    Veld("titel", gettext_lazy("titel"), Soort.TEKST, in_rapport=True),
    Veld("omschrijving", gettext_lazy("omschrijving"), Soort.TEKST),
    Veld("status", gettext_lazy("status"), Soort.STATUS, in_rapport=True),
    Veld("voortgang", gettext_lazy("voortgang (%)"), Soort.GETAL, in_rapport=True),
    Veld("trekker", gettext_lazy("trekker"), Soort.ORGANISATIE, in_rapport=True),
    Veld("partners", gettext_lazy("partners"), Soort.ORGANISATIES, in_rapport=True),
    Veld("gepland_start", gettext_lazy("geplande start"), Soort.DATUM, in_rapport=True),
    Veld("gepland_eind", gettext_lazy("gepland einde"), Soort.DATUM, in_rapport=True),
    Veld("uitbuiting", gettext_lazy("vormen van uitbuiting"), Soort.VLAGGEN),
    Veld("doelgroep", gettext_lazy("doelgroep"), Soort.VLAGGEN),
    Veld("budget", gettext_lazy("budget (€)"), Soort.BEDRAG, openbaar=False),
    Veld(
        "raadsopdrachten",
        gettext_lazy("raadsopdrachten"),
        Soort.RAADSOPDRACHTEN,
        # The links, with their explanations, are a file of their own there.
        in_open_data=False,
        in_rapport=True,
        importeerbaar=False,
    ),
    Veld(
        "voorbeeld",
        gettext_lazy("voorbeeld"),
        Soort.JA_NEE,
        attr="is_voorbeeld",
        in_rapport=True,
        importeerbaar=False,
    ),
)
BY_KEY = {veld.key: veld for veld in ACTIE_VELDEN}

# --- the actions list's CSV, which the import reads back --------------------------

# First the programme, which the import checks (a row of another programme's
# export would name another action by its code).
LIJST_KOLOMMEN = ["programma", *(v.key for v in ACTIE_VELDEN if v.in_lijst)]
IMPORT_VERPLICHT = ["code"]
IMPORT_OPTIONEEL = [
    v.key
    for v in ACTIE_VELDEN
    if v.in_lijst and v.importeerbaar and v.key not in IMPORT_VERPLICHT
]
IMPORT_GENEGEERD = [
    "id",
    "programma",
    *(v.key for v in ACTIE_VELDEN if v.in_lijst and not v.importeerbaar),
]


def lijst_rij(actie) -> list:
    """One action as a row of the list's CSV (``LIJST_KOLOMMEN``)."""
    return [actie.programma.slug] + [
        veld.cell(veld.value(actie)) for veld in ACTIE_VELDEN if veld.in_lijst
    ]


# What each kind of import file holds: its name, the columns it needs, those
# it may have, and those it reads past.
REGISTER_KOLOMMEN = [
    "soort", "tekst", "indiener(s)", "fractie", "datum vergadering",
    "vergadering", "ris-nummer", "status", "afgedaan op",
    "afdoeningsdocument", "termijn", "onderdeel van", "acties",
]  # fmt: skip
IMPORT_KINDS = {
    "acties": (
        gettext_lazy("Acties"),
        IMPORT_VERPLICHT,
        IMPORT_OPTIONEEL,
        IMPORT_GENEGEERD,
    ),
    "voortgangsupdates": (
        gettext_lazy("Voortgangsupdates"),
        ["actie", "datum", "tekst"],
        [],
        ["id"],
    ),
    "metingen": (
        gettext_lazy("Metingen van indicatoren"),
        ["actie", "indicator", "datum", "waarde"],
        ["toelichting"],
        ["id"],
    ),
    # The columns of the overviews that council information systems (iBabs,
    # NotuBiz) export of motions and commitments.
    "raadsopdrachten": (
        gettext_lazy("Raadsopdrachten en toezeggingen (register)"),
        ["nummer", "titel"],
        REGISTER_KOLOMMEN,
        ["id"],
    ),
}
# Other names the same columns go by in those exports (lower case).
IMPORT_ALIASES = {
    "raadsopdrachten": {
        "indieners": "indiener(s)",
        "indiener": "indiener(s)",
        "ris nummer": "ris-nummer",
        "risnummer": "ris-nummer",
        "datum": "datum vergadering",
        "vergaderdatum": "datum vergadering",
        "uiterste datum": "termijn",
        "deadline": "termijn",
        "afdoeningsdatum": "afgedaan op",
        "onderdeel": "onderdeel van",
    },
}
# What a person needs to import each kind.
IMPORT_PERMISSIONS = {
    "acties": ("acties.add_actie", "acties.change_actie"),
    "voortgangsupdates": ("acties.add_voortgangsupdate",),
    "metingen": ("acties.add_meting", "acties.change_meting"),
    "raadsopdrachten": ("acties.add_raadsopdracht", "acties.change_raadsopdracht"),
}


def importable_kinds(user) -> list[str]:
    return [kind for kind, perms in IMPORT_PERMISSIONS.items() if user.has_perms(perms)]


# --- open data --------------------------------------------------------------------


def open_data_velden(*, intern: bool) -> list[Veld]:
    return [v for v in ACTIE_VELDEN if v.in_open_data and (v.openbaar or intern)]


def open_data_record(actie, *, id: str, intern: bool) -> dict:
    return {"id": id, **{v.key: v.data(actie) for v in open_data_velden(intern=intern)}}


def open_data_values(row: dict) -> dict:
    """The plain fields of an open-data row as the action services' arguments;
    the references (line, organisations) and flags are the caller's to resolve."""
    simple = {Soort.TEKST, Soort.GETAL, Soort.BEDRAG, Soort.DATUM, Soort.STATUS}
    return {
        v.attribute: v.from_data(row[v.key])
        for v in ACTIE_VELDEN
        if v.in_open_data and v.soort in simple and v.key in row and v.key != "code"
    }


def flag_values(key: str, chosen: Iterable[str]) -> dict[str, bool]:
    """The booleans behind a VLAGGEN field, from the chosen keys."""
    chosen = set(chosen)
    _choices, fields = FLAGS[key]
    return {field: choice in chosen for choice, field in fields.items()}


# --- the evaluation's action table -------------------------------------------------

RAPPORT_VELDEN = [v for v in ACTIE_VELDEN if v.in_rapport]


def rapport_waarde(veld: Veld, state, lijn):
    """A field of the evaluation's data attachment, from the action as it was
    (``acties.snapshot.ActieState``) on its line, as data files hold it."""
    if veld.soort is Soort.ACTIELIJN:
        return lijn.nummer
    return plain(getattr(state, veld.key))


def rapport_cel(veld: Veld, state, lijn) -> str | int | Decimal:
    """A cell of the evaluation's action table, from the action as it was
    (``acties.snapshot.ActieState``) on its line: in words, for a reader."""
    if veld.soort is Soort.ACTIELIJN:
        return f"{lijn.nummer}. {lijn.naam}"
    return veld.cell(getattr(state, veld.key))
