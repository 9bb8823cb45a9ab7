from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluatieConfig(AppConfig):
    name = "evaluatie"
    verbose_name = _("tussenevaluaties")

    def ready(self):
        from . import jobs  # noqa: F401  (registers the PDF job)
