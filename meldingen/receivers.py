"""The register's events (acties.signals) as notices.

A notice must never make the change fail: each is made in a savepoint of its
own, and whatever goes wrong there is logged and left behind.
"""

import logging
from functools import wraps

from django.db import transaction

from acties import signals

from . import services

logger = logging.getLogger(__name__)


def never_breaks(receiver):
    @wraps(receiver)
    def guarded(sender, **kwargs):
        try:
            with transaction.atomic():
                receiver(sender, **kwargs)
        except Exception:
            logger.exception("Notice %s failed; the change stands", receiver.__name__)

    return guarded


@never_breaks
def on_remark(sender, *, opmerking, user, **kwargs):
    services.notify_remark(opmerking, user)


@never_breaks
def on_proposal(sender, *, raadsopdracht, user, **kwargs):
    services.notify_proposal(raadsopdracht, user)


@never_breaks
def on_decision(sender, *, raadsopdracht, user, besluit, voorsteller, **kwargs):
    services.notify_decision(raadsopdracht, user, besluit, voorsteller)


def connect() -> None:
    signals.opmerking_geplaatst.connect(on_remark, dispatch_uid="meldingen.remark")
    signals.afdoening_voorgesteld.connect(
        on_proposal, dispatch_uid="meldingen.proposal"
    )
    signals.afdoening_besloten.connect(on_decision, dispatch_uid="meldingen.decision")
