from django.contrib import admin

from basis.admin import ViewOnlyAdmin

from .models import Taak


@admin.register(Taak)
class TaakAdmin(ViewOnlyAdmin):
    """Read-only: operators see what failed and why; jobs are not edited."""

    list_display = ("id", "titel", "soort", "status", "gebruiker", "aangemaakt_op")
    list_filter = ("status", "soort")
    search_fields = ("titel", "melding")
    exclude = ("parameters",)
