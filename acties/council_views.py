"""The council cycle: meetings, what is due before the next one, and sending a
proposed settlement back."""

import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView

from basis.dates import long_date, today
from basis.export import csv_response
from basis.views import RoleRequiredMixin, ServiceFormView, breadcrumbs
from pijlers.models import Programma

from . import selectors, services
from .constants import RaadsopdrachtStatus
from .forms import TeruggevenForm, VergaderingForm
from .models import Vergadering
from .views import RaadsopdrachtStepView

# The rule the overdue flag applies, said where the flag is shown.
REGEL_TE_LAAT = _(
    "Te laat: de uiterste datum is voorbij en de opdracht is niet afgedaan. "
    "Een actie is te laat als haar geplande einddatum voorbij is en zij niet "
    "is afgerond of gestopt."
)


def _vergaderingen_crumb():
    return (_("Vergaderingen"), reverse("acties:vergadering-list"))


class VergaderingListView(RoleRequiredMixin, ListView):
    permission_required = "acties.view_vergadering"
    template_name = "acties/vergadering_list.html"
    paginate_by = 50

    def get_queryset(self):
        return Vergadering.objects.order_by("-datum", "soort", "commissie")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            volgende=selectors.next_meeting(),
            breadcrumbs=breadcrumbs((_("Vergaderingen"), None)),
            **kwargs,
        )


class VergaderingCreateView(ServiceFormView):
    permission_required = "acties.add_vergadering"
    form_class = VergaderingForm
    template_name = "acties/vergadering_form.html"
    success_message = _("De vergadering is vastgelegd.")

    def perform(self, form):
        return services.vergadering_create(
            user=self.request.user,
            reason=form.reason(_("Vergadering vastgelegd")),
            **form.service_values(),
        )

    def get_success_url(self, result=None):
        return reverse("acties:vergadering-list")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=_("Nieuwe vergadering"),
            breadcrumbs=breadcrumbs(
                _vergaderingen_crumb(), (_("Nieuwe vergadering"), None)
            ),
            **kwargs,
        )


class VergaderingUpdateView(ServiceFormView):
    permission_required = "acties.change_vergadering"
    form_class = VergaderingForm
    template_name = "acties/vergadering_form.html"
    success_message = _("De vergadering is opgeslagen.")

    @cached_property
    def vergadering(self):
        return get_object_or_404(Vergadering, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # A copy: a refused save must not change the record this request holds.
        kwargs["instance"] = Vergadering.objects.get(pk=self.vergadering.pk)
        return kwargs

    def perform(self, form):
        return services.vergadering_update(
            vergadering=self.vergadering,
            user=self.request.user,
            reason=form.reason(_("Vergadering bijgewerkt")),
            **form.service_values(),
        )

    def get_success_url(self, result=None):
        return reverse("acties:vergadering-list")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=str(self.vergadering),
            vergadering=self.vergadering,
            breadcrumbs=breadcrumbs(
                _vergaderingen_crumb(), (str(self.vergadering), None)
            ),
            **kwargs,
        )


class WatKomtEraanView(RoleRequiredMixin, TemplateView):
    """What is due before the next meeting (or ``?datum=``, or ``?vergadering=``)."""

    permission_required = "acties.view_raadsopdracht"
    template_name = "acties/wat_komt_eraan.html"

    def choice(self):
        """(date, meeting or None, error message or "") from the query."""
        query = self.request.GET
        error = ""
        if query.get("vergadering"):
            try:
                vergadering = Vergadering.objects.get(pk=int(query["vergadering"]))
            except (ValueError, Vergadering.DoesNotExist):
                error = _("Die vergadering bestaat niet; hieronder de volgende.")
            else:
                return vergadering.datum, vergadering, error
        if query.get("datum"):
            try:
                return datetime.date.fromisoformat(query["datum"]), None, error
            except ValueError:
                error = _(
                    "‘%(datum)s’ is geen datum; gebruik de vorm JJJJ-MM-DD. "
                    "Hieronder de volgende vergadering."
                ) % {"datum": query["datum"][:40]}
        vergadering = selectors.next_meeting()
        if vergadering is not None:
            return vergadering.datum, vergadering, error
        return today(), None, error

    def programma(self):
        value = self.request.GET.get("programma")
        if not value:
            return None
        try:
            return Programma.objects.get(pk=int(value))
        except (ValueError, Programma.DoesNotExist):
            return None

    def lijst(self):
        datum, vergadering, error = self.choice()
        return (
            selectors.wat_komt_eraan(
                datum, vergadering=vergadering, programma=self.programma()
            ),
            error,
        )

    def get(self, request, *args, **kwargs):
        fmt = kwargs.get("fmt")
        if fmt == "csv":
            return self.csv()
        if fmt is not None:
            raise Http404
        return super().get(request, *args, **kwargs)

    def csv(self):
        lijst, _error = self.lijst()
        header = [
            "onderdeel", "nummer", "soort", "titel", "status", "uiterste datum",
            "af te doen vóór", "over de uiterste datum", "onderdeel van",
            "acties (status)",
        ]  # fmt: skip
        rows = (
            [
                kop,
                o.nummer,
                o.get_soort_display(),
                o.titel,
                o.get_status_display(),
                o.deadline or "",
                str(o.af_te_doen_voor or ""),
                _("ja") if o.te_laat else _("nee"),
                o.hoofdopdracht.nummer if o.hoofdopdracht else "",
                "; ".join(
                    f"{k.actie.code} {k.actie.get_status_display()}"
                    for k in o.actie_koppelingen.all()
                ),
            ]
            for kop, o in lijst.rows()
        )
        return csv_response(
            filename=f"wat-komt-eraan-{lijst.datum.isoformat()}.csv",
            header=header,
            rows=rows,
        )

    def get_context_data(self, **kwargs):
        lijst, error = self.lijst()
        return super().get_context_data(
            lijst=lijst,
            fout=error,
            datum_lang=long_date(lijst.datum),
            vergaderingen=Vergadering.objects.filter(datum__gte=today()).order_by(
                "datum"
            )[:20],
            programmas=Programma.objects.order_by("titel"),
            gekozen_programma=self.programma(),
            regel_te_laat=REGEL_TE_LAAT,
            query=self.request.GET.urlencode(),
            breadcrumbs=breadcrumbs((_("Wat komt eraan"), None)),
            **kwargs,
        )


class RaadsopdrachtReturnView(RaadsopdrachtStepView):
    """The griffie sends a proposed settlement back, with a reason."""

    permission_required = "acties.settle_raadsopdracht"
    form_class = TeruggevenForm
    title = _("Afdoeningsvoorstel teruggeven")
    success_message = _(
        "Het voorstel is teruggegeven; de opdracht is weer in uitvoering."
    )

    def refusal(self):
        """Nothing to return: the page says so and offers no form."""
        if self.opdracht.status == RaadsopdrachtStatus.AFDOENING_VOORGESTELD:
            return None
        return self.render_to_response(
            self.get_context_data(
                form=None,
                geen_voorstel=_(
                    "Er is geen afdoeningsvoorstel om terug te geven; de status "
                    "is nu ‘%(status)s’."
                )
                % {"status": self.opdracht.get_status_display()},
            )
        )

    def perform(self, form):
        return services.raadsopdracht_return_proposal(
            raadsopdracht=self.opdracht,
            reden=form.cleaned_data["reden"],
            user=self.request.user,
        )
