from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError

from basis.admin import AuditedAdmin

from . import services
from .constants import EvaluatieStatus
from .models import Bevinding, Tussenevaluatie


class BevindingInline(admin.StackedInline):
    model = Bevinding
    extra = 0


@admin.register(Tussenevaluatie)
class TussenevaluatieAdmin(AuditedAdmin):
    fixed_after_create = ("programma",)
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

    # Through the evaluation services, like every other write. The permission
    # checks above saw the evaluation as it was read; the update service locks
    # the row and refuses it if it was made final in the meantime. The findings
    # inline are saved after this, in the same transaction and under that
    # lock, so they cannot slip past it either.

    def create_record(self, request, values, reason):
        return services.tussenevaluatie_create(
            user=request.user, reason=reason, **values
        )

    def update_record(self, request, current, values, reason):
        try:
            return services.tussenevaluatie_update(
                tussenevaluatie=current, user=request.user, reason=reason, **values
            )
        except ValidationError as exc:
            raise PermissionDenied(exc.messages[0]) from exc
