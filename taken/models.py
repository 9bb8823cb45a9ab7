"""A job: long work (a PDF, a large import) that a worker does for a person.

The row is what the person sees: whether it waits, runs or is done, how far it
is, the file it made, and in plain Dutch why it failed. A job that cannot be
handed to the queue is marked failed at once, so nothing is silently lost.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TaakStatus(models.TextChoices):
    WACHTEND = "wachtend", _("wacht op een verwerker")
    BEZIG = "bezig", _("bezig")
    KLAAR = "klaar", _("klaar")
    MISLUKT = "mislukt", _("mislukt")


TAAK_AFGELOPEN = (TaakStatus.KLAAR, TaakStatus.MISLUKT)


class Taak(models.Model):
    soort = models.CharField(_("soort"), max_length=40)
    titel = models.CharField(_("titel"), max_length=250)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=TaakStatus.choices,
        default=TaakStatus.WACHTEND,
    )
    voortgang = models.PositiveSmallIntegerField(_("voortgang (%)"), default=0)
    stap = models.CharField(_("stap"), max_length=200, blank=True)
    melding = models.CharField(
        _("melding"),
        max_length=2000,
        blank=True,
        help_text=_("wat de aanvrager leest als de taak klaar of mislukt is"),
    )
    vervolg_url = models.CharField(_("vervolg"), max_length=500, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    resultaat = models.JSONField(
        _("resultaat"),
        default=dict,
        blank=True,
        help_text=_("wat de taak oplevert voor de volgende pagina"),
    )
    bestand = models.FileField(_("bestand"), upload_to="taken/", blank=True)
    bestandsnaam = models.CharField(_("bestandsnaam"), max_length=250, blank=True)
    gebruiker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="taken",
        verbose_name=_("aangevraagd door"),
    )
    aangemaakt_op = models.DateTimeField(_("aangevraagd op"), default=timezone.now)
    gestart_op = models.DateTimeField(_("gestart op"), null=True, blank=True)
    klaar_op = models.DateTimeField(_("afgelopen op"), null=True, blank=True)

    class Meta:
        verbose_name = _("taak")
        verbose_name_plural = _("taken")
        ordering = ["-aangemaakt_op", "-id"]
        indexes = [models.Index(fields=["gebruiker", "-aangemaakt_op"])]

    def __str__(self) -> str:
        return f"{self.titel} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("taken:detail", args=[self.pk])

    @property
    def afgelopen(self) -> bool:
        return self.status in TAAK_AFGELOPEN
