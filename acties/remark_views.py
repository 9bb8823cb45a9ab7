"""Review remarks (opmerkingen) on actions, mandates and evaluations: placing, replying,
correcting, withdrawing, marking answered, and the page of open questions.

Each view checks the role's permission (RoleRequiredMixin) and then the rule
for this remark (``acties.permissions``): a signed-in user who may not gets
403, and nothing changes.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import ListView

from basis.views import RoleRequiredMixin, ServiceFormView, breadcrumbs
from pijlers.models import Programma

from . import remarks, selectors, services
from .forms import (
    OpmerkingForm,
    OpmerkingReplyForm,
    OpmerkingUpdateForm,
    OpmerkingWithdrawForm,
)
from .models import Actie, Opmerking
from .permissions import (
    can_change_remark,
    can_mark_answered,
    can_remark,
    can_reply,
)
from .views import record_crumbs


class _RemarkFormView(ServiceFormView):
    template_name = "acties/opmerking_form.html"
    title = ""

    def allowed(self) -> bool:
        raise NotImplementedError

    @property
    def record(self):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.allowed():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self, result=None) -> str:
        return result.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            record=self.record,
            title=self.title,
            cancel_url=self.record.get_absolute_url() + "#opmerkingen",
            breadcrumbs=breadcrumbs(*record_crumbs(self.record), (self.title, None)),
            **kwargs,
        )


class OpmerkingCreateView(_RemarkFormView):
    """``/acties/<pk>/opmerkingen/nieuw/`` and the same under a mandate and an
    evaluation (``model``: a record registered in ``acties.remarks``)."""

    permission_required = "acties.add_opmerking"
    form_class = OpmerkingForm
    success_message = _("Uw opmerking is geplaatst.")
    title = _("Vraag of opmerking plaatsen")
    model = Actie

    @cached_property
    def record(self):
        return get_object_or_404(self.model, pk=self.kwargs["pk"])

    def allowed(self) -> bool:
        return can_remark(self.request.user, self.record)

    def perform(self, form):
        return services.opmerking_place(
            record=self.record,
            tekst=form.cleaned_data["tekst"],
            user=self.request.user,
        )


class _OneRemarkView(_RemarkFormView):
    @cached_property
    def opmerking(self):
        return get_object_or_404(
            Opmerking.objects.select_related("actie", "raadsopdracht", "auteur"),
            pk=self.kwargs["pk"],
        )

    @property
    def record(self):
        return self.opmerking.record

    def get_context_data(self, **kwargs):
        return super().get_context_data(opmerking=self.opmerking, **kwargs)


class OpmerkingReplyView(_OneRemarkView):
    permission_required = "acties.add_opmerking"
    form_class = OpmerkingReplyForm
    success_message = _("Uw reactie is geplaatst.")
    title = _("Reageren")

    def allowed(self) -> bool:
        return can_reply(self.request.user, self.opmerking)

    def perform(self, form):
        return services.opmerking_reply(
            vraag=self.opmerking,
            tekst=form.cleaned_data["tekst"],
            user=self.request.user,
        )


class OpmerkingUpdateView(_OneRemarkView):
    permission_required = "acties.change_opmerking"
    form_class = OpmerkingUpdateForm
    success_message = _("Uw opmerking is bijgewerkt.")
    title = _("Opmerking bewerken")

    def allowed(self) -> bool:
        return can_change_remark(self.request.user, self.opmerking)

    def get_initial(self):
        return {"tekst": self.opmerking.tekst}

    def perform(self, form):
        return services.opmerking_update(
            opmerking=self.opmerking,
            tekst=form.cleaned_data["tekst"],
            user=self.request.user,
            reason=form.reason(_("Opmerking bewerkt")),
        )


class OpmerkingWithdrawView(_OneRemarkView):
    permission_required = "acties.change_opmerking"
    form_class = OpmerkingWithdrawForm
    success_message = _("Uw opmerking is ingetrokken.")
    title = _("Opmerking intrekken")

    def allowed(self) -> bool:
        return can_change_remark(self.request.user, self.opmerking)

    def perform(self, form):
        return services.opmerking_withdraw(
            opmerking=self.opmerking,
            user=self.request.user,
            reason=form.cleaned_data["reden"].strip(),
        )


class OpmerkingAnsweredView(_OneRemarkView):
    """A button on the record's page (POST); GET shows the same question on a
    page of its own, to confirm."""

    permission_required = "acties.change_opmerking"
    form_class = forms.Form  # the POST carries no fields
    template_name = "acties/opmerking_beantwoord.html"
    title = _("Vraag als beantwoord markeren")

    def allowed(self) -> bool:
        return can_mark_answered(self.request.user, self.opmerking)

    def post(self, request, *args, **kwargs):
        try:
            vraag = services.opmerking_mark_answered(
                vraag=self.opmerking, user=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(self.opmerking.get_absolute_url())
        messages.success(request, _("De vraag is als beantwoord gemarkeerd."))
        return HttpResponseRedirect(vraag.get_absolute_url())


class OpenVragenView(RoleRequiredMixin, ListView):
    """``/opmerkingen/``: open questions, the reader's own and those on the
    records the reader's role looks after (officers actions and evaluations,
    the griffie mandates), or all; per programme."""

    permission_required = "acties.view_opmerking"
    template_name = "acties/open_vragen.html"
    paginate_by = 50
    VIEWS = {
        "mijn": _("Mijn vragen"),
        "voor-mij": _("Voor mijn rol"),
        "alle": _("Alle open vragen"),
    }

    @cached_property
    def scope(self) -> str:
        wanted = self.request.GET.get("weergave", "")
        return wanted if wanted in self.VIEWS else "voor-mij"

    @cached_property
    def programma(self):
        value = self.request.GET.get("programma", "")
        if not value.isdigit():
            return None
        return Programma.objects.filter(pk=int(value)).first()

    def get_queryset(self):
        user = self.request.user
        rows = selectors.open_vragen(programma=self.programma)
        if self.scope == "mijn":
            return rows.filter(auteur=user)
        if self.scope == "voor-mij":
            # The kinds of record the reader's role looks after (may change):
            # officers actions and evaluations, the griffie mandates.
            condition = remarks.looked_after_by(user)
            return rows.none() if condition is None else rows.filter(condition)
        return rows

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            query=query.urlencode(),
            weergaven=[
                (key, label, key == self.scope) for key, label in self.VIEWS.items()
            ],
            programma=self.programma,
            programmas=Programma.objects.order_by("-periode_start", "titel"),
            breadcrumbs=breadcrumbs((_("Open vragen"), None)),
            **kwargs,
        )
