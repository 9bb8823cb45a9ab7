from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PijlersConfig(AppConfig):
    name = "pijlers"
    verbose_name = _("programmastructuur")
