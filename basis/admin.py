"""The admin's audited pages: a reason on every save, the merge, read-only history."""

from django import forms
from django.contrib import admin
from django.db import DEFAULT_DB_ALIAS, transaction
from django.http import HttpResponseNotAllowed
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from historie.chain import lock_chains
from historie.merge import BASIS, EditConflict, MergeFormMixin, when_text
from historie.records import (
    create_with_history,
    delete_with_history,
    save_with_history,
    update_with_history,
)

from .forms import NoVictimDataMixin

REASON_FIELD = "wijzigingsreden"


class ReasonForm(MergeFormMixin, NoVictimDataMixin, forms.ModelForm):
    """Adds the change reason that every admin save must give for the history.

    Like every form of the application, it refuses a possible BSN in free text,
    and it merges with what others saved since the page was opened
    (``historie.merge``): only the fields this person changed are saved. The
    admin's pages have no room for the application's side-by-side choice, so a
    field both changed is an error on that field that names the other value;
    the page then starts from the current version, so saving again keeps one's
    own value and anything else the other person changed stays theirs.
    """

    merge_machinery = frozenset({BASIS, REASON_FIELD})

    wijzigingsreden = forms.CharField(
        label=_("Reden van de wijziging"),
        help_text=_("Komt in de historie, bij uw naam en het tijdstip."),
        max_length=500,
        widget=forms.TextInput(attrs={"size": 80}),
    )
    # Declared so that the admin's form factory accepts it in the fieldsets;
    # the merge replaces it with its own when the record exists.
    basis = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        # The token is the merge's, read from the posted data: never a value.
        cleaned.pop(BASIS, None)
        if self.merging and self.merge_base is not None:
            current = type(self.instance)._default_manager.get(pk=self.instance.pk)
            try:
                self.merge(current)
            except EditConflict as conflict:
                self._start_again_from(conflict)
        return cleaned

    def _start_again_from(self, conflict: EditConflict) -> None:
        data = self.data.copy()
        for name, value in self.merged_initial(conflict.current_values).items():
            key = self.add_prefix(name)
            if isinstance(value, list):
                data.setlist(key, [str(v) for v in value])
            elif isinstance(value, bool):
                data[key] = "true" if value else "false"
            else:
                data[key] = "" if value is None else str(value)
        data[self.add_prefix(BASIS)] = self.snapshot(values=conflict.current_values)
        self.data = data
        for item in conflict.conflicts:
            when = when_text(item.at)
            self.add_error(
                item.name,
                gettext(
                    "%(by)s heeft dit veld intussen gewijzigd%(when)s in ‘%(theirs)s’; "
                    "u vulde ‘%(mine)s’ in. Sla opnieuw op om uw waarde te bewaren, "
                    "of neem die van de ander over."
                )
                % {
                    "by": item.by,
                    "when": f" ({when})" if when else "",
                    "theirs": item.theirs,
                    "mine": item.mine,
                },
            )


