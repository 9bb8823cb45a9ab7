"""A person's jobs: the list, one job's progress, its file."""

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, ListView

from basis.views import breadcrumbs

from .models import Taak, TaakStatus


def own_jobs(user):
    """The jobs ``user`` may see: their own (a superuser sees all)."""
    jobs = Taak.objects.select_related("gebruiker")
    return jobs if user.is_superuser else jobs.filter(gebruiker=user)


def _crumbs(*items):
    return breadcrumbs(
        (_("Mijn taken"), reverse("taken:list") if items else None), *items
    )


class TaakListView(LoginRequiredMixin, ListView):
    template_name = "taken/taak_list.html"
    paginate_by = 25

    def get_queryset(self):
        return own_jobs(self.request.user).filter(gebruiker=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            breadcrumbs=_crumbs(), bewaardagen=settings.JOB_FILE_DAYS, **kwargs
        )


class TaakMixin(LoginRequiredMixin):
    """Someone else's job is not found, rather than forbidden: its title
    would say what they are working on."""

    def get_object(self, queryset=None):
        return get_object_or_404(own_jobs(self.request.user), pk=self.kwargs["pk"])


class TaakDetailView(TaakMixin, DetailView):
    template_name = "taken/taak_detail.html"
    context_object_name = "taak"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            breadcrumbs=_crumbs((self.object.titel, None)),
            TaakStatus=TaakStatus,
            bewaardagen=settings.JOB_FILE_DAYS,
            **kwargs,
        )


class TaakStatusView(TaakMixin, View):
    """The job's state as JSON, for the page's small progress script."""

    def get(self, request, *args, **kwargs):
        taak = self.get_object()
        return JsonResponse(
            {
                "status": taak.status,
                "status_tekst": taak.get_status_display(),
                "voortgang": taak.voortgang,
                "stap": taak.stap,
                "afgelopen": taak.afgelopen,
            }
        )


class TaakBestandView(TaakMixin, View):
    def get(self, request, *args, **kwargs):
        taak = self.get_object()
        if taak.status != TaakStatus.KLAAR or not taak.bestand:
            raise Http404(_("Deze taak heeft (nog) geen bestand."))
        return FileResponse(
            taak.bestand.open("rb"),
            as_attachment=True,
            filename=taak.bestandsnaam,
            content_type="application/pdf"
            if taak.bestandsnaam.endswith(".pdf")
            else "application/octet-stream",
        )
