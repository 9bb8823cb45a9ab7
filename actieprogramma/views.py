import logging

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import DatabaseError, connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from acties import selectors
from acties.models import Actie
from acties.snapshot import compare, end_of_day, programma_state, snapshot_at
from basis.charts import bar_chart
from basis.dates import today
from basis.export import csv_response
from basis.views import RoleRequiredMixin, breadcrumbs
from historie.cache import CountedPaginator, cached_fragment, fragment_key
from historie.changes import ValueFormatter, build_entries, record_history
from pijlers.models import Programma
from pijlers.selectors import programma_list
from taken.services import queue_health

from .forms import HistorieFilterForm, PeildatumForm, VergelijkForm
from .selectors import (
    KINDS_BY_KEY,
    LogFilter,
    change_entries,
    change_log,
    iter_change_entries,
)

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
        # The figures follow only the recorded data and the day (overdue is a
        # matter of the date): kept per generation, as the action's page is.
        data = cached_fragment(
            fragment_key("dashboard", programma.pk, today().isoformat()),
            lambda: {"data": selectors.dashboard(programma)},
        )["data"]
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
            breadcrumbs=breadcrumbs((_("Programma's"), None)), **kwargs
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
            breadcrumbs=breadcrumbs(
                (_("Programma's"), reverse("programma-list")), (programma.titel, None)
            ),
            **kwargs,
        )


class HealthView(View):
    """Liveness, database reachability and the job queue's state, for load
    balancers and monitoring (docs/operations.md)."""

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
        # The queue is reported, not required: the pages work without it, and
        # a load balancer must not take the web out of service for it.
        queue = queue_health()
        return JsonResponse(
            {
                "status": "ok" if queue["broker"] != "unreachable" else "degraded",
                "database": "ok",
                "queue": queue,
            }
        )


# --- history: the change log, a record's history, the peildatum, a comparison ------

HISTORIE_PAGE_SIZE = 50


class HistorieView(RoleRequiredMixin, TemplateView):
    """Every change in the register, newest first, filtered and paginated."""

    permission_required = "pijlers.view_programma"
    template_name = "actieprogramma/historie.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return ["actieprogramma/_historie_results.html"]
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        form = HistorieFilterForm(self.request.GET or None)
        log_filter = form.log_filter() if form.is_valid() else None
        params = self.request.GET.copy()
        params.pop("page", None)
        if form.is_bound and log_filter is None:
            page, entries = None, []
        else:
            log = change_log(log_filter or LogFilter())
            page = CountedPaginator(
                log,
                HISTORIE_PAGE_SIZE,
                count_key=fragment_key("historie-count", params.urlencode()),
            ).get_page(self.request.GET.get("page"))
            entries = change_entries(page.object_list)
        return super().get_context_data(
            form=form,
            page_obj=page,
            entries=entries,
            query=params.urlencode(),
            breadcrumbs=breadcrumbs((_("Historie"), None)),
            **kwargs,
        )


class HistorieExportView(RoleRequiredMixin, View):
    permission_required = "pijlers.view_programma"

    def get(self, request, *args, **kwargs):
        form = HistorieFilterForm(request.GET or None)
        if form.is_bound and not form.is_valid():
            messages.error(request, _("De filters zijn niet geldig; verbeter ze."))
            return redirect(f"{reverse('historie')}?{request.GET.urlencode()}")
        log_filter = form.log_filter() if form.is_bound else LogFilter()
        header = ["tijdstip", "door", "record", "handeling", "omschrijving", "reden",
                  "wijzigingen"]  # fmt: skip

        def changes(entry):
            return "; ".join(
                f"{c.label}: {c.old} → {c.new}" if c.old else f"{c.label}: {c.new}"
                for c in entry.changes
            )

        rows = (
            [
                timezone.localtime(entry.when).strftime("%Y-%m-%d %H:%M:%S"),
                entry.user,
                entry.subject,
                entry.kind,
                entry.title,
                entry.reason,
                changes(entry),
            ]
            for entry in iter_change_entries(log_filter)
        )
        return csv_response(filename="historie.csv", header=header, rows=rows)


