from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TakenConfig(AppConfig):
    name = "taken"
    verbose_name = _("taken")

    def ready(self):
        from . import tasks  # noqa: F401  (the jobs, known to the queue at start)
