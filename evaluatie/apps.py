from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluatieConfig(AppConfig):
    name = "evaluatie"
    verbose_name = _("tussenevaluaties")

    def ready(self):
        from acties import remarks

        from . import jobs  # noqa: F401  (registers the PDF job)
        from .models import Tussenevaluatie
        from .views import evaluatie_crumbs

        # Review remarks on the evaluation itself (the remarks live a floor
        # below, in acties, and reach it through their generic link).
        remarks.register(
            remarks.Subject(
                model=Tussenevaluatie,
                place_url="evaluatie:opmerking-create",
                noun=_("evaluatie"),
                label=lambda evaluatie: evaluatie.titel,
                crumbs=evaluatie_crumbs,
            )
        )
