"""Object-level rules on top of the roles' model permissions."""

from .constants import EvaluatieStatus
from .models import Tussenevaluatie


def can_change(user, evaluatie: Tussenevaluatie) -> bool:
    return (
        user.has_perm("evaluatie.change_tussenevaluatie")
        and evaluatie.status == EvaluatieStatus.CONCEPT
    )


def can_finalise(user, evaluatie: Tussenevaluatie) -> bool:
    return (
        user.has_perm("evaluatie.finalise_tussenevaluatie")
        and evaluatie.status == EvaluatieStatus.CONCEPT
    )
