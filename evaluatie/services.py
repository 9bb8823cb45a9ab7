import datetime
import hashlib
import unicodedata

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from historie.records import (
    KEEP,
    create_with_history,
    delete_with_history,
    given,
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
    *,
    programma: Programma,
    titel: str,
    peildatum: datetime.date,
    basisdatum: datetime.date | None = KEEP,
    kenmerk: str = KEEP,
    samenvatting: str = KEEP,
    conclusies: str = KEEP,
    aanbevelingen: str = KEEP,
    open_vragen_in_definitief: bool = KEEP,
    user,
    reason: str,
) -> Tussenevaluatie:
    """A new evaluation, always a concept: it becomes final only through
    ``tussenevaluatie_finalise``."""
    return create_with_history(
        Tussenevaluatie,
        given(
            programma=programma,
            titel=titel,
            peildatum=peildatum,
            basisdatum=basisdatum,
            kenmerk=kenmerk,
            samenvatting=samenvatting,
            conclusies=conclusies,
            aanbevelingen=aanbevelingen,
            open_vragen_in_definitief=open_vragen_in_definitief,
        ),
        user=user,
        reason=reason,
    )


@history_writer
def tussenevaluatie_update(
    *,
    tussenevaluatie: Tussenevaluatie,
    titel: str = KEEP,
    peildatum: datetime.date = KEEP,
    basisdatum: datetime.date | None = KEEP,
    kenmerk: str = KEEP,
    samenvatting: str = KEEP,
    conclusies: str = KEEP,
    aanbevelingen: str = KEEP,
    open_vragen_in_definitief: bool = KEEP,
    user,
    reason: str,
) -> Tussenevaluatie:
    """Edit a concept evaluation; returns it as stored now."""
    locked = Tussenevaluatie.objects.select_for_update().get(pk=tussenevaluatie.pk)
    _ensure_concept(locked)
    update_with_history(
        locked,
        given(
            titel=titel,
            peildatum=peildatum,
            basisdatum=basisdatum,
            kenmerk=kenmerk,
            samenvatting=samenvatting,
            conclusies=conclusies,
            aanbevelingen=aanbevelingen,
            open_vragen_in_definitief=open_vragen_in_definitief,
        ),
        user=user,
        reason=reason,
    )
    return locked


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
                {"tussenevaluatie": locked, f"{soort}_id": pk, "tekst": tekst},
                user=user,
                reason=reason,
            )
            changed = True
        elif bevinding is not None and not tekst:
            delete_with_history(bevinding, user=user, reason=reason)
            changed = True
        elif bevinding is not None:
            changed |= update_with_history(
                bevinding, {"tekst": tekst}, user=user, reason=reason
            )
    return changed


class FinalisationRefused(ValidationError):
    """The evaluation is not ready to be made final; nothing was saved."""


def narrative_sections(evaluatie: Tussenevaluatie) -> list[tuple[str, bool]]:
    """The parts of the narrative a final evaluation must have, and which are
    written: the summary, the findings on every pillar, the conclusions and the
    recommendations.

    Findings per action line are optional: the report shows every line with
    its actions' state at the peildatum, so a line without text still says how
    it stands, whereas a pillar's chapter without findings is only a heading.
    """
    pillar_findings = {
        b.pijler_id: b.tekst for b in evaluatie.bevindingen.filter(pijler__isnull=False)
    }
    sections = [(_("de samenvatting"), _written(evaluatie.samenvatting))]
    sections += [
        (
            _("de bevindingen bij pijler %s") % pijler.naam,
            _written(pillar_findings.get(pijler.pk, "")),
        )
        for pijler in evaluatie.programma.pijlers.order_by("volgorde")
    ]
    sections += [
        (_("de conclusies"), _written(evaluatie.conclusies)),
        (_("de aanbevelingen"), _written(evaluatie.aanbevelingen)),
    ]
    return sections


def _written(text: str) -> bool:
    """Whether ``text`` shows anything: spaces and invisible characters (a
    zero-width space, a soft hyphen) do not make a section written."""
    return any(
        not char.isspace() and unicodedata.category(char) not in INVISIBLE
        for char in text
    )


# Format, control and combining characters: nothing a reader sees on its own.
INVISIBLE = frozenset({"Cf", "Cc", "Mn", "Me"})


def finalisation_problems(evaluatie: Tussenevaluatie) -> list[str]:
    """Why ``evaluatie`` cannot be made final now; empty when it can.

    Shown on the confirmation page before anyone confirms, and checked again by
    ``tussenevaluatie_finalise`` itself, so that every path (page, command)
    applies the same rules.
    """
    problems = []
    peildatum = date_format(evaluatie.peildatum, "j F Y")
    if evaluatie.peildatum > timezone.localdate():
        problems.append(
            _(
                "De peildatum (%(datum)s) ligt na vandaag. Een evaluatie wordt "
                "definitief gemaakt als de peildatum voorbij is; tot dan kunnen "
                "de cijfers nog veranderen."
            )
            % {"datum": peildatum}
        )
    other = (
        Tussenevaluatie.objects.filter(
            programma_id=evaluatie.programma_id,
            peildatum=evaluatie.peildatum,
            status=EvaluatieStatus.DEFINITIEF,
        )
        .exclude(pk=evaluatie.pk)
        .first()
    )
    if other is not None:
        problems.append(
            _(
                "Van dit programma is al een definitieve tussenevaluatie met "
                "peildatum %(datum)s: ‘%(titel)s’. Er is één definitieve evaluatie "
                "per programma en peildatum; kies een andere peildatum."
            )
            % {"datum": peildatum, "titel": other.titel}
        )
    missing = [label for label, written in narrative_sections(evaluatie) if not written]
    if missing:
        problems.append(
            _(
                "Nog niet geschreven: %s. Een definitieve evaluatie heeft een "
                "samenvatting, bevindingen bij elke pijler, conclusies en "
                "aanbevelingen."
            )
            % ", ".join(str(m) for m in missing)
        )
    return problems


@history_writer
def tussenevaluatie_finalise(
    *, tussenevaluatie: Tussenevaluatie, user
) -> Tussenevaluatie:
    """Make the evaluation final: render it once as PDF/A-3 and freeze it.

    The PDF carries the report's data as JSON and CSV attachments; the file and
    its SHA-256 are stored, and from then on neither the record nor the file
    changes (every download returns these bytes). Nothing is saved if
    rendering fails, or if ``finalisation_problems`` names anything.
    """
    from .report import build_report, report_pdf

    locked = Tussenevaluatie.objects.select_for_update().get(pk=tussenevaluatie.pk)
    _ensure_concept(locked)
    problems = finalisation_problems(locked)
    if problems:
        raise FinalisationRefused(problems, code="not_ready")
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
