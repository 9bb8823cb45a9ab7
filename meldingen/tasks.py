"""The e-mail jobs: one message with retries, the digests, the resend sweep."""

import logging
import smtplib

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)

# A message that the mail server refuses or cannot be reached for is tried
# again after 1, 2, 4, 8 minutes; then it is marked undelivered.
RETRY_BASE_SECONDS = 60


@shared_task(
    bind=True, name="meldingen.verstuur", max_retries=services.MAX_POGINGEN - 1
)
def verstuur(self, bericht_id: int) -> None:
    try:
        services.deliver(bericht_id)
    except (smtplib.SMTPException, OSError) as exc:
        # In the process (no broker) there is no waiting: the message is marked
        # undelivered at once, and the person who made the change is not held up.
        final = self.request.is_eager or self.request.retries >= self.max_retries
        services.record_failure(bericht_id, exc, final=final)
        logger.warning("Message %s not delivered (%s)", bericht_id, exc)
        if not final:
            raise self.retry(
                exc=exc, countdown=RETRY_BASE_SECONDS * 2**self.request.retries
            ) from exc


@shared_task(name="meldingen.weekoverzichten")
def weekoverzichten() -> int:
    return len(services.weekly_digests())


@shared_task(name="meldingen.vergaderoverzichten")
def vergaderoverzichten() -> int:
    return len(services.meeting_digests())


@shared_task(name="meldingen.opnieuw_versturen")
def opnieuw_versturen() -> int:
    return services.resend_waiting()
