from django.contrib import messages
from django.contrib.auth.context_processors import PermWrapper
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from basis.dates import today
from basis.export import csv_response
from basis.views import (
    MergeServiceFormView,
    RoleRequiredMixin,
    ServiceFormView,
    breadcrumbs,
)
from historie.cache import cached_fragment, fragment_key

from . import remarks, selectors, services
from .filters import ActieFilterSet, RaadsopdrachtFilterSet
from .forms import (
    ActieForm,
    AfdoenForm,
    AfdoeningVoorstelForm,
    IndicatorForm,
    KoppelingForm,
    MetingForm,
    OntkoppelForm,
    OpmerkingForm,
    OrganisatieForm,
    RaadsopdrachtForm,
    VoortgangsupdateForm,
)
from .imports import EXPORT_COLUMNS, export_row
from .models import (
    Actie,
    Indicator,
    Meting,
    Organisatie,
    Raadsopdracht,
    RaadsopdrachtActie,
    Voortgangsupdate,
)
from .permissions import can_attach, can_propose_settlement, can_remark, can_settle

PAGE_SIZE = 25


def _acties_crumb():
    return (_("Acties"), reverse("acties:actie-list"))


def _opdrachten_crumb():
    return (_("Raadsopdrachten"), reverse("acties:raadsopdracht-list"))


def actie_crumbs(actie: Actie) -> tuple:
    """The crumbs of an action's page, for the pages below it."""
    return _acties_crumb(), (f"{actie.code} {actie.titel}", actie.get_absolute_url())


def raadsopdracht_crumbs(opdracht: Raadsopdracht) -> tuple:
    return _opdrachten_crumb(), (str(opdracht), opdracht.get_absolute_url())


def record_crumbs(record) -> tuple:
    """The crumbs of an action's, a mandate's or an evaluation's page, for
    the pages below it (documents, remarks)."""
    return remarks.subject_of(record).crumbs(record)


class FilteredListView(RoleRequiredMixin, ListView):
    """A filterable, paginated list; htmx requests get only the results part."""

    filterset_class = None
    results_template = ""
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=self.base_queryset()
        )
        return self.filterset.qs

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return [self.results_template]
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        context.update(filterset=self.filterset, query=params.urlencode())
        return context


# --- actions ------------------------------------------------------------------------


class ActieListView(FilteredListView):
    permission_required = "acties.view_actie"
    filterset_class = ActieFilterSet
    template_name = "acties/actie_list.html"
    results_template = "acties/_actie_results.html"

    def base_queryset(self):
        return selectors.actie_list()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            breadcrumbs=breadcrumbs((_("Acties"), None)), **kwargs
        )


class ActieExportView(RoleRequiredMixin, View):
    """Exactly the filtered list as CSV, every row, no pagination, in the
    import's columns and formats: edited in a spreadsheet, it imports again."""

    permission_required = "acties.view_actie"

    def get(self, request, *args, **kwargs):
        filterset = ActieFilterSet(request.GET or None, queryset=selectors.actie_list())
        queryset = selectors.actie_export(filterset.qs)
        return csv_response(
            filename="acties.csv",
            header=EXPORT_COLUMNS,
            rows=(export_row(a) for a in queryset.iterator(chunk_size=500)),
        )


def remark_context(user, record) -> dict:
    """What the section of remarks on a record's page needs
    (``acties/_opmerkingen.html``): an action, a mandate or a record that
    registered itself in ``acties.remarks``."""
    return {
        "opmerkingen": selectors.opmerkingen_of(record),
        "kan_opmerken": can_remark(user, record),
        "record": record,
        "onderwerp": remarks.subject_of(record).noun,
        "plaatsen_url": remarks.place_url(record),
        "user": user,
        # Empty on arrival, so not marked invalid before anyone typed.
        "opmerking_form": OpmerkingForm(use_required_attribute=False),
    }


# Where the action's cached body leaves room for the remarks section.
REMARKS_PLACE = "<!-- opmerkingen -->"


