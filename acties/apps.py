from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActiesConfig(AppConfig):
    name = "acties"
    verbose_name = _("acties")

    def ready(self):
        from . import (
            import_views,  # noqa: F401  (registers the import job)
            remarks,
            views,
        )
        from .models import Actie, Raadsopdracht

        remarks.register(
            remarks.Subject(
                model=Actie,
                place_url="acties:actie-opmerking-create",
                noun=_("actie"),
                label=lambda actie: _("actie %s") % actie.code,
                crumbs=views.actie_crumbs,
                field="actie",
            )
        )
        remarks.register(
            remarks.Subject(
                model=Raadsopdracht,
                place_url="acties:raadsopdracht-opmerking-create",
                noun=_("raadsopdracht"),
                label=lambda opdracht: opdracht.kop,
                crumbs=views.raadsopdracht_crumbs,
                field="raadsopdracht",
            )
        )
