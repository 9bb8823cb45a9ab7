from django.db import models
from django.utils.translation import gettext_lazy as _


class EvaluatieStatus(models.TextChoices):
    CONCEPT = "concept", _("concept")
    DEFINITIEF = "definitief", _("definitief")