class ActieDetailView(RoleRequiredMixin, TemplateView):
    """An action's page. Its body is the most visited page of the application
    and is cached per data generation and set of permissions (historie.cache)."""

    permission_required = "acties.view_actie"
    template_name = "acties/actie_detail.html"

    def get_context_data(self, **kwargs):
        pk = self.kwargs["pk"]
        user = self.request.user
        perms = sorted(p for p in user.get_all_permissions() if p.startswith("acties."))
        page = cached_fragment(
            # Today in the key: the overdue flags change at midnight, not with
            # a new version of the record.
            fragment_key("actie-detail", pk, today().isoformat(), *perms),
            lambda: self._render(pk, user),
        )
        if page is None:
            raise Http404
        # The remarks depend on who reads (their own can be withdrawn): rendered
        # for each request, in the place the cached body keeps for them.
        # (Without the request's context processors, which the page runs once.)
        remarks = render_to_string(
            "acties/_opmerkingen.html",
            {
                **remark_context(
                    user, Actie(pk=pk, code=page["code"], titel=page["titel"])
                ),
                "perms": PermWrapper(user),
                "csrf_token": get_token(self.request),
            },
        )
        body = page["body"].replace(REMARKS_PLACE, remarks, 1)
        return super().get_context_data(
            code=page["code"],
            titel=page["titel"],
            body=mark_safe(body),  # noqa: S308 - rendered by our templates
            breadcrumbs=breadcrumbs(
                _acties_crumb(), (f"{page['code']} {page['titel']}", None)
            ),
            **kwargs,
        )

    @staticmethod
    def _render(pk, user) -> dict | None:
        try:
            actie = selectors.actie_detail(pk)
        except Actie.DoesNotExist:
            return None
        body = render_to_string(
            "acties/_actie_detail.html",
            {
                "actie": actie,
                "history": selectors.actie_history(actie),
                "perms": PermWrapper(user),
                "kan_documenten": can_attach(user, actie),
            },
        )
        return {"code": actie.code, "titel": actie.titel, "body": body}


class ActieCreateView(ServiceFormView):
    permission_required = "acties.add_actie"
    form_class = ActieForm
    template_name = "acties/actie_form.html"
    success_message = _("De actie is aangemaakt.")

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("actielijn", "").isdigit():
            initial["actielijn"] = self.request.GET["actielijn"]
        return initial

    def perform(self, form):
        values = form.service_values()
        return services.actie_create(
            user=self.request.user,
            reason=(form.cleaned_data.get("reden") or "").strip()
            or _("Actie aangemaakt"),
            **values,
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            breadcrumbs=breadcrumbs(_acties_crumb(), (_("Nieuwe actie"), None)),
            **kwargs,
        )


class ActieUpdateView(MergeServiceFormView):
    """Edit with a three-way merge: a colleague's change in between is kept."""

    permission_required = "acties.change_actie"
    form_class = ActieForm
    template_name = "acties/actie_form.html"
    success_message = _("De wijzigingen zijn opgeslagen.")

    @cached_property
    def actie(self):
        return get_object_or_404(Actie, pk=self.kwargs["pk"])

    def get_object(self):
        return self.actie

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.actie}

    def perform(self, form, *, current, fields):
        reason = (form.cleaned_data.get("reden") or "").strip()
        if not reason:
            labels = ", ".join(str(form.fields[name].label) for name in fields) or _(
                "geen velden"
            )
            reason = _("Gegevens bijgewerkt: %s") % labels
        return services.actie_update(
            actie=current,
            versie=None,
            user=self.request.user,
            reason=reason,
            **form.service_values(fields),
        )

    def get_context_data(self, **kwargs):
        actie = self.actie
        return super().get_context_data(
            actie=actie,
            breadcrumbs=breadcrumbs(
                _acties_crumb(),
                (f"{actie.code} {actie.titel}", actie.get_absolute_url()),
                (_("Bewerken"), None),
            ),
            **kwargs,
        )


