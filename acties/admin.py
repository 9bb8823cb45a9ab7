from django.contrib import admin

from pijlers.admin import REASON_FIELD, AuditedAdmin

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


class RaadsopdrachtActieInline(admin.TabularInline):
    model = RaadsopdrachtActie
    extra = 0
    autocomplete_fields = ["actie"]


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


@admin.register(Actie)
class ActieAdmin(AuditedAdmin):
    list_display = ["code", "titel", "actielijn", "status", "voortgang", "trekker"]
    list_filter = ["programma", "actielijn", "status", "is_voorbeeld"]
    search_fields = ["code", "titel", "omschrijving"]
    list_select_related = ["actielijn", "trekker"]
    autocomplete_fields = ["trekker"]
    inlines = [ActiePartnerInline, VoortgangsupdateInline]

    def save_model(self, request, obj, form, change):
        """Through the action services, so the version and programme stay right."""
        values = {
            name: form.cleaned_data[name]
            for name in (form.changed_data if change else form.cleaned_data)
            if name != REASON_FIELD
        }
        if change:
            services.actie_update(
                actie=obj,
                versie=None,
                user=request.user,
                reason=self.reason(form),
                **values,
            )
        else:
            actielijn = values.pop("actielijn")
            created = services.actie_create(
                actielijn=actielijn,
                user=request.user,
                reason=self.reason(form),
                **values,
            )
            obj.pk = created.pk
            obj.__dict__.update(created.__dict__)


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
    list_display = ["naam", "actie", "nulwaarde", "streefwaarde", "streefdatum"]
    list_select_related = ["actie"]
    inlines = [MetingInline]


@admin.register(Meting)
class MetingAdmin(AuditedAdmin):
    list_display = ["indicator", "datum", "waarde"]
    list_select_related = ["indicator"]


@admin.register(Raadsopdracht)
class RaadsopdrachtAdmin(AuditedAdmin):
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


@admin.register(RaadsopdrachtActie)
class RaadsopdrachtActieAdmin(AuditedAdmin):
    list_display = ["raadsopdracht", "actie", "toelichting"]
    list_select_related = ["raadsopdracht", "actie"]
    autocomplete_fields = ["raadsopdracht", "actie"]
