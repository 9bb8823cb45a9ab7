from django.contrib import admin

from .models import Bericht


@admin.register(Bericht)
class BerichtAdmin(admin.ModelAdmin):
    """Read-only: operators see what was sent, what waits and what failed."""

    list_display = (
        "onderwerp",
        "adres",
        "soort",
        "status",
        "pogingen",
        "aangemaakt_op",
    )
    list_filter = ("status", "soort")
    search_fields = ("onderwerp", "adres")
    exclude = ("html",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
