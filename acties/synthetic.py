"""Synthetic programmes for benchmarks: realistic shape, written in bulk.

Pillars, action lines and their links, actions with owners and dates, mandates
linked to actions, and rounds of progress: status and progress changes,
progress updates, and measurements of an indicator on every fifth action.

Everything is written with django-simple-history's bulk helpers, so every row
has its history row (system user, a reason that says the data is synthetic,
and a date spread over the programme period), as the point-in-time views
need. A million history rows take minutes, not hours.
"""

import datetime
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from historie.records import system_user
from pijlers.models import Actielijn, ActielijnPijler, Pijler, Programma

from .constants import ACTIE_STATUS_KLAAR, ActieStatus, RaadsopdrachtSoort
from .models import (
    Actie,
    Indicator,
    Meting,
    Organisatie,
    Raadsopdracht,
    RaadsopdrachtActie,
    Voortgangsupdate,
)

REASON = "Synthetische gegevens (generate_data)"
PIJLERS = ["Voorkómen", "Bestrijden", "Slachtoffers beschermen", "Samenwerken"]
LIJNEN = [
    ("Kennis en inzicht", [0, 1, 3]),
    ("Preventie", [0]),
    ("Signalering en melden", [1, 2, 3]),
    ("Barrières", [0, 1]),
    ("Hulp en ondersteuning", [2, 3]),
]
BATCH = 2000


@dataclass
class Generated:
    programmas: int = 0
    acties: int = 0
    voortgangsupdates: int = 0
    raadsopdrachten: int = 0


def _moment(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(10), tzinfo=ZoneInfo(settings.TIME_ZONE)
    )


def generate(
    *, programmes: int, actions_per_programme: int, updates_per_action: int, seed=1
) -> Generated:
    """Add ``programmes`` synthetic programmes (existing ones are left alone)."""
    rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)
    user = system_user()
    result = Generated()
    organisaties = _organisaties(user)
    existing = set(
        Programma.objects.filter(slug__startswith="synthetisch-").values_list(
            "slug", flat=True
        )
    )
    for index in range(1, programmes + 1):
        slug = f"synthetisch-{index:04d}"
        if slug in existing:
            continue
        with transaction.atomic():
            _programma(
                slug=slug,
                index=index,
                rng=rng,
                user=user,
                organisaties=organisaties,
                actions=actions_per_programme,
                updates=updates_per_action,
                result=result,
            )
    return result


def _organisaties(user) -> list[Organisatie]:
    names = [f"Synthetische partner {i:02d}" for i in range(1, 41)]
    have = {o.naam: o for o in Organisatie.objects.filter(naam__in=names)}
    new = [Organisatie(naam=n, soort="overig") for n in names if n not in have]
    if new:
        bulk_create_with_history(
            new, Organisatie, default_user=user, default_change_reason=REASON
        )
    return list(Organisatie.objects.filter(naam__in=names).order_by("naam"))


