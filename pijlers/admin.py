from django.contrib import admin

from basis.admin import AuditedAdmin

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


@admin.register(Pijler)
class PijlerAdmin(AuditedAdmin):
    list_display = ["naam", "programma", "volgorde"]
    list_filter = ["programma"]


@admin.register(Actielijn)
class ActielijnAdmin(AuditedAdmin):
    list_display = ["nummer", "naam", "programma"]
    list_filter = ["programma"]
    inlines = [ActielijnPijlerInline]
