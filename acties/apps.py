from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActiesConfig(AppConfig):
    name = "acties"
    verbose_name = _("acties")

    def ready(self):
        from . import import_views  # noqa: F401  (registers the import job)
