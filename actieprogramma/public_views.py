"""The optional public page of a programme, and its open data, without login.

Off unless a coordinator switched it on for the programme (Programma.openbaar):
then 404, as if it did not exist. The page shows what the council decided and
how far the actions are, never what is internal: budgets, the texts of
progress updates, notes not marked public, who wrote or changed what; and
nothing of a programme that is not public, not even a mandate of such a
programme that one of this programme's actions carries out.
"""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from acties.document_views import document_response
from acties.import_views import open_data_response
from acties.models import Actie
from acties.opendata import programma_mandates, public_documents
from basis.views import ServiceFormView, breadcrumbs
from pijlers import services as pijler_services
from pijlers.models import Actielijn, Pijler, Programma

from .forms import OpenbaarForm


def public_programma(slug: str) -> Programma:
    programma = Programma.objects.filter(slug=slug, openbaar=True).first()
    if programma is None:
        raise Http404
    return programma


class PublicProgrammaView(TemplateView):
    template_name = "actieprogramma/openbaar.html"

    def get_context_data(self, **kwargs):
        programma = public_programma(self.kwargs["slug"])
        acties = Prefetch(
            "acties",
            queryset=Actie.objects.select_related("trekker").order_by("code"),
        )
        lijnen = Prefetch(
            "actielijnen",
            queryset=Actielijn.objects.order_by("nummer").prefetch_related(acties),
        )
        pijlers = Pijler.objects.filter(programma=programma).order_by("volgorde")
        return super().get_context_data(
            programma=programma,
            pijlers=pijlers.prefetch_related(lijnen),
            raadsopdrachten=programma_mandates(programma, openbaar=True),
            documenten=public_documents(programma),
            **kwargs,
        )


class PublicDocumentView(View):
    """A public document of a public programme; anything else is 404."""

    def get(self, request, slug, pk, naam):
        document = public_documents(public_programma(slug)).filter(pk=pk).first()
        if document is None:
            raise Http404
        return document_response(document)


class PublicOpenDataView(View):
    def get(self, request, slug, fmt):
        if fmt not in {"json", "zip"}:
            raise Http404
        return open_data_response(public_programma(slug), fmt, intern=False)


class ProgrammaOpenbaarView(ServiceFormView):
    """A coordinator switches the public page on or off."""

    permission_required = "pijlers.change_programma"
    form_class = OpenbaarForm
    template_name = "actieprogramma/programma_openbaar.html"
    # The message says whether the page is now on or off (get_success_message).
    success_message = "-"

    @cached_property
    def programma(self) -> Programma:
        return get_object_or_404(Programma, pk=self.kwargs["pk"])

    def get_initial(self):
        return {"openbaar": self.programma.openbaar}

    def perform(self, form):
        programma = self.programma
        pijler_services.programma_set_public(
            programma=programma,
            openbaar=form.cleaned_data["openbaar"],
            user=self.request.user,
            reason=form.cleaned_data["reden"].strip(),
        )
        return programma

    def get_success_message(self, result) -> str:
        if result.openbaar:
            return _("De openbare pagina staat aan.")
        return _("De openbare pagina staat uit: het adres geeft nu 'niet gevonden'.")

    def get_context_data(self, **kwargs):
        programma = self.programma
        return super().get_context_data(
            programma=programma,
            public_url=reverse("openbaar", args=[programma.slug]),
            breadcrumbs=breadcrumbs(
                (_("Programma's"), reverse("programma-list")),
                (programma.titel, programma.get_absolute_url()),
                (_("Openbare pagina"), None),
            ),
            **kwargs,
        )
