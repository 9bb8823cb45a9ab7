from django.contrib import admin

from .models import Taak


@admin.register(Taak)
class TaakAdmin(admin.ModelAdmin):
    """Read-only: operators see what failed and why; jobs are not edited."""

    list_display = ("id", "titel", "soort", "status", "gebruiker", "aangemaakt_op")
    list_filter = ("status", "soort")
    search_fields = ("titel", "melding")
    exclude = ("parameters",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
