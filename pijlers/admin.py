from django.contrib import admin

from basis.admin import AuditedAdmin

from . import services
from .models import Actielijn, ActielijnPijler, Pijler, Programma


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

    def create_record(self, request, values, reason):
        return services.programma_create(user=request.user, reason=reason, **values)

    def update_record(self, request, current, values, reason):
        if "openbaar" in values:
            current = services.programma_set_public(
                programma=current,
                openbaar=values.pop("openbaar"),
                user=request.user,
                reason=reason,
            )
        return services.programma_update(
            programma=current, user=request.user, reason=reason, **values
        )


@admin.register(Pijler)
class PijlerAdmin(AuditedAdmin):
    fixed_after_create = ("programma",)
    list_display = ["naam", "programma", "volgorde"]
    list_filter = ["programma"]

    def create_record(self, request, values, reason):
        return services.pijler_create(user=request.user, reason=reason, **values)

    def update_record(self, request, current, values, reason):
        return services.pijler_update(
            pijler=current, user=request.user, reason=reason, **values
        )


@admin.register(Actielijn)
class ActielijnAdmin(AuditedAdmin):
    fixed_after_create = ("programma",)
    list_display = ["nummer", "naam", "programma"]
    list_filter = ["programma"]
    inlines = [ActielijnPijlerInline]

    def create_record(self, request, values, reason):
        return services.actielijn_create(user=request.user, reason=reason, **values)

    def update_record(self, request, current, values, reason):
        return services.actielijn_update(
            actielijn=current, user=request.user, reason=reason, **values
        )
