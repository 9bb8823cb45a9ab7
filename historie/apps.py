from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HistorieConfig(AppConfig):
    """The audit machinery: history rows, their hash chain, diffs and merges."""

    name = "historie"
    verbose_name = _("historie")