class ActieChildFormView(ServiceFormView):
    """Forms for records under an action (updates, indicators, measurements)."""

    template_name = "acties/child_form.html"
    title = ""

    def get_actie(self) -> Actie:
        raise NotImplementedError

    def get_success_url(self, result=None):
        return self.get_actie().get_absolute_url()

    def get_context_data(self, **kwargs):
        actie = self.get_actie()
        return super().get_context_data(
            actie=actie,
            title=self.title,
            cancel_url=actie.get_absolute_url(),
            breadcrumbs=breadcrumbs(
                _acties_crumb(),
                (f"{actie.code} {actie.titel}", actie.get_absolute_url()),
                (self.title, None),
            ),
            **kwargs,
        )


class VoortgangsupdateCreateView(ActieChildFormView):
    permission_required = "acties.add_voortgangsupdate"
    form_class = VoortgangsupdateForm
    title = _("Voortgangsupdate toevoegen")
    success_message = _("De voortgangsupdate is toegevoegd.")

    def get_actie(self):
        return get_object_or_404(Actie, pk=self.kwargs["pk"])

    def perform(self, form):
        return services.voortgangsupdate_create(
            actie=self.get_actie(), user=self.request.user, **form.cleaned_data
        )


class VoortgangsupdateUpdateView(MergeServiceFormView, ActieChildFormView):
    permission_required = "acties.change_voortgangsupdate"
    form_class = VoortgangsupdateForm
    title = _("Voortgangsupdate bewerken")
    success_message = _("De voortgangsupdate is opgeslagen.")

    @cached_property
    def update(self):
        return get_object_or_404(
            Voortgangsupdate.objects.select_related("actie"), pk=self.kwargs["pk"]
        )

    def get_actie(self):
        return self.update.actie

    def get_object(self):
        return self.update

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.update}

    def perform(self, form, *, current, fields):
        return services.voortgangsupdate_update(
            voortgangsupdate=current,
            user=self.request.user,
            reason=form.reason(_("Voortgangsupdate aangepast")),
            **form.service_values(fields),
        )


class IndicatorCreateView(ActieChildFormView):
    permission_required = "acties.add_indicator"
    form_class = IndicatorForm
    title = _("Indicator toevoegen")
    success_message = _("De indicator is toegevoegd.")

    def get_actie(self):
        return get_object_or_404(Actie, pk=self.kwargs["pk"])

    def perform(self, form):
        values = form.service_values()
        return services.indicator_create(
            actie=self.get_actie(),
            user=self.request.user,
            reason=form.reason(_("Indicator toegevoegd")),
            **values,
        )


class IndicatorUpdateView(MergeServiceFormView, ActieChildFormView):
    permission_required = "acties.change_indicator"
    form_class = IndicatorForm
    title = _("Indicator bewerken")
    success_message = _("De indicator is opgeslagen.")

    @cached_property
    def indicator(self):
        return get_object_or_404(
            Indicator.objects.select_related("actie"), pk=self.kwargs["pk"]
        )

    def get_actie(self):
        return self.indicator.actie

    def get_object(self):
        return self.indicator

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.indicator}

    def perform(self, form, *, current, fields):
        return services.indicator_update(
            indicator=current,
            user=self.request.user,
            reason=form.reason(_("Indicator aangepast")),
            **form.service_values(fields),
        )


class MetingCreateView(ActieChildFormView):
    permission_required = "acties.add_meting"
    form_class = MetingForm
    success_message = _("De meting is vastgelegd.")

    @cached_property
    def indicator(self):
        return get_object_or_404(
            Indicator.objects.select_related("actie"), pk=self.kwargs["pk"]
        )

    @property
    def title(self):
        return _("Meting toevoegen: %s") % self.indicator.naam

    def get_actie(self):
        return self.indicator.actie

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = Meting(indicator=self.indicator)
        return kwargs

    def perform(self, form):
        values = form.service_values()
        return services.meting_create(
            indicator=self.indicator,
            user=self.request.user,
            reason=form.reason(_("Meting vastgelegd")),
            **values,
        )


