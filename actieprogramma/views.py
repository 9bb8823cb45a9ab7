import logging

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views import View
from django.views.generic import TemplateView

from pijlers.selectors import programma_list_with_structure

logger = logging.getLogger(__name__)


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "actieprogramma/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["programmas"] = programma_list_with_structure()
        return context


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
