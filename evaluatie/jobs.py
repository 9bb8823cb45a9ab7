"""The evaluation's jobs: rendering a concept PDF off the web request."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from taken.services import Uitkomst, register

from .constants import EvaluatieStatus
from .models import Tussenevaluatie
from .selectors import ProgrammeNotAtPeildatum

EVALUATIE_PDF = "evaluatie_pdf"


def pdf_name(evaluatie: Tussenevaluatie) -> str:
    return f"{evaluatie.programma.slug}-{evaluatie.peildatum}-concept.pdf"


@register(EVALUATIE_PDF)
def render_concept_pdf(taak, voortgang) -> Uitkomst:
    """The concept PDF as the person would have downloaded it at this moment.

    The final copy is not made here: rendering and freezing it stay one
    atomic step (``services.tussenevaluatie_finalise``), and its stored file
    is served as it is.
    """
    from .report import build_report, report_pdf

    user = taak.gebruiker
    if not user.has_perm("evaluatie.view_tussenevaluatie"):
        raise PermissionDenied
    evaluatie = Tussenevaluatie.objects.select_related("programma").get(
        pk=taak.parameters["evaluatie"]
    )
    if evaluatie.status == EvaluatieStatus.DEFINITIEF:
        return Uitkomst(
            melding=_("De evaluatie is inmiddels definitief; download de PDF/A."),
            vervolg_url=reverse("evaluatie:detail", args=[evaluatie.pk]),
        )
    voortgang(10, _("De stand op de peildatum wordt verzameld"))
    try:
        report = build_report(evaluatie, user=user)
    except ProgrammeNotAtPeildatum as exc:
        from django.core.exceptions import ValidationError

        raise ValidationError(
            _("Op de peildatum bestond het programma nog niet.")
        ) from exc
    voortgang(35, _("De PDF wordt opgemaakt (dit duurt het langst)"))
    content = report_pdf(report, final=False)
    voortgang(95, _("Het bestand wordt opgeslagen"))
    return Uitkomst(
        melding=_("De concept-PDF staat klaar."),
        vervolg_url=reverse("evaluatie:detail", args=[evaluatie.pk]),
        inhoud=content,
        bestandsnaam=pdf_name(evaluatie),
    )
