"""The programme as it was at a moment, and what changed between two moments.

Both are reconstructed from the audit history alone, never from hand-kept
notes: a snapshot is one query per kind of record over its history table
(``historie.records.versions_at``), whatever the number of records, so the
number of queries does not grow with the programme. The mid-term evaluation
(``evaluatie``) reads the programme through these functions.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q

from historie.changes import ValueFormatter, tracked_fields, user_name
from historie.records import is_system_user, rows_between, versions_at
from pijlers.models import Actielijn, ActielijnPijler, Pijler, Programma

from .constants import (
    ACTIE_STATUS_KLAAR,
    DOELGROEP_CHOICES,
    DOELGROEP_FIELDS,
    UITBUITING_CHOICES,
    UITBUITING_FIELDS,
    ActieStatus,
)
from .models import (
    Actie,
    ActiePartner,
    Organisatie,
    Raadsopdracht,
    RaadsopdrachtActie,
)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last moment of ``day`` in the project's time zone (Europe/Amsterdam).

    A peildatum means "the state when that day was over": everything written
    on that day counts, nothing of the next.
    """
    # Not "the next midnight less a microsecond": there is no day after
    # 31 December 9999, which a query string can ask for.
    return datetime.datetime.combine(
        day, datetime.time.max, tzinfo=ZoneInfo(settings.TIME_ZONE)
    )


# --- the state at a moment ----------------------------------------------------


@dataclass
class Snapshot:
    """Every record as it was at ``moment``: ``{pk: historical row}`` per kind."""

    moment: datetime.datetime
    programmas: dict
    pijlers: dict
    actielijnen: dict
    actielijn_pijlers: dict
    organisaties: dict
    acties: dict
    actie_partners: dict
    raadsopdrachten: dict
    koppelingen: dict


SNAPSHOT_MODELS = {
    "programmas": Programma,
    "pijlers": Pijler,
    "actielijnen": Actielijn,
    "actielijn_pijlers": ActielijnPijler,
    "organisaties": Organisatie,
    "acties": Actie,
    "actie_partners": ActiePartner,
    "raadsopdrachten": Raadsopdracht,
    "koppelingen": RaadsopdrachtActie,
}


def snapshot_at(
    moment: datetime.datetime, *, programma_id: int | None = None
) -> Snapshot:
    """The register at ``moment``, in one query per kind of record.

    With ``programma_id``, only what concerns that programme: the records that
    ever belonged to it (a subquery on the indexed history of each), so the
    cost follows the programme, not the whole instance. Whether they belonged
    to it at ``moment`` is for the reader to check on the rows, as
    ``programma_state`` does.
    """
    if programma_id is None:
        scopes = {}
    else:
        acties = Actie.history.filter(programma_id=programma_id).values("id")
        opdrachten = RaadsopdrachtActie.history.filter(actie_id__in=acties).values(
            "raadsopdracht_id"
        )
        lijnen = Actielijn.history.filter(programma_id=programma_id).values("id")
        scopes = {
            "programmas": [programma_id],
            "pijlers": Pijler.history.filter(programma_id=programma_id).values("id"),
            "actielijnen": lijnen,
            "actielijn_pijlers": ActielijnPijler.history.filter(
                actielijn_id__in=lijnen
            ).values("id"),
            "acties": acties,
            "actie_partners": ActiePartner.history.filter(actie_id__in=acties).values(
                "id"
            ),
            "raadsopdrachten": Raadsopdracht.history.filter(
                Q(programma_id=programma_id) | Q(id__in=opdrachten)
            ).values("id"),
            "koppelingen": RaadsopdrachtActie.history.filter(
                actie_id__in=acties
            ).values("id"),
        }
    return Snapshot(
        moment=moment,
        **{
            name: versions_at(model, moment, ids=scopes.get(name))
            for name, model in SNAPSHOT_MODELS.items()
        },
    )


def _flag_labels(row, choices, fields) -> list[str]:
    return [str(label) for key, label in choices if getattr(row, fields[key])]


@dataclass
class ActieState:
    id: int
    code: str
    titel: str
    status: str
    status_label: str
    voortgang: int
    trekker: str
    partners: list[str]
    gepland_start: datetime.date | None
    gepland_eind: datetime.date | None
    raadsopdrachten: list[str]
    te_laat: bool
    bestaat_nog: bool = True
    # An illustrative record of the demonstration data, not a real action.
    voorbeeld: bool = False
    budget: Decimal | None = None
    omschrijving: str = ""
    # The labels of its forms of exploitation and target groups.
    uitbuiting: list[str] = field(default_factory=list)
    doelgroep: list[str] = field(default_factory=list)


