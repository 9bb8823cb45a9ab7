import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from acties.views import remark_context
from basis.views import (
    MergeServiceFormView,
    RoleRequiredMixin,
    ServiceFormView,
    breadcrumbs,
)
from beveiliging.security_log import security_event
from taken.services import start as start_job

from . import services
from .constants import EvaluatieStatus
from .forms import FinaliseForm, TussenevaluatieForm
from .jobs import EVALUATIE_PDF
from .models import Tussenevaluatie
from .pdf import PdfRenderError
from .permissions import can_change, can_finalise
from .report import build_report, report_html, report_pdf
from .selectors import ProgrammeNotAtPeildatum, tussenevaluatie_list

logger = logging.getLogger(__name__)


def _crumbs(*items):
    return breadcrumbs((_("Evaluaties"), reverse("evaluatie:list")), *items)


def evaluatie_crumbs(evaluatie: Tussenevaluatie) -> tuple:
    """The crumbs of an evaluation's page, for the pages below it."""
    return (
        (_("Evaluaties"), reverse("evaluatie:list")),
        (evaluatie.titel, evaluatie.get_absolute_url()),
    )


class EvaluatieMixin:
    @cached_property
    def evaluatie(self) -> Tussenevaluatie:
        return get_object_or_404(
            Tussenevaluatie.objects.select_related("programma", "definitief_door"),
            pk=self.kwargs["pk"],
        )


class ConceptOnlyMixin(EvaluatieMixin):
    """A final evaluation does not change: its write pages send people back."""

    def dispatch(self, request, *args, **kwargs):
        frozen = (
            request.user.is_authenticated
            and self.has_permission()
            and self.evaluatie.status == EvaluatieStatus.DEFINITIEF
        )
        if frozen:
            messages.warning(
                request, _("Deze tussenevaluatie is definitief en verandert niet meer.")
            )
            return redirect("evaluatie:detail", pk=self.evaluatie.pk)
        return super().dispatch(request, *args, **kwargs)


NIET_OP_PEILDATUM = _("Op de peildatum bestond het programma nog niet.")


class TussenevaluatieListView(RoleRequiredMixin, ListView):
    permission_required = "evaluatie.view_tussenevaluatie"
    template_name = "evaluatie/tussenevaluatie_list.html"
    paginate_by = 50

    def get_queryset(self):
        return tussenevaluatie_list()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            breadcrumbs=breadcrumbs((_("Evaluaties"), None)),
            **kwargs,
        )


class TussenevaluatieDetailView(RoleRequiredMixin, EvaluatieMixin, TemplateView):
    permission_required = "evaluatie.view_tussenevaluatie"
    template_name = "evaluatie/tussenevaluatie_detail.html"

    def get_context_data(self, **kwargs):
        evaluatie = self.evaluatie
        user = self.request.user
        return super().get_context_data(
            evaluatie=evaluatie,
            bevindingen=evaluatie.bevindingen.select_related("pijler", "actielijn"),
            can_change=can_change(user, evaluatie),
            can_finalise=can_finalise(user, evaluatie),
            breadcrumbs=_crumbs((evaluatie.titel, None)),
            **remark_context(user, evaluatie),
            **kwargs,
        )


class TussenevaluatieCreateView(ServiceFormView):
    permission_required = "evaluatie.add_tussenevaluatie"
    form_class = TussenevaluatieForm
    template_name = "evaluatie/tussenevaluatie_form.html"
    success_message = _("De tussenevaluatie is aangemaakt als concept.")

    def perform(self, form):
        return services.tussenevaluatie_create(
            programma=form.cleaned_data["programma"],
            user=self.request.user,
            reason=_("Tussenevaluatie aangemaakt"),
            **form.record_values(),
        )

    def get_success_url(self, result=None):
        return reverse("evaluatie:detail", args=[result.pk])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Nieuwe tussenevaluatie"),
            breadcrumbs=_crumbs((_("Nieuwe tussenevaluatie"), None)),
            **kwargs,
        )