class MetingUpdateView(MergeServiceFormView, ActieChildFormView):
    permission_required = "acties.change_meting"
    form_class = MetingForm
    success_message = _("De meting is opgeslagen.")

    @cached_property
    def meting(self):
        return get_object_or_404(
            Meting.objects.select_related("indicator__actie"), pk=self.kwargs["pk"]
        )

    @property
    def title(self):
        return _("Meting bewerken: %s") % self.meting.indicator.naam

    def get_actie(self):
        return self.meting.indicator.actie

    def get_object(self):
        return self.meting

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.meting}

    def perform(self, form, *, current, fields):
        return services.meting_update(
            meting=current,
            user=self.request.user,
            reason=form.reason(_("Meting aangepast")),
            **form.service_values(fields),
        )


# --- links between mandates and actions -------------------------------------------


class KoppelingCreateView(ServiceFormView):
    permission_required = "acties.add_raadsopdrachtactie"
    form_class = KoppelingForm
    template_name = "acties/koppeling_form.html"
    success_message = _("De koppeling is vastgelegd.")
    from_side = "actie"

    @cached_property
    def owner(self):
        model = Actie if self.from_side == "actie" else Raadsopdracht
        return get_object_or_404(model, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), self.from_side: self.owner}

    def perform(self, form):
        raadsopdracht, actie = form.pair()
        services.raadsopdracht_actie_link(
            raadsopdracht=raadsopdracht,
            actie=actie,
            toelichting=form.cleaned_data["toelichting"],
            toelichting_openbaar=form.cleaned_data["toelichting_openbaar"],
            user=self.request.user,
        )
        return self.owner

    def get_context_data(self, **kwargs):
        owner = self.owner
        crumb = _acties_crumb() if self.from_side == "actie" else _opdrachten_crumb()
        return super().get_context_data(
            owner=owner,
            cancel_url=owner.get_absolute_url(),
            breadcrumbs=breadcrumbs(
                crumb, (str(owner), owner.get_absolute_url()), (_("Koppelen"), None)
            ),
            **kwargs,
        )


class KoppelingDeleteView(ServiceFormView):
    permission_required = "acties.delete_raadsopdrachtactie"
    form_class = OntkoppelForm
    template_name = "acties/koppeling_confirm_delete.html"
    success_message = _("De koppeling is verwijderd; de historie bewaart haar.")

    @cached_property
    def koppeling(self):
        return get_object_or_404(
            RaadsopdrachtActie.objects.select_related("actie", "raadsopdracht"),
            pk=self.kwargs["pk"],
        )

    def back_url(self) -> str:
        target = self.request.GET.get("terug") or self.request.POST.get("terug")
        if target == "raadsopdracht":
            return self.koppeling.raadsopdracht.get_absolute_url()
        return self.koppeling.actie.get_absolute_url()

    def perform(self, form):
        url = self.back_url()
        services.raadsopdracht_actie_unlink(
            koppeling=self.koppeling,
            user=self.request.user,
            reason=form.cleaned_data["reden"],
        )
        return url

    def get_success_url(self, result=None):
        return result

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            koppeling=self.koppeling,
            cancel_url=self.back_url(),
            terug=self.request.GET.get("terug", ""),
            breadcrumbs=breadcrumbs((_("Koppeling verwijderen"), None)),
            **kwargs,
        )


# --- council mandates -------------------------------------------------------------


class RaadsopdrachtListView(FilteredListView):
    permission_required = "acties.view_raadsopdracht"
    filterset_class = RaadsopdrachtFilterSet
    template_name = "acties/raadsopdracht_list.html"
    results_template = "acties/_raadsopdracht_results.html"

    def base_queryset(self):
        return selectors.raadsopdracht_list()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            breadcrumbs=breadcrumbs((_("Raadsopdrachten"), None)), **kwargs
        )


