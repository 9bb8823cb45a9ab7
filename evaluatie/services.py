import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from pijlers.history import (
    create_with_history,
    delete_with_history,
    history_writer,
    save_with_history,
    update_with_history,
)
from pijlers.models import Programma

from .constants import EvaluatieStatus
from .models import Bevinding, Tussenevaluatie


def _ensure_concept(evaluatie: Tussenevaluatie) -> None:
    if evaluatie.status != EvaluatieStatus.CONCEPT:
        raise ValidationError(
            _("Deze tussenevaluatie is definitief en kan niet meer worden gewijzigd.")
        )


@history_writer
def tussenevaluatie_create(
    *, programma: Programma, user, reason: str, **values
) -> Tussenevaluatie:
    values.pop("status", None)
    return create_with_history(
        Tussenevaluatie, programma=programma, user=user, reason=reason, **values
    )


@history_writer
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


@history_writer
def bevindingen_save(
    *, tussenevaluatie: Tussenevaluatie, teksten: dict, user, reason: str
) -> bool:
    """Write the findings per pillar or action line; empty text removes one.

    ``teksten`` maps ``("pijler", id)`` or ``("actielijn", id)`` to text.
    """
    locked = Tussenevaluatie.objects.select_for_update().get(pk=tussenevaluatie.pk)
    _ensure_concept(locked)
    existing = {
        ("pijler", b.pijler_id) if b.pijler_id else ("actielijn", b.actielijn_id): b
        for b in Bevinding.objects.filter(tussenevaluatie=locked)
    }
    changed = False
    for key, tekst in teksten.items():
        tekst = (tekst or "").strip()
        bevinding = existing.get(key)
        if bevinding is None and tekst:
            soort, pk = key
            create_with_history(
                Bevinding,
                tussenevaluatie=locked,
                **{f"{soort}_id": pk},
                tekst=tekst,
                user=user,
                reason=reason,
            )
            changed = True
        elif bevinding is not None and not tekst:
            delete_with_history(bevinding, user=user, reason=reason)
            changed = True
        elif bevinding is not None:
            changed |= update_with_history(
                bevinding, user=user, reason=reason, tekst=tekst
            )
    return changed


@history_writer
def tussenevaluatie_finalise(
    *, tussenevaluatie: Tussenevaluatie, user
) -> Tussenevaluatie:
    """Make the evaluation final: render it once as PDF/A-3 and freeze it.

    The PDF carries the report's data as JSON and CSV attachments; the file and
    its SHA-256 are stored, and from then on neither the record nor the file
    changes (every download returns these bytes). Nothing is saved if
    rendering fails.
    """
    from .report import build_report, report_pdf

    locked = Tussenevaluatie.objects.select_for_update().get(pk=tussenevaluatie.pk)
    _ensure_concept(locked)
    now = timezone.now()
    locked.status = EvaluatieStatus.DEFINITIEF
    locked.definitief_op = now
    locked.definitief_door = user
    pdf = report_pdf(build_report(locked, user=user, at=now), final=True)
    digest = hashlib.sha256(pdf).hexdigest()
    name = f"{locked.programma.slug}-{locked.peildatum:%Y-%m-%d}-{digest[:12]}.pdf"
    locked.pdf.save(name, ContentFile(pdf), save=False)
    locked.pdf_sha256 = digest
    try:
        save_with_history(
            locked,
            user=user,
            reason=_("Definitief gemaakt; PDF SHA-256 %s") % digest,
        )
    except Exception:
        locked.pdf.delete(save=False)
        raise
    tussenevaluatie.__dict__.update(locked.__dict__)
    return locked


def stored_pdf(tussenevaluatie: Tussenevaluatie) -> bytes:
    """The final PDF's bytes, checked against the SHA-256 stored with it."""
    with tussenevaluatie.pdf.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != tussenevaluatie.pdf_sha256:
        raise ValidationError(
            _(
                "Het opgeslagen PDF-bestand komt niet overeen met de vastgelegde "
                "SHA-256. Neem contact op met de beheerder."
            ),
            code="integrity",
        )
    return content
