from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from basis.validators import MAX_LANGE_TOELICHTING, MAX_OMSCHRIJVING, limited_text
from historie.records import ChangeLog, tracked_history


class Programma(models.Model):
    """An action programme adopted by the council (e.g. mensenhandel 2025-2028)."""

    titel = models.CharField(_("titel"), max_length=200)
    slug = models.SlugField(
        _("korte naam"),
        max_length=80,
        unique=True,
        help_text=_("unieke naam in de adresbalk, bijvoorbeeld mensenhandel-2025-2028"),
    )
    gemeente = models.CharField(_("gemeente"), max_length=100)
    periode_start = models.DateField(_("begin van de looptijd"))
    periode_eind = models.DateField(_("einde van de looptijd"))
    voorgesteld_op = models.DateField(
        _("voorgesteld door het college op"), null=True, blank=True
    )
    vastgesteld_op = models.DateField(
        _("vastgesteld door de raad op"), null=True, blank=True
    )
    ris_nummer = models.CharField(
        _("RIS-nummer"),
        max_length=30,
        blank=True,
        help_text=_("bijvoorbeeld RIS320843"),
    )
    kenmerk = models.CharField(
        _("kenmerk"),
        max_length=60,
        blank=True,
        help_text=_("bijvoorbeeld OCW/10808144"),
    )
    doelstelling = limited_text(
        _("doelstelling"),
        limit=MAX_LANGE_TOELICHTING,
    )
    omschrijving = limited_text(
        _("omschrijving"),
        blank=True,
        limit=MAX_OMSCHRIJVING,
    )
    verantwoording = limited_text(
        _("verantwoording van de gegevens"),
        blank=True,
        limit=MAX_OMSCHRIJVING,
        help_text=_(
            "bronnen en redactionele keuzes bij het vastleggen (wat niet in de "
            "raadsdocumenten staat); de tussenevaluatie drukt dit af bij de methode"
        ),
    )
    portefeuillehouder = models.CharField(
        _("portefeuillehouder"),
        max_length=200,
        blank=True,
        help_text=_("de wethouder die de raad over het programma informeert"),
    )
    contact = models.CharField(
        _("contact"),
        max_length=200,
        blank=True,
        help_text=_(
            "wie vragen over de rapportages beantwoordt, bijvoorbeeld een afdeling "
            "met haar e-mailadres"
        ),
    )
    openbaar = models.BooleanField(
        _("openbare pagina"),
        default=False,
        help_text=_(
            "toont het programma zonder inloggen, zonder interne velden, met de "
            "open-data-downloads"
        ),
    )

    history = tracked_history(
        change_log=ChangeLog(search=("titel", "ris_nummer", "kenmerk"))
    )

    class Meta:
        verbose_name = _("programma")
        verbose_name_plural = _("programma's")
        ordering = ["-periode_start", "titel"]
        constraints = [
            models.CheckConstraint(
                condition=Q(periode_eind__gte=F("periode_start")),
                name="programma_periode_eind_na_start",
                violation_error_message=_(
                    "Het einde van de looptijd mag niet vóór het begin liggen."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.titel

    def get_absolute_url(self) -> str:
        return reverse("programma-detail", args=[self.pk])


class Pijler(models.Model):
    """One of the pillars on which a programme's approach rests."""

    programma = models.ForeignKey(
        Programma,
        on_delete=models.PROTECT,
        related_name="pijlers",
        verbose_name=_("programma"),
    )
    volgorde = models.PositiveSmallIntegerField(_("volgorde"))
    naam = models.CharField(_("naam"), max_length=150)
    omschrijving = limited_text(
        _("omschrijving"),
        blank=True,
        limit=MAX_OMSCHRIJVING,
    )

    history = tracked_history(change_log=ChangeLog(search=("naam",)))

    class Meta:
        verbose_name = _("pijler")
        verbose_name_plural = _("pijlers")
        ordering = ["programma", "volgorde"]
        constraints = [
            models.UniqueConstraint(
                fields=["programma", "volgorde"],
                name="pijler_volgorde_uniek_per_programma",
                violation_error_message=_(
                    "Dit programma heeft al een pijler met dit volgnummer."
                ),
            ),
            models.UniqueConstraint(
                fields=["programma", "naam"],
                name="pijler_naam_uniek_per_programma",
                violation_error_message=_(
                    "Dit programma heeft al een pijler met deze naam."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.naam


class Actielijn(models.Model):
    """A line of action of a programme: it carries actions and serves pillars."""

    programma = models.ForeignKey(
        Programma,
        on_delete=models.PROTECT,
        related_name="actielijnen",
        verbose_name=_("programma"),
    )
    nummer = models.PositiveSmallIntegerField(_("nummer"))
    naam = models.CharField(_("naam"), max_length=150)
    omschrijving = limited_text(
        _("omschrijving"),
        blank=True,
        limit=MAX_OMSCHRIJVING,
    )
    pijlers = models.ManyToManyField(
        Pijler,
        through="ActielijnPijler",
        related_name="actielijnen",
        verbose_name=_("pijlers"),
        blank=True,
    )

    history = tracked_history(change_log=ChangeLog(search=("naam",), via="actielijn"))

    class Meta:
        verbose_name = _("actielijn")
        verbose_name_plural = _("actielijnen")
        ordering = ["programma", "nummer"]
        constraints = [
            models.UniqueConstraint(
                fields=["programma", "nummer"],
                name="actielijn_nummer_uniek_per_programma",
                violation_error_message=_(
                    "Dit programma heeft al een actielijn met dit nummer."
                ),
            ),
            models.UniqueConstraint(
                fields=["programma", "naam"],
                name="actielijn_naam_uniek_per_programma",
                violation_error_message=_(
                    "Dit programma heeft al een actielijn met deze naam."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nummer}. {self.naam}"


class ActielijnPijler(models.Model):
    """Link between an action line and a pillar it serves, with its own history."""

    actielijn = models.ForeignKey(
        Actielijn,
        on_delete=models.CASCADE,
        related_name="pijler_koppelingen",
        verbose_name=_("actielijn"),
    )
    pijler = models.ForeignKey(
        Pijler,
        on_delete=models.PROTECT,
        related_name="actielijn_koppelingen",
        verbose_name=_("pijler"),
    )

    history = tracked_history(change_log=ChangeLog(via="actielijn"))

    class Meta:
        verbose_name = _("koppeling actielijn-pijler")
        verbose_name_plural = _("koppelingen actielijn-pijler")
        constraints = [
            models.UniqueConstraint(
                fields=["actielijn", "pijler"],
                name="actielijn_pijler_uniek",
                violation_error_message=_(
                    "Deze actielijn is al aan deze pijler gekoppeld."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actielijn} – {self.pijler}"

    def clean(self) -> None:
        if (
            self.actielijn_id
            and self.pijler_id
            and self.actielijn.programma_id != self.pijler.programma_id
        ):
            raise ValidationError(
                {
                    "pijler": _(
                        "De pijler hoort bij een ander programma dan de actielijn."
                    )
                }
            )
