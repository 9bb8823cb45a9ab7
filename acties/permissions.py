"""Object-level rules on top of the model permissions of the roles."""

from . import remarks
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


def can_return_proposal(user, raadsopdracht: Raadsopdracht) -> bool:
    return (
        user.has_perm("acties.settle_raadsopdracht")
        and raadsopdracht.status == RaadsopdrachtStatus.AFDOENING_VOORGESTELD
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


# Review remarks (DESIGN.md, "Opmerking"): placed and answered by whoever may
# read the record (an action, a mandate, an evaluation: ``acties.remarks``);
# withdrawn and edited by their author only; a question is marked answered by
# the one who asked it.


def can_read_record(user, record) -> bool:
    return user.has_perm(remarks.read_permission(record))


def can_remark(user, record) -> bool:
    return user.has_perm("acties.add_opmerking") and can_read_record(user, record)


def can_reply(user, vraag) -> bool:
    return can_remark(user, vraag.record) and not vraag.ingetrokken


def can_change_remark(user, opmerking) -> bool:
    return (
        user.has_perm("acties.change_opmerking")
        and opmerking.auteur_id == user.pk
        and not opmerking.ingetrokken
        and can_read_record(user, opmerking.record)
    )


def can_mark_answered(user, vraag) -> bool:
    return can_change_remark(user, vraag) and vraag.is_open
