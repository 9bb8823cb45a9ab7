from django.contrib import admin

from basis.admin import ViewOnlyAdmin

from .models import Bericht


@admin.register(Bericht)
class BerichtAdmin(ViewOnlyAdmin):
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
