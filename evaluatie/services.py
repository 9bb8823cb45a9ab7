from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pijlers.history import create_with_history, update_with_history
from pijlers.models import Programma

from .constants import EvaluatieStatus
from .models import Tussenevaluatie


def _ensure_concept(evaluatie: Tussenevaluatie) -> None:
    if evaluatie.status != EvaluatieStatus.CONCEPT:
        raise ValidationError(
            _("Deze tussenevaluatie is definitief en kan niet meer worden gewijzigd.")
        )


@transaction.atomic
def tussenevaluatie_create(
    *, programma: Programma, user, reason: str, **values
) -> Tussenevaluatie:
    values.pop("status", None)
    return create_with_history(
        Tussenevaluatie, programma=programma, user=user, reason=reason, **values
    )


@transaction.atomic
def tussenevaluatie_update(
    *, tussenevaluatie: Tussenevaluatie, user, reason: str, **values
) -> bool:
    locked = Tussenevaluatie.objects.select_for_update().get(pk=tussenevaluatie.pk)
    _ensure_concept(locked)
    if "status" in values:
        raise ValidationError(
            {"status": _("Een evaluatie wordt definitief via 'Definitief maken'.")}
        )
    return update_with_history(tussenevaluatie, user=user, reason=reason, **values)
