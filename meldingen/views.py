"""A person's e-mail settings, and the messages sent to them lately."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from basis.views import breadcrumbs
from beveiliging.security_log import security_event

from .forms import MeldingsvoorkeurForm
from .models import Bericht, Meldingsvoorkeur


class VoorkeurenView(LoginRequiredMixin, FormView):
    """Each signed-in person manages their own settings, and only those."""

    template_name = "meldingen/voorkeuren.html"
    form_class = MeldingsvoorkeurForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = Meldingsvoorkeur.objects.filter(
            gebruiker=self.request.user
        ).first() or Meldingsvoorkeur(gebruiker=self.request.user)
        return kwargs

    def form_valid(self, form):
        changed = form.changed_data
        form.save()
        if changed:
            security_event(
                self.request,
                "notification_preferences",
                obj=" ".join(
                    f"{name}={'aan' if form.cleaned_data[name] else 'uit'}"
                    for name in changed
                ),
            )
        messages.success(self.request, _("Uw meldingsinstellingen zijn opgeslagen."))
        return redirect("meldingen:voorkeuren")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            berichten=Bericht.objects.filter(ontvanger=self.request.user)[:15],
            breadcrumbs=breadcrumbs((_("Meldingen"), None)),
            **kwargs,
        )
