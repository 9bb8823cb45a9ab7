from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActieprogrammaConfig(AppConfig):
    name = "actieprogramma"
    verbose_name = _("actieprogramma-tracker")

    def ready(self):
        from . import security_events

        security_events.connect()
