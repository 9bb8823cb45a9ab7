import logging

from django.db import DatabaseError, connection
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from acties import selectors
from pijlers.charts import bar_chart
from pijlers.models import Programma
from pijlers.selectors import programma_list
from pijlers.views import RoleRequiredMixin

logger = logging.getLogger(__name__)


class DashboardView(RoleRequiredMixin, TemplateView):
    permission_required = "pijlers.view_programma"
    template_name = "actieprogramma/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programma = selectors.current_programma(self.request.GET.get("programma"))
        context["programmas"] = programma_list()
        context["programma"] = programma
        if programma is None:
            return context
        data = selectors.dashboard(programma)
        context["data"] = data
        context["chart_pijlers"] = bar_chart(
            title=_("Gemiddelde voortgang per pijler"),
            description=_(
                "Gemiddelde voortgang van de acties in de actielijnen van elke pijler."
            ),
            rows=[(p.label, p.average) for p in data.by_pijler],
            maximum=100,
            unit="%",
        )
        context["chart_actielijnen"] = bar_chart(
            title=_("Gemiddelde voortgang per actielijn"),
            description=_("Gemiddelde voortgang van de acties van elke actielijn."),
            rows=[(p.label, p.average) for p in data.by_actielijn],
            maximum=100,
            unit="%",
        )
        context["chart_status"] = bar_chart(
            title=_("Acties per status"),
            description=_("Aantal acties van het programma in elke status."),
            rows=[(label, count) for _value, label, count in data.by_status],
        )
        return context


class ProgrammaListView(RoleRequiredMixin, ListView):
    permission_required = "pijlers.view_programma"
    template_name = "actieprogramma/programma_list.html"
    context_object_name = "programmas"

    def get_queryset(self):
        return programma_list()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            breadcrumbs=[("Dashboard", "/"), (_("Programma's"), None)], **kwargs
        )


class ProgrammaDetailView(RoleRequiredMixin, TemplateView):
    permission_required = "pijlers.view_programma"
    template_name = "actieprogramma/programma_detail.html"

    def get_context_data(self, **kwargs):
        try:
            programma = selectors.programma_overview(self.kwargs["pk"])
        except Programma.DoesNotExist as exc:
            raise Http404 from exc
        return super().get_context_data(
            programma=programma,
            breadcrumbs=[
                ("Dashboard", "/"),
                (_("Programma's"), "/programmas/"),
                (programma.titel, None),
            ],
            **kwargs,
        )


class HealthView(View):
    """Liveness and database reachability, for load balancers and monitoring."""

    def get(self, request, *args, **kwargs):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError:
            logger.exception("Health check: database unreachable")
            return JsonResponse(
                {"status": "error", "database": "unreachable"}, status=503
            )
        return JsonResponse({"status": "ok", "database": "ok"})