class RaadsopdrachtExportView(RoleRequiredMixin, View):
    permission_required = "acties.view_raadsopdracht"

    def get(self, request, *args, **kwargs):
        filterset = RaadsopdrachtFilterSet(
            request.GET or None, queryset=selectors.raadsopdracht_list()
        )
        queryset = filterset.qs.select_related(
            "hoofdopdracht", "aangenomen_in"
        ).prefetch_related("acties")
        header = [
            "nummer", "soort", "titel", "status", "aangenomen op", "vergadering",
            "RIS-nummer", "indiener(s)", "fractie", "onderdeel van",
            "uiterste datum", "over de uiterste datum", "afgedaan op",
            "afdoeningsdocument", "acties", "tekst",
        ]  # fmt: skip
        rows = (
            [
                r.nummer,
                r.get_soort_display(),
                r.titel,
                r.get_status_display(),
                r.datum_aangenomen or "",
                str(r.aangenomen_in or r.vergadering),
                r.ris_nummer,
                r.indieners,
                r.fractie,
                r.hoofdopdracht.nummer if r.hoofdopdracht else "",
                r.deadline or "",
                _("ja") if r.te_laat else _("nee"),
                r.afgedaan_op or "",
                r.afdoeningsdocument,
                ", ".join(a.code for a in r.acties.all()),
                r.tekst,
            ]
            for r in queryset
        )
        return csv_response(filename="raadsopdrachten.csv", header=header, rows=rows)


class RaadsopdrachtDetailView(RoleRequiredMixin, TemplateView):
    permission_required = "acties.view_raadsopdracht"
    template_name = "acties/raadsopdracht_detail.html"

    def get_context_data(self, **kwargs):
        try:
            opdracht = selectors.raadsopdracht_detail(self.kwargs["pk"])
        except Raadsopdracht.DoesNotExist as exc:
            raise Http404 from exc
        user = self.request.user
        return super().get_context_data(
            raadsopdracht=opdracht,
            history=selectors.raadsopdracht_history(opdracht),
            can_propose=can_propose_settlement(user, opdracht),
            can_settle=can_settle(user, opdracht),
            kan_documenten=can_attach(user, opdracht),
            **remark_context(user, opdracht),
            breadcrumbs=breadcrumbs(_opdrachten_crumb(), (str(opdracht), None)),
            **kwargs,
        )


class RaadsopdrachtCreateView(ServiceFormView):
    permission_required = "acties.add_raadsopdracht"
    form_class = RaadsopdrachtForm
    template_name = "acties/raadsopdracht_form.html"
    success_message = _("De raadsopdracht is geregistreerd.")

    def perform(self, form):
        values = form.service_values()
        return services.raadsopdracht_create(
            user=self.request.user,
            reason=form.reason(_("Raadsopdracht geregistreerd")),
            **values,
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            breadcrumbs=breadcrumbs(
                _opdrachten_crumb(), (_("Nieuwe raadsopdracht"), None)
            ),
            **kwargs,
        )


class RaadsopdrachtUpdateView(MergeServiceFormView):
    permission_required = "acties.change_raadsopdracht"
    form_class = RaadsopdrachtForm
    template_name = "acties/raadsopdracht_form.html"
    success_message = _("De raadsopdracht is opgeslagen.")

    @cached_property
    def opdracht(self):
        return get_object_or_404(Raadsopdracht, pk=self.kwargs["pk"])

    def get_object(self):
        return self.opdracht

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.opdracht}

    def perform(self, form, *, current, fields):
        return services.raadsopdracht_update(
            raadsopdracht=current,
            user=self.request.user,
            reason=form.reason(_("Registergegevens bijgewerkt")),
            **form.service_values(fields),
        )

    def get_context_data(self, **kwargs):
        opdracht = self.opdracht
        return super().get_context_data(
            raadsopdracht=opdracht,
            breadcrumbs=breadcrumbs(
                _opdrachten_crumb(),
                (str(opdracht), opdracht.get_absolute_url()),
                (_("Bewerken"), None),
            ),
            **kwargs,
        )