@dataclass
class ActielijnState:
    id: int
    nummer: int
    naam: str
    acties: list[ActieState] = field(default_factory=list)
    pijlers: list[str] = field(default_factory=list)

    @property
    def gemiddelde_voortgang(self) -> float:
        if not self.acties:
            return 0.0
        return sum(a.voortgang for a in self.acties) / len(self.acties)


@dataclass
class PijlerState:
    id: int
    volgorde: int
    naam: str
    actielijnen: list[ActielijnState] = field(default_factory=list)


@dataclass
class RaadsopdrachtState:
    id: int
    nummer: str
    titel: str
    soort_label: str
    status: str
    status_label: str
    deadline: datetime.date | None
    afgedaan_op: datetime.date | None
    acties: list[str]
    datum_aangenomen: datetime.date | None = None
    ris_nummer: str = ""
    afdoeningsdocument: str = ""
    afdoening_toelichting: str = ""
    soort: str = ""
    tekst: str = ""
    indieners: str = ""
    vergadering: str = ""
    hoofdopdracht_id: int | None = None
    bron: str = ""
    deadline_toelichting: str = ""


@dataclass
class ProgrammaState:
    """A programme at a peildatum, ready for a page or a report to format."""

    moment: datetime.datetime
    programma: models.Model
    pijlers: list[PijlerState]
    actielijnen: list[ActielijnState]
    acties: list[ActieState]
    raadsopdrachten: list[RaadsopdrachtState]
    per_status: list[tuple[str, str, int]]

    @property
    def gemiddelde_voortgang(self) -> float:
        if not self.acties:
            return 0.0
        return sum(a.voortgang for a in self.acties) / len(self.acties)


def _label(model: type[models.Model], name: str, value) -> str:
    choices = dict(model._meta.get_field(name).flatchoices)
    return str(choices.get(value, value))


def programma_state(
    snapshot: Snapshot, programma_id: int, *, existing_ids: set[int] | None = None
) -> ProgrammaState | None:
    """One programme of ``snapshot``; ``None`` if it did not exist then.

    ``existing_ids``: ids of actions that exist today, so a page can link the
    ones that still do.
    """
    programma = snapshot.programmas.get(programma_id)
    if programma is None:
        return None
    day = snapshot.moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    organisaties = {pk: row.naam for pk, row in snapshot.organisaties.items()}
    partners = defaultdict(list)
    for link in snapshot.actie_partners.values():
        if link.organisatie_id in organisaties:
            partners[link.actie_id].append(organisaties[link.organisatie_id])
    opdrachten_per_actie = defaultdict(list)
    acties_per_opdracht = defaultdict(list)
    for link in snapshot.koppelingen.values():
        opdracht = snapshot.raadsopdrachten.get(link.raadsopdracht_id)
        actie = snapshot.acties.get(link.actie_id)
        if opdracht is None or actie is None:
            continue
        opdrachten_per_actie[actie.id].append(opdracht.nummer)
        if actie.programma_id == programma_id:
            acties_per_opdracht[opdracht.id].append(actie.code)

    lijnen = {
        row.id: ActielijnState(id=row.id, nummer=row.nummer, naam=row.naam)
        for row in sorted(snapshot.actielijnen.values(), key=lambda r: r.nummer)
        if row.programma_id == programma_id
    }
    acties = []
    for row in sorted(snapshot.acties.values(), key=lambda r: _code_key(r.code)):
        if row.programma_id != programma_id or row.actielijn_id not in lijnen:
            continue
        state = ActieState(
            id=row.id,
            code=row.code,
            titel=row.titel,
            status=row.status,
            status_label=_label(Actie, "status", row.status),
            voortgang=row.voortgang,
            trekker=organisaties.get(row.trekker_id, ""),
            partners=sorted(partners[row.id]),
            gepland_start=row.gepland_start,
            gepland_eind=row.gepland_eind,
            raadsopdrachten=sorted(opdrachten_per_actie[row.id]),
            te_laat=bool(
                row.gepland_eind
                and row.gepland_eind < day
                and row.status not in ACTIE_STATUS_KLAAR
            ),
            bestaat_nog=existing_ids is None or row.id in existing_ids,
            voorbeeld=row.is_voorbeeld,
            budget=row.budget,
            omschrijving=row.omschrijving,
            uitbuiting=_flag_labels(row, UITBUITING_CHOICES, UITBUITING_FIELDS),
            doelgroep=_flag_labels(row, DOELGROEP_CHOICES, DOELGROEP_FIELDS),
        )
        lijnen[row.actielijn_id].acties.append(state)
        acties.append(state)

    pijlers = {
        row.id: PijlerState(id=row.id, volgorde=row.volgorde, naam=row.naam)
        for row in sorted(snapshot.pijlers.values(), key=lambda r: r.volgorde)
        if row.programma_id == programma_id
    }
    for link in sorted(
        snapshot.actielijn_pijlers.values(),
        key=lambda r: lijnen[r.actielijn_id].nummer if r.actielijn_id in lijnen else 0,
    ):
        if link.pijler_id in pijlers and link.actielijn_id in lijnen:
            pijlers[link.pijler_id].actielijnen.append(lijnen[link.actielijn_id])
    for pijler in pijlers.values():
        for lijn in pijler.actielijnen:
            lijn.pijlers.append(pijler.naam)

    opdrachten = [
        RaadsopdrachtState(
            id=row.id,
            nummer=row.nummer,
            titel=row.titel,
            soort_label=_label(Raadsopdracht, "soort", row.soort),
            status=row.status,
            status_label=_label(Raadsopdracht, "status", row.status),
            deadline=row.deadline,
            afgedaan_op=row.afgedaan_op,
            acties=sorted(acties_per_opdracht[row.id], key=_code_key),
            datum_aangenomen=row.datum_aangenomen,
            ris_nummer=row.ris_nummer,
            afdoeningsdocument=row.afdoeningsdocument,
            afdoening_toelichting=row.afdoening_toelichting,
            soort=row.soort,
            tekst=row.tekst,
            indieners=row.indieners,
            vergadering=row.vergadering,
            hoofdopdracht_id=row.hoofdopdracht_id,
            bron=row.bron,
            deadline_toelichting=row.deadline_toelichting,
        )
        for row in sorted(
            snapshot.raadsopdrachten.values(),
            key=lambda r: (r.datum_aangenomen or datetime.date.min, r.nummer),
        )
        if row.programma_id == programma_id or acties_per_opdracht[row.id]
    ]
    counts = defaultdict(int)
    for actie in acties:
        counts[actie.status] += 1
    return ProgrammaState(
        moment=snapshot.moment,
        programma=programma,
        pijlers=list(pijlers.values()),
        actielijnen=list(lijnen.values()),
        acties=acties,
        raadsopdrachten=opdrachten,
        per_status=[(s.value, s.label, counts[s.value]) for s in ActieStatus],
    )


