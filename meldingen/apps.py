from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeldingenConfig(AppConfig):
    name = "meldingen"
    verbose_name = _("meldingen")

    def ready(self):
        from . import receivers, tasks  # noqa: F401  (tasks: known to the queue)

        receivers.connect()
