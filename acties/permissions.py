"""Object-level rules on top of the model permissions of the roles."""

from .constants import RaadsopdrachtStatus
from .models import Raadsopdracht


def can_propose_settlement(user, raadsopdracht: Raadsopdracht) -> bool:
    return (
        user.has_perm("acties.propose_settlement_raadsopdracht")
        and raadsopdracht.status != RaadsopdrachtStatus.AFGEDAAN
    )


def can_settle(user, raadsopdracht: Raadsopdracht) -> bool:
    return (
        user.has_perm("acties.settle_raadsopdracht")
        and raadsopdracht.status != RaadsopdrachtStatus.AFGEDAAN
    )


def can_attach(user, record) -> bool:
    """Attach documents to ``record``, withdraw them and set them public:
    officers to actions, the griffie to mandates (DESIGN.md), each only where
    they may change the record itself."""
    if isinstance(record, Raadsopdracht):
        needed = "acties.change_raadsopdracht"
    else:
        needed = "acties.change_actie"
    return user.has_perm("acties.add_document") and user.has_perm(needed)


def can_change_document(user, document) -> bool:
    return user.has_perm("acties.change_document") and can_attach(user, document.record)
