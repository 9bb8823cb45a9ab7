from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BasisConfig(AppConfig):
    """The building blocks every app's pages use: base views, forms and admin,
    the input guards, charts, CSV and the request transaction."""

    name = "basis"
    verbose_name = _("basis")