class TussenevaluatieUpdateView(ConceptOnlyMixin, MergeServiceFormView):
    permission_required = "evaluatie.change_tussenevaluatie"
    form_class = TussenevaluatieForm
    template_name = "evaluatie/tussenevaluatie_form.html"
    success_message = _("De tussenevaluatie is opgeslagen.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.evaluatie}

    def get_object(self):
        return self.evaluatie

    def perform(self, form, *, current, fields):
        reason = form.reason(_("Tussenevaluatie bewerkt"))
        saved = services.tussenevaluatie_update(
            tussenevaluatie=current,
            user=self.request.user,
            reason=reason,
            **form.record_values(fields),
        )
        services.bevindingen_save(
            tussenevaluatie=saved,
            teksten=form.bevindingen(fields),
            user=self.request.user,
            reason=reason,
        )
        return saved

    def get_success_url(self, result=None):
        return reverse("evaluatie:detail", args=[self.evaluatie.pk])

    def get_context_data(self, **kwargs):
        evaluatie = self.evaluatie
        return super().get_context_data(
            title=_("%s bewerken") % evaluatie.titel,
            cancel_url=reverse("evaluatie:detail", args=[evaluatie.pk]),
            breadcrumbs=_crumbs(
                (evaluatie.titel, reverse("evaluatie:detail", args=[evaluatie.pk])),
                (_("Bewerken"), None),
            ),
            **kwargs,
        )


class TussenevaluatiePreviewView(RoleRequiredMixin, EvaluatieMixin, View):
    """The report as a web page, built the same way as the PDF."""

    permission_required = "evaluatie.view_tussenevaluatie"

    def get(self, request, *args, **kwargs):
        evaluatie = self.evaluatie
        try:
            report = build_report(evaluatie, user=request.user)
        except ProgrammeNotAtPeildatum:
            messages.error(
                request, _("Op de peildatum bestond het programma nog niet.")
            )
            return redirect("evaluatie:detail", pk=evaluatie.pk)
        html = report_html(
            report,
            for_pdf=False,
            preview_links={
                "back": reverse("evaluatie:detail", args=[evaluatie.pk]),
                "pdf": reverse("evaluatie:pdf", args=[evaluatie.pk]),
            },
        )
        return HttpResponse(html)


class TussenevaluatiePdfView(RoleRequiredMixin, EvaluatieMixin, View):
    """A concept is rendered now; a final one is always the stored file."""

    permission_required = "evaluatie.view_tussenevaluatie"

    def get(self, request, *args, **kwargs):
        evaluatie = self.evaluatie
        try:
            if evaluatie.status == EvaluatieStatus.DEFINITIEF:
                content = services.stored_pdf(evaluatie)
                name = f"{evaluatie.programma.slug}-{evaluatie.peildatum}.pdf"
            else:
                content = report_pdf(
                    build_report(evaluatie, user=request.user), final=False
                )
                name = f"{evaluatie.programma.slug}-{evaluatie.peildatum}-concept.pdf"
        except (PdfRenderError, ValidationError) as exc:
            logger.warning("Evaluation PDF %s failed: %s", evaluatie.pk, exc)
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect("evaluatie:detail", pk=evaluatie.pk)
        except ProgrammeNotAtPeildatum:
            messages.error(
                request, _("Op de peildatum bestond het programma nog niet.")
            )
            return redirect("evaluatie:detail", pk=evaluatie.pk)
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class TussenevaluatiePdfJobView(RoleRequiredMixin, EvaluatieMixin, View):
    """ "Maak PDF": the concept is rendered by a job; the page follows it.

    A final evaluation needs no job: its PDF/A was made when it was frozen.
    """

    permission_required = "evaluatie.view_tussenevaluatie"

    def post(self, request, *args, **kwargs):
        evaluatie = self.evaluatie
        if evaluatie.status == EvaluatieStatus.DEFINITIEF:
            return redirect("evaluatie:pdf", pk=evaluatie.pk)
        taak = start_job(
            soort=EVALUATIE_PDF,
            titel=_("PDF van %(titel)s (concept, peildatum %(datum)s)")
            % {"titel": evaluatie.titel, "datum": evaluatie.peildatum},
            user=request.user,
            parameters={"evaluatie": evaluatie.pk},
        )
        return redirect(taak.get_absolute_url())


class TussenevaluatieFinaliseView(ConceptOnlyMixin, ServiceFormView):
    permission_required = "evaluatie.finalise_tussenevaluatie"
    form_class = FinaliseForm
    template_name = "evaluatie/tussenevaluatie_finalise.html"
    success_message = _(
        "De tussenevaluatie is definitief. De PDF/A is opgeslagen en verandert "
        "niet meer."
    )

    def perform(self, form):
        target = f"tussenevaluatie={self.evaluatie.pk}"
        try:
            result = services.tussenevaluatie_finalise(
                tussenevaluatie=self.evaluatie, user=self.request.user
            )
        except (PdfRenderError, ProgrammeNotAtPeildatum, ValidationError) as exc:
            security_event(
                self.request, "evaluation_finalise", obj=target, result="failed"
            )
            if isinstance(exc, PdfRenderError):
                raise ValidationError(str(exc)) from exc
            if isinstance(exc, ProgrammeNotAtPeildatum):
                raise ValidationError(NIET_OP_PEILDATUM) from exc
            raise
        # Logged once the finalisation is committed: a request retried after a
        # deadlock must not log a SHA-256 that was never kept.
        transaction.on_commit(
            lambda: security_event(
                self.request,
                "evaluation_finalise",
                obj=f"{target} sha256={result.pdf_sha256}",
            )
        )
        return result

    def get_success_url(self, result=None):
        return reverse("evaluatie:detail", args=[self.evaluatie.pk])

    def get_context_data(self, **kwargs):
        """What will be frozen, and what still stands in the way."""
        evaluatie = self.evaluatie
        problems = services.finalisation_problems(evaluatie)
        try:
            report = build_report(evaluatie, user=self.request.user)
        except ProgrammeNotAtPeildatum:
            report = None
            problems.append(NIET_OP_PEILDATUM)
        return super().get_context_data(
            evaluatie=evaluatie,
            problems=problems,
            acties=report.acties_totaal if report else None,
            raadsopdrachten=len(report.state.raadsopdrachten) if report else None,
            sections=services.narrative_sections(evaluatie),
            actielijn_bevindingen=evaluatie.bevindingen.filter(
                actielijn__isnull=False
            ).count(),
            breadcrumbs=_crumbs(
                (evaluatie.titel, reverse("evaluatie:detail", args=[evaluatie.pk])),
                (_("Definitief maken"), None),
            ),
            **kwargs,
        )