class RaadsopdrachtStepView(ServiceFormView):
    """A settlement step; refused (with nothing changed) when the state forbids it."""

    template_name = "acties/raadsopdracht_step.html"
    allowed = staticmethod(lambda user, opdracht: False)
    title = ""

    @cached_property
    def opdracht(self):
        return get_object_or_404(Raadsopdracht, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        return self.refusal() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.refusal() or super().post(request, *args, **kwargs)

    def refusal(self):
        """Runs after the role check: the mandate's state may forbid the step."""
        if self.allowed(self.request.user, self.opdracht):
            return None
        messages.warning(self.request, _("Deze raadsopdracht is al afgedaan."))
        return redirect(self.opdracht)

    def get_context_data(self, **kwargs):
        opdracht = self.opdracht
        return super().get_context_data(
            raadsopdracht=opdracht,
            title=self.title,
            cancel_url=opdracht.get_absolute_url(),
            breadcrumbs=breadcrumbs(
                _opdrachten_crumb(),
                (str(opdracht), opdracht.get_absolute_url()),
                (self.title, None),
            ),
            **kwargs,
        )


class RaadsopdrachtProposeView(RaadsopdrachtStepView):
    permission_required = "acties.propose_settlement_raadsopdracht"
    form_class = AfdoeningVoorstelForm
    allowed = staticmethod(can_propose_settlement)
    title = _("Afdoening voorstellen")
    success_message = _(
        "De afdoening is voorgesteld; de griffie beoordeelt het voorstel."
    )

    def get_initial(self):
        return {"afdoening_toelichting": self.opdracht.afdoening_toelichting}

    def perform(self, form):
        return services.raadsopdracht_propose_settlement(
            raadsopdracht=self.opdracht,
            toelichting=form.cleaned_data["afdoening_toelichting"],
            user=self.request.user,
        )


class RaadsopdrachtSettleView(RaadsopdrachtStepView):
    permission_required = "acties.settle_raadsopdracht"
    form_class = AfdoenForm
    allowed = staticmethod(can_settle)
    title = _("Afdoening bevestigen")
    success_message = _("De raadsopdracht is afgedaan.")

    def get_initial(self):
        return {"afdoening_toelichting": self.opdracht.afdoening_toelichting}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            onvoltooid=services.unfinished_actions(self.opdracht), **kwargs
        )

    def perform(self, form):
        return services.raadsopdracht_settle(
            raadsopdracht=self.opdracht,
            afgedaan_op=form.cleaned_data["afgedaan_op"],
            afdoeningsdocument=form.cleaned_data["afdoeningsdocument"],
            afdoening_toelichting=form.cleaned_data["afdoening_toelichting"],
            user=self.request.user,
            reason=(form.cleaned_data.get("reden") or "").strip(),
            brief=form.cleaned_data.get("brief"),
        )


# --- organisations ------------------------------------------------------------------


class OrganisatieListView(RoleRequiredMixin, ListView):
    permission_required = "acties.view_organisatie"
    template_name = "acties/organisatie_list.html"
    paginate_by = 50

    def get_queryset(self):
        return Organisatie.objects.order_by("naam")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            breadcrumbs=breadcrumbs((_("Organisaties"), None)), **kwargs
        )


class OrganisatieFormView(ServiceFormView):
    form_class = OrganisatieForm
    template_name = "acties/organisatie_form.html"
    organisatie = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.organisatie}

    def get_context_data(self, **kwargs):
        title = str(self.organisatie) if self.organisatie else _("Nieuwe organisatie")
        return super().get_context_data(
            title=title,
            breadcrumbs=breadcrumbs(
                (_("Organisaties"), reverse("acties:organisatie-list")), (title, None)
            ),
            **kwargs,
        )


class OrganisatieCreateView(OrganisatieFormView):
    permission_required = "acties.add_organisatie"
    success_message = _("De organisatie is toegevoegd.")

    def perform(self, form):
        values = form.service_values()
        return services.organisatie_create(
            user=self.request.user,
            reason=form.reason(_("Organisatie toegevoegd")),
            **values,
        )


class OrganisatieUpdateView(MergeServiceFormView, OrganisatieFormView):
    permission_required = "acties.change_organisatie"
    success_message = _("De organisatie is opgeslagen.")

    @cached_property
    def organisatie(self):
        return get_object_or_404(Organisatie, pk=self.kwargs["pk"])

    def get_object(self):
        return self.organisatie

    def perform(self, form, *, current, fields):
        return services.organisatie_update(
            organisatie=current,
            user=self.request.user,
            reason=form.reason(_("Organisatie aangepast")),
            **form.service_values(fields),
        )