def _code_key(code: str) -> tuple:
    """Sort 1.2 before 1.10: numeric parts as numbers."""
    return tuple(
        # isdecimal, not isdigit: int() refuses digits such as '²'.
        (0, int(part), "") if part.isdecimal() else (1, 0, part)
        for part in code.split(".")
    )


# --- what changed between two moments ------------------------------------------


@dataclass(frozen=True)
class Cause:
    """A history row that brought a difference about: who, when and why."""

    when: datetime.datetime
    user: str
    reason: str
    # Written by a command (loading the council documents, an import of
    # data), not by a person: a report says so rather than naming an account.
    automatic: bool = False


@dataclass
class FieldDifference:
    name: str
    label: str
    old: object
    new: object
    old_display: str = ""
    new_display: str = ""
    causes: list[Cause] = field(default_factory=list)


@dataclass
class RecordDifference:
    """One record that was added, removed or changed between the two moments."""

    model: type[models.Model]
    id: int
    change: str  # "toegevoegd", "verwijderd" or "gewijzigd"
    label: str
    fields: list[FieldDifference] = field(default_factory=list)
    causes: list[Cause] = field(default_factory=list)

    def field(self, name: str) -> FieldDifference | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass
class Comparison:
    van: datetime.datetime
    tot: datetime.datetime
    acties: list[RecordDifference]
    raadsopdrachten: list[RecordDifference]
    koppelingen: list[RecordDifference]
    actie_partners: list[RecordDifference]

    @property
    def all(self) -> list[RecordDifference]:
        return [
            *self.acties,
            *self.raadsopdrachten,
            *self.koppelingen,
            *self.actie_partners,
        ]

    def of(self, change: str, group: str = "acties") -> list[RecordDifference]:
        return [d for d in getattr(self, group) if d.change == change]

    @property
    def status_transitions(self) -> list[RecordDifference]:
        return [d for d in self.acties if d.field("status")]


COMPARED = {
    "acties": Actie,
    "raadsopdrachten": Raadsopdracht,
    "koppelingen": RaadsopdrachtActie,
    "actie_partners": ActiePartner,
}


def _cause(row) -> Cause:
    user = row.history_user
    return Cause(
        when=row.history_date,
        user=user_name(user),
        reason=row.history_change_reason or "",
        automatic=is_system_user(user),
    )