def _programma(
    *, slug, index, rng, user, organisaties, actions, updates, result
) -> None:
    start = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randint(0, 365))
    end = start + datetime.timedelta(days=4 * 365)
    adopted = _moment(start)
    common = {
        "default_user": user,
        "default_change_reason": REASON,
        "default_date": adopted,
    }
    (programma,) = bulk_create_with_history(
        [
            Programma(
                titel=f"Synthetisch programma {index}",
                slug=slug,
                gemeente=f"Gemeente {index}",
                periode_start=start,
                periode_eind=end,
                vastgesteld_op=start,
                doelstelling="Synthetische doelstelling voor metingen.",
            )
        ],
        Programma,
        **common,
    )
    pijlers = bulk_create_with_history(
        [
            Pijler(programma=programma, volgorde=i + 1, naam=naam)
            for i, naam in enumerate(PIJLERS)
        ],
        Pijler,
        **common,
    )
    lijnen = bulk_create_with_history(
        [
            Actielijn(programma=programma, nummer=i + 1, naam=naam)
            for i, (naam, _pijlers) in enumerate(LIJNEN)
        ],
        Actielijn,
        **common,
    )
    bulk_create_with_history(
        [
            ActielijnPijler(actielijn=lijn, pijler=pijlers[p])
            for lijn, (_naam, ps) in zip(lijnen, LIJNEN, strict=True)
            for p in ps
        ],
        ActielijnPijler,
        **common,
    )
    acties = []
    for n in range(actions):
        lijn = lijnen[n % len(lijnen)]
        begin = start + datetime.timedelta(days=rng.randint(0, 700))
        acties.append(
            Actie(
                programma=programma,
                actielijn=lijn,
                code=f"{lijn.nummer}.{n // len(lijnen) + 1}",
                titel=f"Synthetische actie {n + 1} van programma {index}",
                omschrijving="Gegenereerd voor prestatiemetingen.",
                trekker=rng.choice(organisaties),
                gepland_start=begin,
                gepland_eind=begin + datetime.timedelta(days=rng.randint(90, 900)),
                seksuele_uitbuiting=rng.random() < 0.5,
                arbeidsuitbuiting=rng.random() < 0.4,
                criminele_uitbuiting=rng.random() < 0.3,
                doelgroep_minderjarig=rng.random() < 0.5,
                doelgroep_meerderjarig=rng.random() < 0.7,
            )
        )
    acties = bulk_create_with_history(acties, Actie, batch_size=BATCH, **common)
    opdrachten = bulk_create_with_history(
        [
            Raadsopdracht(
                soort=rng.choice(RaadsopdrachtSoort.values),
                nummer=f"S{index}.{m}",
                titel=f"Synthetische raadsopdracht {m} bij programma {index}",
                ris_nummer=f"RIS-S{index}",
                datum_aangenomen=start,
                programma=programma,
                deadline=end,
            )
            for m in range(1, 6)
        ],
        Raadsopdracht,
        **common,
    )
    links = {
        (opdracht.pk, actie.pk): RaadsopdrachtActie(
            raadsopdracht=opdracht, actie=actie, toelichting="Synthetische koppeling"
        )
        for opdracht in opdrachten
        for actie in rng.sample(acties, min(3, len(acties)))
    }
    bulk_create_with_history(list(links.values()), RaadsopdrachtActie, **common)
    indicatoren = bulk_create_with_history(
        [
            Indicator(
                actie=actie,
                naam="Bereikte professionals",
                eenheid="personen",
                nulwaarde=0,
                nulwaarde_datum=start,
                streefwaarde=rng.choice([50, 100, 250]),
                streefdatum=actie.gepland_eind,
            )
            for actie in acties[::5]
        ],
        Indicator,
        batch_size=BATCH,
        **common,
    )

    for k in range(1, updates + 1):
        day = start + datetime.timedelta(days=k * (end - start).days // (updates + 2))
        when = {**common, "default_date": _moment(day)}
        changed = [a for a in acties if a.status not in ACTIE_STATUS_KLAAR]
        for actie in changed:
            actie.voortgang = min(100, actie.voortgang + rng.randint(5, 30))
            actie.status = (
                ActieStatus.AFGEROND
                if actie.voortgang == 100
                else rng.choice([ActieStatus.LOPEND] * 4 + [ActieStatus.VERTRAAGD])
            )
            actie.versie += 1
        bulk_update_with_history(
            changed,
            Actie,
            ["status", "voortgang", "versie"],
            batch_size=BATCH,
            **when,
        )
        bulk_create_with_history(
            [
                Voortgangsupdate(
                    actie=actie,
                    datum=day,
                    tekst=f"Synthetische voortgang {k}: {actie.voortgang}%.",
                    auteur=user,
                )
                for actie in changed
            ],
            Voortgangsupdate,
            batch_size=BATCH,
            **when,
        )
        bulk_create_with_history(
            [
                Meting(indicator=i, datum=day, waarde=rng.randint(0, 30) * k)
                for i in indicatoren
            ],
            Meting,
            batch_size=BATCH,
            **when,
        )
        result.voortgangsupdates += len(changed)
    result.programmas += 1
    result.acties += len(acties)
    result.raadsopdrachten += len(opdrachten)
