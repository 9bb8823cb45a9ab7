"""Starting and running jobs.

An app registers what a kind of job does (``register``) from its ``ready()``;
``start`` records the job and hands it to the queue once the transaction that
asked for it has committed; ``run`` (in a worker, or in the process when no
broker is configured) does it and records the outcome for the person.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import TAAK_AFGELOPEN, Taak, TaakStatus

logger = logging.getLogger(__name__)

NIET_GESTART = _(
    "De taak kon niet aan de wachtrij worden gegeven (de wachtrij is niet "
    "bereikbaar). Er is niets gewijzigd; probeer het over enkele minuten opnieuw."
)
ONVERWACHTE_FOUT = _(
    "De taak is mislukt door een fout in de toepassing. Er is niets gewijzigd. "
    "De fout staat in het logboek; meld het aan de beheerder met het nummer "
    "van deze taak (%(nummer)s)."
)
GEEN_RECHT = _("U heeft geen recht (meer) om deze taak uit te voeren.")


@dataclass
class Uitkomst:
    """What a finished job leaves: a message, where to go on, maybe a file."""

    melding: str = ""
    vervolg_url: str = ""
    inhoud: bytes | None = None
    bestandsnaam: str = ""
    # Data for the page that follows (not offered as a file).
    resultaat: dict | None = None


Voortgang = Callable[[int, str], None]
Handler = Callable[[Taak, Voortgang], Uitkomst]

_HANDLERS: dict[str, Handler] = {}


def register(soort: str) -> Callable[[Handler], Handler]:
    """Declare the function that does jobs of ``soort``."""

    def decorator(handler: Handler) -> Handler:
        _HANDLERS[soort] = handler
        return handler

    return decorator


def start(*, soort: str, titel: str, user, parameters: dict | None = None) -> Taak:
    """Record a job for ``user`` and queue it when the transaction commits."""
    if soort not in _HANDLERS:
        raise ValueError(f"No handler for jobs of kind {soort!r}")
    taak = Taak.objects.create(
        soort=soort,
        titel=titel[:250],
        gebruiker=user,
        parameters=parameters or {},
        stap=str(_("Wacht op een verwerker")),
    )
    transaction.on_commit(lambda: enqueue(taak.pk))
    return taak


def enqueue(taak_id: int) -> None:
    """Hand the job to the queue; if the queue cannot take it, say so on the job."""
    from .tasks import voer_uit

    try:
        voer_uit.apply_async((taak_id,))
    except Exception:  # kombu raises several kinds when the broker is down
        logger.exception("Job %s could not be queued", taak_id)
        _finish(taak_id, status=TaakStatus.MISLUKT, melding=str(NIET_GESTART))


def _finish(taak_id: int, *, status: str, melding: str, **fields) -> None:
    """Record the outcome once. The parameters go: an import's are the whole
    file, which has no use once it is written or refused."""
    Taak.objects.filter(pk=taak_id).exclude(status__in=TAAK_AFGELOPEN).update(
        status=status,
        melding=melding[:2000],
        klaar_op=timezone.now(),
        parameters={},
        **fields,
    )


def run(taak_id: int) -> None:
    """Do the job once: a job already taken by another worker is left alone."""
    claimed = Taak.objects.filter(pk=taak_id, status=TaakStatus.WACHTEND).update(
        status=TaakStatus.BEZIG,
        gestart_op=timezone.now(),
        stap=str(_("Gestart")),
        voortgang=1,
    )
    if not claimed:
        return
    taak = Taak.objects.select_related("gebruiker").get(pk=taak_id)

    def voortgang(procent: int, stap: str) -> None:
        Taak.objects.filter(pk=taak_id).update(
            voortgang=max(1, min(99, procent)), stap=stap[:200]
        )

    try:
        if not taak.gebruiker.is_active:
            raise PermissionDenied
        uitkomst = _HANDLERS[taak.soort](taak, voortgang)
    except PermissionDenied:
        _finish(taak_id, status=TaakStatus.MISLUKT, melding=str(GEEN_RECHT))
        return
    except ValidationError as exc:
        _finish(taak_id, status=TaakStatus.MISLUKT, melding=" ".join(exc.messages))
        return
    except Exception:
        logger.exception("Job %s (%s) failed", taak_id, taak.soort)
        _finish(
            taak_id,
            status=TaakStatus.MISLUKT,
            melding=str(ONVERWACHTE_FOUT) % {"nummer": taak_id},
        )
        return
    fields = {"resultaat": uitkomst.resultaat} if uitkomst.resultaat else {}
    if uitkomst.inhoud is not None:
        taak.bestand.save(
            f"{taak_id}-{uitkomst.bestandsnaam}", ContentFile(uitkomst.inhoud), False
        )
        fields.update(bestand=taak.bestand.name, bestandsnaam=uitkomst.bestandsnaam)
    _finish(
        taak_id,
        status=TaakStatus.KLAAR,
        melding=uitkomst.melding,
        vervolg_url=uitkomst.vervolg_url,
        voortgang=100,
        stap=str(_("Klaar")),
        **fields,
    )


def clean_up() -> int:
    """Remove the files and results of jobs older than JOB_FILE_DAYS; the rows
    stay. Returns how many files were removed."""
    grens = timezone.now() - timezone.timedelta(days=settings.JOB_FILE_DAYS)
    Taak.objects.filter(klaar_op__lt=grens).exclude(resultaat={}).update(resultaat={})
    removed = 0
    for taak in Taak.objects.filter(klaar_op__lt=grens).exclude(bestand=""):
        taak.bestand.delete(save=False)
        Taak.objects.filter(pk=taak.pk).update(bestand="")
        removed += 1
    return removed


def queue_health() -> dict:
    """The queue as /health/ reports it: broker reachable, jobs waiting, failed."""
    since = timezone.now() - timezone.timedelta(hours=24)
    report = {
        "wachtend": Taak.objects.filter(status=TaakStatus.WACHTEND).count(),
        "mislukt_24u": Taak.objects.filter(
            status=TaakStatus.MISLUKT, klaar_op__gte=since
        ).count(),
    }
    if settings.JOBS_IN_PROCESS:
        return {"broker": "in-process", **report}
    import redis

    try:
        client = redis.Redis.from_url(
            settings.JOB_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
        )
        report["in_wachtrij"] = client.llen("celery")
    except redis.RedisError:
        logger.warning("Health check: job queue broker unreachable")
        return {"broker": "unreachable", **report}
    return {"broker": "ok", **report}
