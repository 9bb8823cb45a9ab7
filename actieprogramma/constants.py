from django.db import models
from django.utils.translation import gettext_lazy as _


class Rol(models.TextChoices):
    """The roles of the design; each is a Django group of the same name."""

    BELEIDSMEDEWERKER = "beleidsmedewerker", _("beleidsmedewerker")
    GRIFFIE = "griffie", _("griffie")
    COORDINATOR = "coordinator", _("coördinator")
