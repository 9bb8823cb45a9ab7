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
