from django.contrib import admin

from pijlers.admin import AuditedAdmin

from .constants import EvaluatieStatus
from .models import Bevinding, Tussenevaluatie


class BevindingInline(admin.StackedInline):
    model = Bevinding
    extra = 0


@admin.register(Tussenevaluatie)
class TussenevaluatieAdmin(AuditedAdmin):
    list_display = ["titel", "programma", "peildatum", "status"]
    list_filter = ["programma", "status"]
    readonly_fields = [
        "status",
        "definitief_op",
        "definitief_door",
        "pdf",
        "pdf_sha256",
    ]
    inlines = [BevindingInline]

    def has_change_permission(self, request, obj=None):
        # A final evaluation is frozen, for everyone.
        if obj is not None and obj.status == EvaluatieStatus.DEFINITIEF:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status == EvaluatieStatus.DEFINITIEF:
            return False
        return super().has_delete_permission(request, obj)
