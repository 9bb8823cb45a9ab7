from django import forms
from django.contrib import admin
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


class AuditedAdmin(SimpleHistoryAdmin):
    """Admin whose every write leaves a history row with the user and a reason.

    Inline records are saved one by one through the same helpers, so that a
    change made in the admin is as traceable as one made in the application.
    """

    form = ReasonForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
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
