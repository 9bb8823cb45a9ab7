from collections.abc import Iterable

from historie.records import (
    create_with_history,
    history_writer,
    sync_links,
    update_with_history,
)

from .models import Actielijn, ActielijnPijler, Pijler, Programma


@history_writer
def programma_create(*, user, reason: str, **values) -> Programma:
    return create_with_history(Programma, user=user, reason=reason, **values)


@history_writer
def programma_update(*, programma: Programma, user, reason: str, **values) -> bool:
    return update_with_history(programma, user=user, reason=reason, **values)


@history_writer
def programma_set_public(
    *, programma: Programma, openbaar: bool, user, reason: str
) -> bool:
    """Switch the programme's public page (and public open data) on or off."""
    return update_with_history(programma, user=user, reason=reason, openbaar=openbaar)


@history_writer
def pijler_create(*, programma: Programma, user, reason: str, **values) -> Pijler:
    return create_with_history(
        Pijler, programma=programma, user=user, reason=reason, **values
    )


@history_writer
def pijler_update(*, pijler: Pijler, user, reason: str, **values) -> bool:
    return update_with_history(pijler, user=user, reason=reason, **values)


@history_writer
def actielijn_create(
    *,
    programma: Programma,
    pijlers: Iterable[Pijler] = (),
    user,
    reason: str,
    **values,
) -> Actielijn:
    actielijn = create_with_history(
        Actielijn, programma=programma, user=user, reason=reason, **values
    )
    _sync_pijlers(actielijn, pijlers, user=user, reason=reason)
    return actielijn


@history_writer
def actielijn_update(
    *,
    actielijn: Actielijn,
    pijlers: Iterable[Pijler] | None = None,
    user,
    reason: str,
    **values,
) -> bool:
    changed = update_with_history(actielijn, user=user, reason=reason, **values)
    if pijlers is not None:
        changed |= _sync_pijlers(actielijn, pijlers, user=user, reason=reason)
    return changed


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
