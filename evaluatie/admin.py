from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError

from basis.admin import REASON_FIELD, AuditedAdmin

from . import services
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

    def save_model(self, request, obj, form, change):
        """Through the evaluation services, like every other write.

        The permission checks above saw the evaluation as it was read; the
        update service locks the row and refuses it if it was made final in
        the meantime. The findings inline are saved after this, in the same
        transaction and under that lock, so they cannot slip past it either.
        """
        values = {
            name: form.cleaned_data[name]
            for name in (form.changed_data if change else form.cleaned_data)
            if name != REASON_FIELD
        }
        if not change:
            created = services.tussenevaluatie_create(
                user=request.user, reason=self.reason(form), **values
            )
            obj.pk = created.pk
            obj.__dict__.update(created.__dict__)
            return
        # A fresh copy: the form has already written its values into ``obj``.
        current = Tussenevaluatie.objects.get(pk=obj.pk)
        try:
            services.tussenevaluatie_update(
                tussenevaluatie=current,
                user=request.user,
                reason=self.reason(form),
                **values,
            )
        except ValidationError as exc:
            raise PermissionDenied(exc.messages[0]) from exc
        obj.__dict__.update(current.__dict__)