class RecordHistoryView(RoleRequiredMixin, TemplateView):
    """The history of any one record, by kind and id (also of deleted records)."""

    template_name = "actieprogramma/record_history.html"

    @cached_property
    def kind(self):
        kind = KINDS_BY_KEY.get(self.kwargs["soort"])
        if kind is None:
            raise Http404
        return kind

    def get_permission_required(self):
        meta = self.kind.model._meta
        return [f"{meta.app_label}.view_{meta.model_name}"]

    def get_context_data(self, **kwargs):
        model = self.kind.model
        rows = list(
            model.history.filter(id=self.kwargs["pk"]).select_related("history_user")
        )
        if not rows:
            raise Http404
        formatter = ValueFormatter()
        entries = build_entries(
            record_history(rows, model, formatter=formatter), formatter
        )
        newest = max(rows, key=lambda r: (r.history_date, r.history_id))
        current = model._default_manager.filter(pk=self.kwargs["pk"]).first()
        title = f"{str(model._meta.verbose_name).capitalize()}: {newest.instance}"
        return super().get_context_data(
            title=title,
            history=entries,
            current=current,
            deleted=newest.history_type == "-",
            current_url=(
                current.get_absolute_url()
                if current is not None and hasattr(current, "get_absolute_url")
                else ""
            ),
            breadcrumbs=breadcrumbs(
                (_("Historie"), reverse("historie")), (title, None)
            ),
            **kwargs,
        )


class PeildatumView(RoleRequiredMixin, TemplateView):
    """The programme as it was at the end of a day, from the history alone."""

    permission_required = "pijlers.view_programma"
    template_name = "actieprogramma/peildatum.html"

    def get_context_data(self, **kwargs):
        data = self.request.GET.copy()
        data.setdefault("datum", timezone.localdate().isoformat())
        form = PeildatumForm(data)
        state = None
        if form.is_valid():
            programma = form.cleaned_data["programma"] or programma_list().first()
            if programma is not None:
                snapshot = snapshot_at(
                    end_of_day(form.cleaned_data["datum"]), programma_id=programma.pk
                )
                state = programma_state(
                    snapshot,
                    programma.pk,
                    existing_ids=set(
                        Actie.objects.filter(programma=programma).values_list(
                            "pk", flat=True
                        )
                    ),
                )
        return super().get_context_data(
            form=form,
            state=state,
            breadcrumbs=breadcrumbs((_("Programma op peildatum"), None)),
            **kwargs,
        )


class VergelijkView(RoleRequiredMixin, TemplateView):
    """What changed between the ends of two days, each difference with who and why."""

    permission_required = "pijlers.view_programma"
    template_name = "actieprogramma/vergelijk.html"

    def get_context_data(self, **kwargs):
        form = VergelijkForm(self.request.GET or None)
        comparison = programma = None
        if form.is_valid():
            programma = form.cleaned_data["programma"] or programma_list().first()
            if programma is not None:
                comparison = compare(
                    end_of_day(form.cleaned_data["van"]),
                    end_of_day(form.cleaned_data["tot"]),
                    programma_id=programma.pk,
                )
        sections = []
        if comparison is not None:
            groups = [
                (_("Acties toegevoegd"), "toegevoegd", comparison.of("toegevoegd")),
                (_("Acties verwijderd"), "verwijderd", comparison.of("verwijderd")),
                (
                    _("Acties gewijzigd: status, voortgang, trekker, datums en meer"),
                    "gewijzigd",
                    comparison.of("gewijzigd"),
                ),
            ]
            sections = [(t, s, d, False) for t, s, d in groups if d]
            sections += [
                (title, section, differences, True)
                for title, section, differences in [
                    (_("Raadsopdrachten"), "opdrachten", comparison.raadsopdrachten),
                    (
                        _("Koppelingen tussen raadsopdrachten en acties"),
                        "koppelingen",
                        comparison.koppelingen,
                    ),
                    (_("Partners van acties"), "partners", comparison.actie_partners),
                ]
                if differences
            ]
        return super().get_context_data(
            form=form,
            comparison=comparison,
            sections=sections,
            programma=programma,
            breadcrumbs=breadcrumbs((_("Vergelijken"), None)),
            **kwargs,
        )


class ZoekenView(LoginRequiredMixin, TemplateView):
    """One search over everything the reader may see (actieprogramma.search)."""

    template_name = "actieprogramma/zoeken.html"

    def get_context_data(self, **kwargs):
        from .search import MAX_QUERY, search

        q = " ".join(self.request.GET.get("q", "").split())
        te_lang = len(q) > MAX_QUERY
        resultaten = search(q, self.request.user) if q else []
        return super().get_context_data(
            q=q[:MAX_QUERY],
            te_lang=te_lang,
            resultaten=resultaten,
            totaal=sum(total for _source, _hits, total in resultaten),
            breadcrumbs=breadcrumbs((_("Zoeken"), None)),
            **kwargs,
        )