def compare(
    van: datetime.datetime,
    tot: datetime.datetime,
    *,
    programma_id: int | None = None,
    before: Snapshot | None = None,
    after: Snapshot | None = None,
) -> Comparison:
    """Every difference between the states at ``van`` and at ``tot``.

    A record that changed and changed back shows no difference. Each
    difference names the history rows between the two moments that touched
    it (who, when, why). With ``programma_id``, only actions of that
    programme (at either moment) and the mandates and links that concern them.
    """
    before = before or snapshot_at(van, programma_id=programma_id)
    after = after or snapshot_at(tot, programma_id=programma_id)
    formatter = ValueFormatter()
    in_scope = _scope(before, after, programma_id)
    pending = {}
    for group, model in COMPARED.items():
        old_rows = getattr(before, group)
        new_rows = getattr(after, group)
        fields = tracked_fields(model)
        differences = []
        for pk in sorted(set(old_rows) | set(new_rows)):
            old, new = old_rows.get(pk), new_rows.get(pk)
            if not in_scope(group, old, new):
                continue
            if old is None:
                difference = RecordDifference(model, pk, "toegevoegd", "")
            elif new is None:
                difference = RecordDifference(model, pk, "verwijderd", "")
            else:
                changed = [
                    FieldDifference(
                        f.name,
                        str(f.verbose_name),
                        getattr(old, f.attname),
                        getattr(new, f.attname),
                    )
                    for f in fields
                    if getattr(old, f.attname) != getattr(new, f.attname)
                ]
                if not changed:
                    continue
                difference = RecordDifference(model, pk, "gewijzigd", "", changed)
            for f in fields:
                if f.is_relation:
                    for row in (old, new):
                        if row is not None:
                            formatter.want(f.related_model, getattr(row, f.attname))
            differences.append(difference)
        pending[group] = differences

    for group, differences in pending.items():
        _attach_causes(COMPARED[group], differences, before, van, tot)
    formatter.resolve()
    for group, differences in pending.items():
        model = COMPARED[group]
        for difference in differences:
            row = (
                getattr(after, group).get(difference.id)
                or getattr(before, group)[difference.id]
            )
            difference.label = _describe(group, row, formatter, before, after)
            for change in difference.fields:
                model_field = model._meta.get_field(change.name)
                change.old_display = formatter.display(model_field, change.old)
                change.new_display = formatter.display(model_field, change.new)
    return Comparison(van=van, tot=tot, **pending)


def _scope(before: Snapshot, after: Snapshot, programma_id: int | None):
    if programma_id is None:
        return lambda group, old, new: True

    def actie_in(actie_id) -> bool:
        return any(
            row is not None and row.programma_id == programma_id
            for row in (before.acties.get(actie_id), after.acties.get(actie_id))
        )

    linked = {
        link.raadsopdracht_id
        for snap in (before, after)
        for link in snap.koppelingen.values()
        if actie_in(link.actie_id)
    }

    def in_scope(group, old, new) -> bool:
        row = new or old
        if group == "acties":
            return actie_in(row.id)
        if group == "raadsopdrachten":
            return row.id in linked or any(
                r is not None and r.programma_id == programma_id for r in (old, new)
            )
        return actie_in(row.actie_id)

    return in_scope


def _attach_causes(model, differences, before: Snapshot, van, tot) -> None:
    """Name, per difference, the rows between the moments that made it."""
    if not differences:
        return
    by_id = {d.id: d for d in differences}
    rows = defaultdict(list)
    for row in rows_between(model, van, tot, ids=by_id):
        rows[row.id].append(row)
    group = next(g for g, m in COMPARED.items() if m is model)
    fields = tracked_fields(model)
    for pk, difference in by_id.items():
        previous = getattr(before, group).get(pk)
        wanted = {f.name for f in difference.fields}
        for row in rows[pk]:
            cause = _cause(row)
            if row.history_type != "~" or previous is None:
                difference.causes.append(cause)
            else:
                touched = {
                    f.name
                    for f in fields
                    if getattr(previous, f.attname) != getattr(row, f.attname)
                }
                if touched & wanted:
                    difference.causes.append(cause)
                for change in difference.fields:
                    if change.name in touched:
                        change.causes.append(cause)
            previous = None if row.history_type == "-" else row


def _describe(group, row, formatter: ValueFormatter, before, after) -> str:
    if group == "acties":
        return f"{row.code} {row.titel}"
    if group == "raadsopdrachten":
        return f"{row.nummer} {row.titel}"
    actie = after.acties.get(row.actie_id) or before.acties.get(row.actie_id)
    code = actie.code if actie else formatter.name(Actie, row.actie_id)
    if group == "koppelingen":
        opdracht = after.raadsopdrachten.get(
            row.raadsopdracht_id
        ) or before.raadsopdrachten.get(row.raadsopdracht_id)
        nummer = opdracht.nummer if opdracht else row.raadsopdracht_id
        return f"{nummer} – actie {code}"
    organisatie = after.organisaties.get(row.organisatie_id) or before.organisaties.get(
        row.organisatie_id
    )
    naam = organisatie.naam if organisatie else row.organisatie_id
    return f"{naam} – actie {code}"
