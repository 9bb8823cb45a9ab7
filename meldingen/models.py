"""E-mail notices and digests: what each person wants, and every message sent.

A message is a row before it is mail (``Bericht``): sending happens after the
change that caused it is committed, by the job queue, with retries; a message
that could not be delivered stays visible (to its recipient on their
notification page, to operators in the admin) with the reason. Messages hold
titles, codes and links only, never victim data or progress texts.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BerichtSoort(models.TextChoices):
    WEEKOVERZICHT = "weekoverzicht", _("weekoverzicht")
    VERGADERING = "vergadering", _("overzicht vóór een vergadering")
    OPMERKING = "opmerking", _("opmerking bij mijn actie")
    ANTWOORD = "antwoord", _("reactie op mijn vraag")
    AFDOENING_VOORGESTELD = "afdoening_voorgesteld", _("afdoening voorgesteld")
    AFDOENING_BESLOTEN = "afdoening_besloten", _("besluit over mijn afdoeningsvoorstel")


# The preference (a field of Meldingsvoorkeur) that switches each kind on or off.
VOORKEUR_VAN = {
    BerichtSoort.WEEKOVERZICHT: "weekoverzicht",
    BerichtSoort.VERGADERING: "voor_vergadering",
    BerichtSoort.OPMERKING: "opmerkingen",
    BerichtSoort.ANTWOORD: "antwoorden",
    BerichtSoort.AFDOENING_VOORGESTELD: "afdoening",
    BerichtSoort.AFDOENING_BESLOTEN: "afdoening",
}


class Meldingsvoorkeur(models.Model):
    """What one person wants by e-mail; everything is on until they say not."""

    gebruiker = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="meldingsvoorkeur",
        verbose_name=_("gebruiker"),
    )
    weekoverzicht = models.BooleanField(
        _("weekoverzicht"),
        default=True,
        help_text=_(
            "Elke maandag: uw acties en raadsopdrachten die te laat zijn of "
            "binnenkort moeten zijn afgerond."
        ),
    )
    voor_vergadering = models.BooleanField(
        _("overzicht vóór een vergadering"),
        default=True,
        help_text=_(
            "Enkele dagen voor een raads- of commissievergadering: wat vóór die "
            "vergadering moet zijn afgedaan."
        ),
    )
    opmerkingen = models.BooleanField(
        _("opmerkingen bij mijn acties"),
        default=True,
        help_text=_(
            "Als iemand een vraag of opmerking plaatst bij een actie waarvan u "
            "contactpersoon bent; voor coördinatoren ook bij een tussenevaluatie."
        ),
    )
    antwoorden = models.BooleanField(
        _("reacties op mijn vragen"),
        default=True,
        help_text=_("Als iemand reageert op een vraag die u stelde."),
    )
    afdoening = models.BooleanField(
        _("afdoening van raadsopdrachten"),
        default=True,
        help_text=_(
            "Griffie: als een afdoening wordt voorgesteld. Beleidsmedewerker: als "
            "uw voorstel wordt bevestigd of teruggegeven."
        ),
    )
    gewijzigd_op = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        verbose_name = _("meldingsvoorkeur")
        verbose_name_plural = _("meldingsvoorkeuren")

    def __str__(self) -> str:
        return str(self.gebruiker)


class BerichtStatus(models.TextChoices):
    WACHTEND = "wachtend", _("wacht op verzending")
    VERZONDEN = "verzonden", _("verzonden")
    MISLUKT = "mislukt", _("niet bezorgd")


class Bericht(models.Model):
    ontvanger = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="berichten",
        verbose_name=_("ontvanger"),
    )
    adres = models.EmailField(_("e-mailadres"))
    soort = models.CharField(_("soort"), max_length=30, choices=BerichtSoort.choices)
    onderwerp = models.CharField(_("onderwerp"), max_length=250)
    tekst = models.TextField(_("tekst"))
    html = models.TextField(_("HTML"))
    # A digest is sent once per person and week or meeting: the key says which.
    sleutel = models.CharField(
        _("sleutel"), max_length=120, unique=True, null=True, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=BerichtStatus.choices,
        default=BerichtStatus.WACHTEND,
    )
    pogingen = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    fout = models.CharField(_("laatste fout"), max_length=500, blank=True)
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    verzonden_op = models.DateTimeField(_("verzonden op"), null=True, blank=True)

    class Meta:
        verbose_name = _("bericht")
        verbose_name_plural = _("berichten")
        ordering = ["-aangemaakt_op", "-id"]
        indexes = [
            models.Index(fields=["ontvanger", "-aangemaakt_op"]),
            models.Index(fields=["status", "aangemaakt_op"]),
        ]

    def __str__(self) -> str:
        return f"{self.onderwerp} → {self.adres}"