class DisabledFieldsMixin:
    """A form whose fields show their values and ignore anything posted."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.disabled = True


class ViewOnlyAdmin(admin.ModelAdmin):
    """Operational rows (jobs, sent messages) that operators read and nobody
    edits: no add, change or delete, whatever the permissions say."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's admin, with history pages that only show.

    ``SIMPLE_HISTORY_REVERT_DISABLED`` merely hides the revert button: the
    page of a historical version still saves any form posted to it, and checks
    no more than the right to view. A coordinator could so rewrite a final
    evaluation, or a mandate–action link that nobody may change. History is a
    record of what happened, so that page answers only GET (and HEAD); every
    other method gets 405 before anything is read or written. Every admin with
    history derives from this class, never from ``SimpleHistoryAdmin`` itself.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in {"GET", "HEAD"}:
            return HttpResponseNotAllowed(["GET", "HEAD"])
        request.showing_history = True
        return super().history_form_view(
            request, object_id, version_id, extra_context=extra_context
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if getattr(request, "showing_history", False):
            # The version is shown in its form, but as values, not as inputs.
            form = type(form.__name__, (DisabledFieldsMixin, form), {})
        return form

    def revert_disabled(self, request, obj=None):
        # Whatever the settings or permissions say: the page title reads "View".
        return True


def _model_fields(form) -> list[str]:
    """The form's fields that are the model's own (not the reason, the token)."""
    names = {field.name for field in form._meta.model._meta.concrete_fields}
    return [name for name in form.cleaned_data if name in names]


def _become(obj, saved) -> None:
    """Let the admin's ``obj`` be the record the service saved: the admin goes
    on with the object it passed in (the log entry, the inlines, the redirect)."""
    obj.__dict__.update(saved.__dict__)


def _lock_first(request) -> None:
    if request.method not in {"GET", "HEAD", "OPTIONS"}:
        lock_chains(DEFAULT_DB_ALIAS)


class AuditedAdmin(ReadOnlyHistoryAdmin):
    """Admin whose every write leaves a history row with the user and a reason.

    Inline records are saved one by one through the same helpers, so that a
    change made in the admin is as traceable as one made in the application.
    """

    form = ReasonForm

    # Every admin page that posts writes history (a change, an addition, a
    # deletion, a bulk action on the list): it takes the history chains' lock
    # before it reads, locks or writes any row, as every service does
    # (``historie.records.history_writer``), or it could deadlock with one. The
    # admin's views run inside the request's transaction, which holds the lock.

    def changeform_view(self, request, *args, **kwargs):
        _lock_first(request)
        return super().changeform_view(request, *args, **kwargs)

    def changelist_view(self, request, *args, **kwargs):
        _lock_first(request)
        return super().changelist_view(request, *args, **kwargs)

    def delete_view(self, request, *args, **kwargs):
        _lock_first(request)
        return super().delete_view(request, *args, **kwargs)

    def get_object(self, request, object_id, from_field=None):
        """On a post, the record locked until the request ends.

        The form compares with the current record (``ReasonForm.clean``) and
        the save writes only this person's fields; under the row lock, taken
        after the history chains' lock, nobody's save slips in between.
        """
        obj = super().get_object(request, object_id, from_field=from_field)
        if obj is None or request.method != "POST":
            return obj
        return type(obj)._default_manager.select_for_update().filter(pk=obj.pk).first()

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if getattr(request, "showing_history", False):
            return fieldsets  # nothing is saved there, so no reason is asked
        if not self.has_change_permission(request, obj) and obj is not None:
            return fieldsets
        fields = [f for _name, opts in fieldsets for f in opts.get("fields", ())]
        if REASON_FIELD in fields:
            return fieldsets
        return [
            *fieldsets,
            (_("Verantwoording"), {"fields": [REASON_FIELD, BASIS]}),
        ]

    def get_formsets_with_inlines(self, request, obj=None):
        # Inline records are typed in the same page: the same safeguard.
        for inline in self.get_inline_instances(request, obj):
            form = inline.form
            if not issubclass(form, NoVictimDataMixin):
                form = type(form.__name__, (NoVictimDataMixin, form), {})
            yield inline.get_formset(request, obj, form=form), inline

    def get_fields(self, request, obj=None):
        fields = [
            f
            for f in super().get_fields(request, obj)
            if f not in {REASON_FIELD, BASIS}
        ]
        return fields

    @staticmethod
    def reason(form) -> str:
        return form.cleaned_data[REASON_FIELD]

    # Fields set when the record is made and never moved afterwards (a pillar
    # stays with its programme): read-only on the change page.
    fixed_after_create: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly += [f for f in self.fixed_after_create if f not in readonly]
        return readonly

    def save_model(self, request, obj, form, change):
        """Through ``create_record`` and ``update_record``: the app's services.

        A change writes only the fields this person changed: the form has
        written every field it shows into ``obj``, and saving that would put
        back what someone else changed since the page was opened.
        """
        reason = self.reason(form)
        if not change:
            values = {name: form.cleaned_data[name] for name in _model_fields(form)}
            _become(obj, self.create_record(request, values, reason))
            return
        if not getattr(form, "merging", False):
            current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
            fields = [name for name in form.changed_data if name in _model_fields(form)]
        else:
            with transaction.atomic(using=DEFAULT_DB_ALIAS):
                lock_chains(DEFAULT_DB_ALIAS)
                current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
                fields = form.merge(current, keep_theirs_on_conflict=True)
        if fields:
            values = {name: form.cleaned_data[name] for name in fields}
            current = self.update_record(request, current, values, reason)
        _become(obj, current)

    def create_record(self, request, values: dict, reason: str):
        """Create the record from the form's values; returns it saved.

        An app whose record has rules in its services overrides this (and
        ``update_record``) to call them, or makes the fields those rules guard
        read-only here, so that the admin cannot go around them.
        """
        return create_with_history(self.model, values, user=request.user, reason=reason)

    def update_record(self, request, current, values: dict, reason: str):
        """Write ``values``, the fields this person changed, into ``current``."""
        update_with_history(current, values, user=request.user, reason=reason)
        return current

    def save_related(self, request, form, formsets, change):
        form.save_m2m()
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        reason = self.reason(form)
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            delete_with_history(obj, user=request.user, reason=reason)
        for obj in instances:
            save_with_history(obj, user=request.user, reason=reason)

    def delete_model(self, request, obj):
        delete_with_history(
            obj, user=request.user, reason=str(_("Verwijderd via het beheer"))
        )

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
