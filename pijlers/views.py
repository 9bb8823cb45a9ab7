"""View machinery shared by the apps: permission checks and service-backed forms."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.views.generic import FormView

from .forms import apply_service_errors


class RoleRequiredMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Anonymous users go to the login page; signed-in users without it get 403."""


class ServiceFormView(RoleRequiredMixin, FormView):
    """A form whose valid data goes to a service, never straight to ``save()``.

    Subclasses implement ``perform(form)`` (calls the service and returns the
    record to go to) and ``success_message``. A ``ValidationError`` from the
    service is shown on the form, and nothing is lost of what was typed.
    """

    success_message = ""

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.get_success_message(result))
        return HttpResponseRedirect(self.get_success_url(result))

    def get_success_message(self, result) -> str:
        return str(self.success_message)

    def get_success_url(self, result=None) -> str:
        return result.get_absolute_url()
