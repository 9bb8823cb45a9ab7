"""View machinery shared by the apps: permission checks and service-backed forms."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from historie.chain import lock_chains
from historie.merge import BASIS, EditConflict

from .forms import apply_service_errors


def breadcrumbs(*items: tuple) -> list[tuple]:
    """The breadcrumb trail of a page: the dashboard, then ``(label, url)``
    items, the last with ``None`` for the page itself."""
    return [(_("Dashboard"), reverse("home")), *items]


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


class MergeServiceFormView(ServiceFormView):
    """The edit page of one tracked record: a three-way merge, never a stale
    overwrite (``historie.merge``).

    Under the record's row lock (after the history chains' lock, in the order
    every writer takes them), the form works out which fields this person
    changed and nobody else did; only those go to the service, in
    ``perform(form, current=..., fields=...)``. When someone else changed the
    same field differently, nothing is saved and the page asks per field which
    value stays, with everything typed kept.
    """

    nothing_changed_message = _("U hebt niets gewijzigd; er is niets opgeslagen.")

    def get_object(self) -> models.Model:
        raise NotImplementedError

    def perform(self, form, *, current, fields):
        raise NotImplementedError

    def form_valid(self, form):
        record = self.get_object()
        try:
            with transaction.atomic(using=DEFAULT_DB_ALIAS):
                lock_chains(DEFAULT_DB_ALIAS)
                current = (
                    type(record)
                    ._default_manager.select_for_update()
                    .filter(pk=record.pk)
                    .first()
                )
                if current is None:
                    raise Http404(_("Dit record is intussen verwijderd."))
                fields = form.merge(current)
                result = (
                    self.perform(form, current=current, fields=fields)
                    if fields
                    else current
                )
        except EditConflict as conflict:
            return self.conflict_response(form, conflict)
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        if fields:
            if self.success_message:
                messages.success(self.request, self.get_success_message(result))
        else:
            messages.info(self.request, self.nothing_changed_message)
        return HttpResponseRedirect(self.get_success_url(result))

    def get_context_data(self, **kwargs):
        """The version being edited: its last recorded change, who and when."""
        record = self.get_object()
        kwargs.setdefault(
            "last_change",
            record.history.select_related("history_user")
            .order_by("-history_date", "-history_id")
            .first(),
        )
        return super().get_context_data(**kwargs)

    def conflict_response(self, form, conflict: EditConflict):
        """The page again, merged as far as it goes, asking about the conflicts."""
        kwargs = self.get_form_kwargs()
        kwargs.pop("data", None)
        kwargs.pop("files", None)
        record = self.get_object()
        # Someone else saved since this page was read: the page shows the
        # record as it is now (its title in the breadcrumbs, for one).
        record.refresh_from_db()
        kwargs["instance"] = record
        token = form.snapshot(
            values=conflict.current_values, conflicts=conflict.conflicts
        )
        kwargs["initial"] = {**form.merged_initial(conflict.current_values)}
        kwargs["initial"][BASIS] = token
        merged = self.get_form_class()(conflicts=conflict.conflicts, **kwargs)
        return self.render_to_response(
            self.get_context_data(form=merged, conflicts=conflict.conflicts)
        )
