from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from basis.validators import MAX_EVALUATIETEKST, limited_text
from historie.records import ChangeLog, tracked_history
from pijlers.models import Actielijn, Pijler, Programma

from .constants import EvaluatieStatus


class Tussenevaluatie(models.Model):
    """The mid-term evaluation of a programme at a reference date (peildatum).

    The figures come from the recorded history at the peildatum, compared with the
    basisdatum; officers write the narrative. A final (definitief) evaluation is
    frozen together with the SHA-256 of its stored PDF.
    """

    programma = models.ForeignKey(
        Programma,
        on_delete=models.PROTECT,
        related_name="tussenevaluaties",
        verbose_name=_("programma"),
    )
    titel = models.CharField(_("titel"), max_length=250)
    kenmerk = models.CharField(
        _("kenmerk"),
        max_length=60,
        blank=True,
        help_text=_("het kenmerk waaronder het college de evaluatie aan de raad zendt"),
    )
    peildatum = models.DateField(_("peildatum"))
    basisdatum = models.DateField(
        _("basisdatum"),
        null=True,
        blank=True,
        help_text=_("vergelijkingsdatum; leeg betekent de datum van vaststelling"),
    )
    samenvatting = limited_text(
        _("samenvatting"),
        blank=True,
        limit=MAX_EVALUATIETEKST,
    )
    conclusies = limited_text(
        _("conclusies"),
        blank=True,
        limit=MAX_EVALUATIETEKST,
    )
    aanbevelingen = limited_text(
        _("aanbevelingen"),
        blank=True,
        limit=MAX_EVALUATIETEKST,
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EvaluatieStatus.choices,
        default=EvaluatieStatus.CONCEPT,
    )
    definitief_op = models.DateTimeField(
        _("definitief gemaakt op"), null=True, blank=True
    )
    definitief_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("definitief gemaakt door"),
        null=True,
        blank=True,
    )
    open_vragen_in_definitief = models.BooleanField(
        _("open vragen in de definitieve versie"),
        default=False,
        help_text=_(
            "het concept heeft altijd een bijlage met de open vragen bij de acties "
            "en raadsopdrachten; de definitieve versie alleen als dit is aangevinkt"
        ),
    )
    pdf = models.FileField(_("PDF"), upload_to="evaluaties/", blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 van de PDF"), max_length=64, blank=True)

    history = tracked_history(change_log=ChangeLog(search=("titel",)))

    class Meta:
        verbose_name = _("tussenevaluatie")
        verbose_name_plural = _("tussenevaluaties")
        ordering = ["programma", "-peildatum"]
        permissions = [
            ("finalise_tussenevaluatie", _("Kan een tussenevaluatie definitief maken")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(basisdatum__isnull=True)
                | Q(peildatum__gte=F("basisdatum")),
                name="evaluatie_peildatum_na_basisdatum",
                violation_error_message=_(
                    "De peildatum mag niet vóór de basisdatum liggen."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status=EvaluatieStatus.CONCEPT)
                | (
                    Q(status=EvaluatieStatus.DEFINITIEF)
                    & Q(definitief_op__isnull=False)
                    & ~Q(pdf_sha256="")
                ),
                name="evaluatie_definitief_met_pdf",
                violation_error_message=_(
                    "Een definitieve evaluatie heeft een datum en een vastgelegde PDF."
                ),
            ),
            models.UniqueConstraint(
                fields=["programma", "peildatum"],
                condition=Q(status=EvaluatieStatus.DEFINITIEF),
                name="evaluatie_een_definitieve_per_peildatum",
                violation_error_message=_(
                    "Van dit programma is al een definitieve tussenevaluatie met "
                    "deze peildatum."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.titel

    def get_absolute_url(self) -> str:
        return reverse("evaluatie:detail", args=[self.pk])

    @property
    def effectieve_basisdatum(self):
        return self.basisdatum or self.programma.vastgesteld_op


class Bevinding(models.Model):
    """An officer's findings on one pillar or one action line in an evaluation."""

    tussenevaluatie = models.ForeignKey(
        Tussenevaluatie,
        on_delete=models.CASCADE,
        related_name="bevindingen",
        verbose_name=_("tussenevaluatie"),
    )
    pijler = models.ForeignKey(
        Pijler,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("pijler"),
        null=True,
        blank=True,
    )
    actielijn = models.ForeignKey(
        Actielijn,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actielijn"),
        null=True,
        blank=True,
    )
    tekst = limited_text(
        _("bevindingen"),
        limit=MAX_EVALUATIETEKST,
    )

    history = tracked_history(change_log=ChangeLog(search=("tekst",), via="actielijn"))

    class Meta:
        verbose_name = _("bevinding")
        verbose_name_plural = _("bevindingen")
        constraints = [
            models.CheckConstraint(
                condition=(Q(pijler__isnull=False) & Q(actielijn__isnull=True))
                | (Q(pijler__isnull=True) & Q(actielijn__isnull=False)),
                name="bevinding_over_pijler_of_actielijn",
                violation_error_message=_(
                    "Een bevinding gaat over één pijler of één actielijn."
                ),
            ),
            models.UniqueConstraint(
                fields=["tussenevaluatie", "pijler"],
                name="bevinding_een_per_pijler",
                violation_error_message=_("Voor deze pijler is al een bevinding."),
            ),
            models.UniqueConstraint(
                fields=["tussenevaluatie", "actielijn"],
                name="bevinding_een_per_actielijn",
                violation_error_message=_("Voor deze actielijn is al een bevinding."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.pijler or self.actielijn)

    def clean(self) -> None:
        onderwerp = (self.pijler if self.pijler_id else None) or (
            self.actielijn if self.actielijn_id else None
        )
        if (
            onderwerp is not None
            and self.tussenevaluatie_id
            and onderwerp.programma_id != self.tussenevaluatie.programma_id
        ):
            raise ValidationError(
                _("De bevinding gaat over een ander programma dan de evaluatie.")
            )
