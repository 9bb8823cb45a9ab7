from django import forms
from django.contrib import admin
from django.http import HttpResponseNotAllowed
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .forms import NoVictimDataMixin
from .history import delete_with_history, save_with_history
from .models import Actielijn, ActielijnPijler, Pijler, Programma

REASON_FIELD = "wijzigingsreden"


class ReasonForm(NoVictimDataMixin, forms.ModelForm):
    """Adds the change reason that every admin save must give for the history.

    Like every form of the application, it refuses a possible BSN in free text.
    """

    wijzigingsreden = forms.CharField(
        label=_("Reden van de wijziging"),
        help_text=_("Komt in de historie, bij uw naam en het tijdstip."),
        max_length=500,
        widget=forms.TextInput(attrs={"size": 80}),
    )


class DisabledFieldsMixin:
    """A form whose fields show their values and ignore anything posted."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.disabled = True


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


class AuditedAdmin(ReadOnlyHistoryAdmin):
    """Admin whose every write leaves a history row with the user and a reason.

    Inline records are saved one by one through the same helpers, so that a
    change made in the admin is as traceable as one made in the application.
    """

    form = ReasonForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if getattr(request, "showing_history", False):
            return fieldsets  # nothing is saved there, so no reason is asked
        if not self.has_change_permission(request, obj) and obj is not None:
            return fieldsets
        fields = [f for _name, opts in fieldsets for f in opts.get("fields", ())]
        if REASON_FIELD in fields:
            return fieldsets
        return [*fieldsets, (_("Verantwoording"), {"fields": [REASON_FIELD]})]

    def get_formsets_with_inlines(self, request, obj=None):
        # Inline records are typed in the same page: the same safeguard.
        for inline in self.get_inline_instances(request, obj):
            form = inline.form
            if not issubclass(form, NoVictimDataMixin):
                form = type(form.__name__, (NoVictimDataMixin, form), {})
            yield inline.get_formset(request, obj, form=form), inline

    def get_fields(self, request, obj=None):
        fields = [f for f in super().get_fields(request, obj) if f != REASON_FIELD]
        return fields

    @staticmethod
    def reason(form) -> str:
        return form.cleaned_data[REASON_FIELD]

    def save_model(self, request, obj, form, change):
        save_with_history(obj, user=request.user, reason=self.reason(form))

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


class PijlerInline(admin.TabularInline):
    model = Pijler
    extra = 0


class ActielijnPijlerInline(admin.TabularInline):
    model = ActielijnPijler
    extra = 0


@admin.register(Programma)
class ProgrammaAdmin(AuditedAdmin):
    list_display = ["titel", "slug", "periode_start", "periode_eind", "vastgesteld_op"]
    search_fields = ["titel", "slug", "ris_nummer", "kenmerk"]
    prepopulated_fields = {"slug": ["titel"]}
    inlines = [PijlerInline]


@admin.register(Pijler)
class PijlerAdmin(AuditedAdmin):
    list_display = ["naam", "programma", "volgorde"]
    list_filter = ["programma"]


@admin.register(Actielijn)
class ActielijnAdmin(AuditedAdmin):
    list_display = ["nummer", "naam", "programma"]
    list_filter = ["programma"]
    inlines = [ActielijnPijlerInline]
