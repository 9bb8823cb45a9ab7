from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from basis.admin import AuditedAdmin, ReasonForm

from . import services
from .models import (
    Actie,
    ActiePartner,
    Indicator,
    Meting,
    Organisatie,
    Raadsopdracht,
    RaadsopdrachtActie,
    Voortgangsupdate,
)


class ActiePartnerInline(admin.TabularInline):
    model = ActiePartner
    extra = 0
    autocomplete_fields = ["organisatie"]


def _refuse_outside_scope(raadsopdracht, actie) -> None:
    """The link services' scope rule, for the admin's forms (which save rows
    themselves): a mandate carries out only actions of its own programmes."""
    if raadsopdracht is None or actie is None:
        return
    if not services.linkable_acties(raadsopdracht).filter(pk=actie.pk).exists():
        raise ValidationError({"actie": services.scope_error(raadsopdracht, actie)})


class RaadsopdrachtActieInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        # The mandate as this page is about to save it (its programme may be
        # changed on the same page).
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form):
                continue
            try:
                _refuse_outside_scope(self.instance, form.cleaned_data.get("actie"))
            except ValidationError as exc:
                form.add_error(None, exc.message_dict["actie"])


class RaadsopdrachtActieInline(admin.TabularInline):
    model = RaadsopdrachtActie
    formset = RaadsopdrachtActieInlineFormSet
    extra = 0
    autocomplete_fields = ["actie"]


class RaadsopdrachtActieForm(ReasonForm):
    def clean(self):
        cleaned = super().clean()
        _refuse_outside_scope(cleaned.get("raadsopdracht"), cleaned.get("actie"))
        return cleaned


class VoortgangsupdateInline(admin.StackedInline):
    model = Voortgangsupdate
    extra = 0
    fields = ["datum", "tekst", "auteur"]
    readonly_fields = ["auteur"]

    def has_add_permission(self, request, obj=None):
        # Updates carry their author; they are written in the application.
        return False


class MetingInline(admin.TabularInline):
    model = Meting
    extra = 0


@admin.register(Organisatie)
class OrganisatieAdmin(AuditedAdmin):
    list_display = ["naam", "afkorting", "soort"]
    list_filter = ["soort"]
    search_fields = ["naam", "afkorting"]

    def create_record(self, request, values, reason):
        return services.organisatie_create(user=request.user, reason=reason, **values)

    def update_record(self, request, current, values, reason):
        return services.organisatie_update(
            organisatie=current, user=request.user, reason=reason, **values
        )


class ActieAdminForm(ReasonForm):
    def clean(self):
        cleaned = super().clean()
        # The programme is not on the page: it follows the action line, and
        # the model's own check compares the two. Moving a linked action to
        # another programme is refused here as the service refuses it.
        actielijn = cleaned.get("actielijn")
        if actielijn is not None:
            if self.instance.pk:
                stored = Actie.objects.get(pk=self.instance.pk)
                services.check_move_keeps_links(stored, actielijn.programma_id)
            self.instance.programma_id = actielijn.programma_id
        return cleaned


class RaadsopdrachtAdminForm(ReasonForm):
    def clean(self):
        cleaned = super().clean()
        # The register's own rule (raadsopdracht_update): a linked mandate
        # does not move to another programme away from its actions.
        if self.instance.pk:
            stored = Raadsopdracht.objects.get(pk=self.instance.pk)
            services.check_links_stay_in_scope(
                stored,
                {
                    name: cleaned[name]
                    for name in ("programma", "programmaoverstijgend")
                    if name in cleaned
                },
            )
        return cleaned


@admin.register(Actie)
class ActieAdmin(AuditedAdmin):
    form = ActieAdminForm
    list_display = ["code", "titel", "actielijn", "status", "voortgang", "trekker"]
    list_filter = ["programma", "actielijn", "status", "is_voorbeeld"]
    search_fields = ["code", "titel", "omschrijving"]
    list_select_related = ["actielijn", "trekker"]
    autocomplete_fields = ["trekker"]
    inlines = [ActiePartnerInline, VoortgangsupdateInline]

    # Through the action services, so that the version and the programme
    # stay right and a move keeps the mandates' scope.

    def create_record(self, request, values, reason):
        values.pop("programma", None)  # it follows the action line
        return services.actie_create(user=request.user, reason=reason, **values)

    def update_record(self, request, current, values, reason):
        values.pop("programma", None)  # it follows the action line
        return services.actie_update(
            actie=current, versie=None, user=request.user, reason=reason, **values
        )


@admin.register(Voortgangsupdate)
class VoortgangsupdateAdmin(AuditedAdmin):
    list_display = ["actie", "datum", "auteur"]
    list_select_related = ["actie", "auteur"]
    readonly_fields = ["auteur"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.auteur = request.user
        super().save_model(request, obj, form, change)


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    fixed_after_create = ("actie",)
    list_display = ["naam", "actie", "nulwaarde", "streefwaarde", "streefdatum"]
    list_select_related = ["actie"]
    inlines = [MetingInline]

    def create_record(self, request, values, reason):
        return services.indicator_create(user=request.user, reason=reason, **values)

    def update_record(self, request, current, values, reason):
        return services.indicator_update(
            indicator=current, user=request.user, reason=reason, **values
        )


@admin.register(Meting)
class MetingAdmin(AuditedAdmin):
    fixed_after_create = ("indicator",)
    list_display = ["indicator", "datum", "waarde"]
    list_select_related = ["indicator"]

    def create_record(self, request, values, reason):
        return services.meting_create(user=request.user, reason=reason, **values)

    def update_record(self, request, current, values, reason):
        return services.meting_update(
            meting=current, user=request.user, reason=reason, **values
        )


@admin.register(Raadsopdracht)
class RaadsopdrachtAdmin(AuditedAdmin):
    form = RaadsopdrachtAdminForm
    list_display = [
        "nummer",
        "titel",
        "soort",
        "status",
        "datum_aangenomen",
        "deadline",
    ]
    list_filter = ["soort", "status", "programma"]
    search_fields = ["nummer", "titel", "tekst", "ris_nummer", "afdoeningsdocument"]
    inlines = [RaadsopdrachtActieInline]
    # Settling has rules of its own (a proposal with its explanation; the date
    # and the settling document), which live in the services behind the
    # register's pages. The admin shows where a mandate stands and leaves the
    # workflow to those pages, so that it cannot settle a mandate around them.
    readonly_fields = [
        "status",
        "afdoening_toelichting",
        "afgedaan_op",
        "afdoeningsdocument",
    ]

    def create_record(self, request, values, reason):
        return services.raadsopdracht_create(user=request.user, reason=reason, **values)

    def update_record(self, request, current, values, reason):
        return services.raadsopdracht_update(
            raadsopdracht=current, user=request.user, reason=reason, **values
        )


@admin.register(RaadsopdrachtActie)
class RaadsopdrachtActieAdmin(AuditedAdmin):
    form = RaadsopdrachtActieForm
    list_display = ["raadsopdracht", "actie", "toelichting"]
    list_select_related = ["raadsopdracht", "actie"]
    autocomplete_fields = ["raadsopdracht", "actie"]
