"""Writes of the programme's structure, each with its history row.

Every service names the fields it may change: an argument left at ``KEEP``
leaves the field as it is (on create: the model's default). Each returns the
saved record.
"""

import datetime
from collections.abc import Iterable

from historie.records import (
    KEEP,
    create_with_history,
    given,
    history_writer,
    sync_links,
    update_with_history,
)

from .models import Actielijn, ActielijnPijler, Pijler, Programma


@history_writer
def programma_create(
    *,
    titel: str,
    slug: str,
    periode_start: datetime.date,
    periode_eind: datetime.date,
    doelstelling: str,
    gemeente: str = KEEP,
    voorgesteld_op: datetime.date | None = KEEP,
    vastgesteld_op: datetime.date | None = KEEP,
    ris_nummer: str = KEEP,
    kenmerk: str = KEEP,
    omschrijving: str = KEEP,
    verantwoording: str = KEEP,
    portefeuillehouder: str = KEEP,
    contact: str = KEEP,
    openbaar: bool = KEEP,
    user,
    reason: str,
) -> Programma:
    return create_with_history(
        Programma,
        given(
            titel=titel,
            slug=slug,
            gemeente=gemeente,
            periode_start=periode_start,
            periode_eind=periode_eind,
            voorgesteld_op=voorgesteld_op,
            vastgesteld_op=vastgesteld_op,
            ris_nummer=ris_nummer,
            kenmerk=kenmerk,
            doelstelling=doelstelling,
            omschrijving=omschrijving,
            verantwoording=verantwoording,
            portefeuillehouder=portefeuillehouder,
            contact=contact,
            openbaar=openbaar,
        ),
        user=user,
        reason=reason,
    )


@history_writer
def programma_update(
    *,
    programma: Programma,
    titel: str = KEEP,
    slug: str = KEEP,
    gemeente: str = KEEP,
    periode_start: datetime.date = KEEP,
    periode_eind: datetime.date = KEEP,
    voorgesteld_op: datetime.date | None = KEEP,
    vastgesteld_op: datetime.date | None = KEEP,
    ris_nummer: str = KEEP,
    kenmerk: str = KEEP,
    doelstelling: str = KEEP,
    omschrijving: str = KEEP,
    verantwoording: str = KEEP,
    portefeuillehouder: str = KEEP,
    contact: str = KEEP,
    user,
    reason: str,
) -> Programma:
    """Edit the programme's data; its public page is ``programma_set_public``'s."""
    update_with_history(
        programma,
        given(
            titel=titel,
            slug=slug,
            gemeente=gemeente,
            periode_start=periode_start,
            periode_eind=periode_eind,
            voorgesteld_op=voorgesteld_op,
            vastgesteld_op=vastgesteld_op,
            ris_nummer=ris_nummer,
            kenmerk=kenmerk,
            doelstelling=doelstelling,
            omschrijving=omschrijving,
            verantwoording=verantwoording,
            portefeuillehouder=portefeuillehouder,
            contact=contact,
        ),
        user=user,
        reason=reason,
    )
    return programma


@history_writer
def programma_set_public(
    *, programma: Programma, openbaar: bool, user, reason: str
) -> Programma:
    """Switch the programme's public page (and public open data) on or off."""
    update_with_history(programma, {"openbaar": openbaar}, user=user, reason=reason)
    return programma


@history_writer
def pijler_create(
    *,
    programma: Programma,
    volgorde: int,
    naam: str,
    omschrijving: str = KEEP,
    user,
    reason: str,
) -> Pijler:
    return create_with_history(
        Pijler,
        given(
            programma=programma,
            volgorde=volgorde,
            naam=naam,
            omschrijving=omschrijving,
        ),
        user=user,
        reason=reason,
    )


@history_writer
def pijler_update(
    *,
    pijler: Pijler,
    volgorde: int = KEEP,
    naam: str = KEEP,
    omschrijving: str = KEEP,
    user,
    reason: str,
) -> Pijler:
    update_with_history(
        pijler,
        given(volgorde=volgorde, naam=naam, omschrijving=omschrijving),
        user=user,
        reason=reason,
    )
    return pijler


@history_writer
def actielijn_create(
    *,
    programma: Programma,
    nummer: int,
    naam: str,
    omschrijving: str = KEEP,
    pijlers: Iterable[Pijler] = (),
    user,
    reason: str,
) -> Actielijn:
    actielijn = create_with_history(
        Actielijn,
        given(
            programma=programma,
            nummer=nummer,
            naam=naam,
            omschrijving=omschrijving,
        ),
        user=user,
        reason=reason,
    )
    _sync_pijlers(actielijn, pijlers, user=user, reason=reason)
    return actielijn


@history_writer
def actielijn_update(
    *,
    actielijn: Actielijn,
    nummer: int = KEEP,
    naam: str = KEEP,
    omschrijving: str = KEEP,
    pijlers: Iterable[Pijler] | None = None,
    user,
    reason: str,
) -> Actielijn:
    update_with_history(
        actielijn,
        given(nummer=nummer, naam=naam, omschrijving=omschrijving),
        user=user,
        reason=reason,
    )
    if pijlers is not None:
        _sync_pijlers(actielijn, pijlers, user=user, reason=reason)
    return actielijn


def _sync_pijlers(actielijn: Actielijn, pijlers: Iterable[Pijler], *, user, reason):
    return sync_links(
        owner=actielijn,
        link_model=ActielijnPijler,
        owner_field="actielijn",
        target_field="pijler",
        targets=pijlers,
        user=user,
        reason=reason,
    )
