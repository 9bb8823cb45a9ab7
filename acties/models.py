from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
)
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from basis.dates import long_date, today
from basis.validators import (
    MAX_LANGE_TOELICHTING,
    MAX_OMSCHRIJVING,
    MAX_RAADSTEKST,
    MAX_TOELICHTING,
    MAX_VOORTGANGSUPDATE,
    limited_text,
)
from historie.records import ChangeLog, tracked_history
from pijlers.models import Actielijn, Programma

from . import remarks
from .constants import (
    ActieStatus,
    DocumentSoort,
    OrganisatieSoort,
    RaadsopdrachtSoort,
    RaadsopdrachtStatus,
    VergaderingSoort,
)

GEEN_PERSOONSGEGEVENS = _("Noteer hier nooit gegevens over individuele slachtoffers.")


class Organisatie(models.Model):
    """A partner organisation, or a municipal department that owns actions."""

    naam = models.CharField(_("naam"), max_length=200, unique=True)
    afkorting = models.CharField(_("afkorting"), max_length=30, blank=True)
    soort = models.CharField(
        _("soort"),
        max_length=20,
        choices=OrganisatieSoort.choices,
        default=OrganisatieSoort.OVERIG,
    )

    history = tracked_history(change_log=ChangeLog(search=("naam", "afkorting")))

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["naam"]

    def __str__(self) -> str:
        return self.naam

    def get_absolute_url(self) -> str:
        return reverse("acties:organisatie-list")


class Actie(models.Model):
    """An action under an action line: what is being done, by whom, how far it is."""

    programma = models.ForeignKey(
        Programma,
        on_delete=models.PROTECT,
        related_name="acties",
        verbose_name=_("programma"),
        editable=False,
        help_text=_("volgt uit de actielijn; nodig voor unieke codes per programma"),
    )
    actielijn = models.ForeignKey(
        Actielijn,
        on_delete=models.PROTECT,
        related_name="acties",
        verbose_name=_("actielijn"),
    )
    code = models.CharField(
        _("code"), max_length=20, help_text=_("uniek binnen het programma, bijv. 4.1")
    )
    titel = models.CharField(_("titel"), max_length=250)
    omschrijving = limited_text(
        _("omschrijving"),
        blank=True,
        help_text=GEEN_PERSOONSGEGEVENS,
        limit=MAX_OMSCHRIJVING,
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ActieStatus.choices,
        default=ActieStatus.GEPLAND,
    )
    voortgang = models.PositiveSmallIntegerField(
        _("voortgang (%)"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    trekker = models.ForeignKey(
        Organisatie,
        on_delete=models.PROTECT,
        related_name="getrokken_acties",
        verbose_name=_("trekker"),
        null=True,
        blank=True,
    )
    contactpersoon = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="contact_voor_acties",
        verbose_name=_("contactpersoon"),
        null=True,
        blank=True,
        help_text=_(
            "de beleidsmedewerker die vragen over deze actie beantwoordt; krijgt "
            "bericht bij een opmerking en de actie in het weekoverzicht"
        ),
    )
    partners = models.ManyToManyField(
        Organisatie,
        through="ActiePartner",
        related_name="partner_in_acties",
        verbose_name=_("partners"),
        blank=True,
    )
    gepland_start = models.DateField(_("geplande start"), null=True, blank=True)
    gepland_eind = models.DateField(_("gepland einde"), null=True, blank=True)
    seksuele_uitbuiting = models.BooleanField(_("seksuele uitbuiting"), default=False)
    arbeidsuitbuiting = models.BooleanField(_("arbeidsuitbuiting"), default=False)
    criminele_uitbuiting = models.BooleanField(_("criminele uitbuiting"), default=False)
    doelgroep_minderjarig = models.BooleanField(_("minderjarigen"), default=False)
    doelgroep_meerderjarig = models.BooleanField(_("meerderjarigen"), default=False)
    budget = models.DecimalField(
        _("budget (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    # An officer's request: explain this action in the evaluation even when
    # nothing in its figures asks for it (evaluatie.selectors).
    toelichten = models.BooleanField(
        _("toelichten in de tussenevaluatie"),
        default=False,
        help_text=_(
            "Geef deze actie in de tussenevaluatie een eigen toelichting, ook als "
            "ze op schema ligt."
        ),
    )
    is_voorbeeld = models.BooleanField(
        _("voorbeeld"),
        default=False,
        help_text=_("illustratieve actie voor demonstratie, geen besluit van de raad"),
    )
    versie = models.PositiveIntegerField(
        _("versie"),
        default=1,
        editable=False,
        help_text=_("verhoogd bij elke wijziging; weigert een verouderde bewerking"),
    )
    gewijzigd_op = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    history = tracked_history(
        change_log=ChangeLog(search=("code", "titel", "omschrijving"), via="actie")
    )

    class Meta:
        verbose_name = _("actie")
        verbose_name_plural = _("acties")
        ordering = ["programma", "actielijn__nummer", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["programma", "code"],
                name="actie_code_uniek_per_programma",
                violation_error_message=_(
                    "Dit programma heeft al een actie met deze code."
                ),
            ),
            models.CheckConstraint(
                condition=Q(voortgang__gte=0) & Q(voortgang__lte=100),
                name="actie_voortgang_0_100",
                violation_error_message=_("De voortgang ligt tussen 0 en 100 procent."),
            ),
            models.CheckConstraint(
                condition=Q(gepland_start__isnull=True)
                | Q(gepland_eind__isnull=True)
                | Q(gepland_eind__gte=F("gepland_start")),
                name="actie_eind_niet_voor_start",
                violation_error_message=_(
                    "Het geplande einde mag niet vóór de geplande start liggen."
                ),
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="actie_budget_niet_negatief",
                violation_error_message=_("Het budget kan niet negatief zijn."),
            ),
        ]
        indexes = [models.Index(fields=["status", "gepland_eind"])]

    def __str__(self) -> str:
        return f"{self.code} {self.titel}"

    def get_absolute_url(self) -> str:
        return reverse("acties:actie-detail", args=[self.pk])

    @property
    def te_laat(self) -> bool:
        """Its planned end has passed and it is not finished (the rule of
        ``selectors.overdue_actie_q``, for one record)."""
        return bool(
            self.gepland_eind
            and self.gepland_eind < today()
            and self.status not in (ActieStatus.AFGEROND, ActieStatus.GESTOPT)
        )

    def clean(self) -> None:
        if self.actielijn_id and self.programma_id != self.actielijn.programma_id:
            raise ValidationError(
                {"actielijn": _("De actielijn hoort bij een ander programma.")}
            )


class ActiePartner(models.Model):
    """Link between an action and a partner organisation, with its own history."""

    actie = models.ForeignKey(
        Actie,
        on_delete=models.CASCADE,
        related_name="partner_koppelingen",
        verbose_name=_("actie"),
    )
    organisatie = models.ForeignKey(
        Organisatie,
        on_delete=models.PROTECT,
        related_name="actie_koppelingen",
        verbose_name=_("organisatie"),
    )

    history = tracked_history(change_log=ChangeLog(via="actie"))

    class Meta:
        verbose_name = _("partner van een actie")
        verbose_name_plural = _("partners van acties")
        constraints = [
            models.UniqueConstraint(
                fields=["actie", "organisatie"],
                name="actie_partner_uniek",
                violation_error_message=_(
                    "Deze organisatie is al partner van de actie."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actie.code} – {self.organisatie}"


class Voortgangsupdate(models.Model):
    """A dated narrative progress report on an action."""

    actie = models.ForeignKey(
        Actie,
        on_delete=models.PROTECT,
        related_name="voortgangsupdates",
        verbose_name=_("actie"),
    )
    datum = models.DateField(_("datum"))
    tekst = limited_text(
        _("tekst"),
        help_text=GEEN_PERSOONSGEGEVENS,
        limit=MAX_VOORTGANGSUPDATE,
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="voortgangsupdates",
        verbose_name=_("auteur"),
    )

    history = tracked_history(change_log=ChangeLog(search=("tekst",), via="actie"))

    class Meta:
        verbose_name = _("voortgangsupdate")
        verbose_name_plural = _("voortgangsupdates")
        ordering = ["actie", "-datum", "-id"]

    def __str__(self) -> str:
        return f"{self.actie.code} {self.datum:%Y-%m-%d}"


class Indicator(models.Model):
    """A measurable result of an action, with baseline and target."""

    actie = models.ForeignKey(
        Actie,
        on_delete=models.PROTECT,
        related_name="indicatoren",
        verbose_name=_("actie"),
    )
    naam = models.CharField(_("naam"), max_length=250)
    eenheid = models.CharField(
        _("eenheid"), max_length=50, blank=True, help_text=_("bijvoorbeeld hotels")
    )
    nulwaarde = models.DecimalField(
        _("nulmeting"), max_digits=14, decimal_places=2, default=0
    )
    nulwaarde_datum = models.DateField(_("datum nulmeting"), null=True, blank=True)
    streefwaarde = models.DecimalField(
        _("streefwaarde"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    streefdatum = models.DateField(_("streefdatum"), null=True, blank=True)

    history = tracked_history(change_log=ChangeLog(search=("naam",), via="actie"))

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicatoren")
        ordering = ["actie", "naam"]
        constraints = [
            models.UniqueConstraint(
                fields=["actie", "naam"],
                name="indicator_naam_uniek_per_actie",
                violation_error_message=_(
                    "Deze actie heeft al een indicator met deze naam."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.naam


class Meting(models.Model):
    """A dated measurement of an indicator."""

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="metingen",
        verbose_name=_("indicator"),
    )
    datum = models.DateField(_("datum"))
    waarde = models.DecimalField(_("waarde"), max_digits=14, decimal_places=2)
    toelichting = limited_text(
        _("toelichting"),
        blank=True,
        help_text=GEEN_PERSOONSGEGEVENS,
        limit=MAX_TOELICHTING,
    )
    toelichting_openbaar = models.BooleanField(
        _("toelichting openbaar"),
        default=False,
        help_text=_(
            "de toelichting staat ook op de openbare pagina en in de open data"
        ),
    )

    history = tracked_history(
        change_log=ChangeLog(search=("toelichting",), via="indicator")
    )

    class Meta:
        verbose_name = _("meting")
        verbose_name_plural = _("metingen")
        ordering = ["indicator", "datum"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "datum"],
                name="meting_een_per_dag",
                violation_error_message=_(
                    "Voor deze indicator is op deze datum al een meting vastgelegd."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.waarde} ({self.datum:%Y-%m-%d})"


def mandate_heading(soort: str, nummer: str) -> str:
    """How the register names a mandate: "Motie H.4", "Beslispunt III"; a
    number that says its kind already ("Amendement bij IV, toezegging 1",
    "Toezegging BOW/2019.171") as it is."""
    if soort.lower() in nummer.lower():
        return nummer[:1].upper() + nummer[1:]
    return f"{soort.capitalize()} {nummer}"


class Vergadering(models.Model):
    """A meeting of the council or one of its committees, where mandates are
    adopted and by which the griffie wants them settled."""

    soort = models.CharField(
        _("soort"), max_length=20, choices=VergaderingSoort.choices
    )
    commissie = models.CharField(
        _("commissie"),
        max_length=120,
        blank=True,
        help_text=_("de naam van de commissie, bij een commissievergadering"),
    )
    datum = models.DateField(_("datum"))
    titel = models.CharField(
        _("omschrijving"),
        max_length=250,
        blank=True,
        help_text=_("bijvoorbeeld ‘Openbare raadsvergadering’ of het agendapunt"),
    )

    history = tracked_history(change_log=ChangeLog(search=("commissie", "titel")))

    class Meta:
        verbose_name = _("vergadering")
        verbose_name_plural = _("vergaderingen")
        ordering = ["datum", "soort", "commissie"]
        constraints = [
            models.UniqueConstraint(
                fields=["soort", "commissie", "datum"],
                name="vergadering_uniek",
                violation_error_message=_(
                    "Er is al een vergadering van dit orgaan op deze datum."
                ),
            ),
            models.CheckConstraint(
                condition=Q(soort=VergaderingSoort.RAAD, commissie="")
                | (Q(soort=VergaderingSoort.COMMISSIE) & ~Q(commissie="")),
                name="vergadering_commissie_alleen_bij_commissie",
                violation_error_message=_(
                    "Een commissievergadering noemt de commissie; een "
                    "raadsvergadering niet."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.orgaan}, {long_date(self.datum)}"

    def get_absolute_url(self) -> str:
        return reverse("acties:vergadering-update", args=[self.pk])

    @property
    def orgaan(self) -> str:
        if self.soort == VergaderingSoort.COMMISSIE:
            return str(_("Commissie %(naam)s") % {"naam": self.commissie})
        return str(_("Gemeenteraad"))


class Raadsopdracht(models.Model):
    """A council mandate: a motion, amendment, commitment or decision point.

    Mandates are an instance-wide register: they can predate, outlive and span
    programmes (motion H.4 of 2019 is carried out by an action of 2025).
    """

    soort = models.CharField(
        _("soort"), max_length=20, choices=RaadsopdrachtSoort.choices
    )
    nummer = models.CharField(
        _("nummer"), max_length=40, help_text=_("bijvoorbeeld H.4 of beslispunt III")
    )
    titel = models.CharField(_("titel"), max_length=250)
    tekst = limited_text(
        _("tekst"),
        blank=True,
        limit=MAX_RAADSTEKST,
    )
    indieners = models.CharField(_("indiener(s)"), max_length=250, blank=True)
    fractie = models.CharField(
        _("fractie(s)"),
        max_length=250,
        blank=True,
        help_text=_("de fractie of fracties van de indieners"),
    )
    hoofdopdracht = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="onderdelen",
        verbose_name=_("onderdeel van"),
        null=True,
        blank=True,
        help_text=_(
            "bij een toezegging die deel is van een amendement, motie of besluit"
        ),
    )
    datum_aangenomen = models.DateField(_("aangenomen op"), null=True, blank=True)
    vergadering = models.CharField(_("vergadering"), max_length=250, blank=True)
    aangenomen_in = models.ForeignKey(
        Vergadering,
        on_delete=models.PROTECT,
        related_name="aangenomen_opdrachten",
        verbose_name=_("aangenomen in de vergadering"),
        null=True,
        blank=True,
    )
    af_te_doen_voor = models.ForeignKey(
        Vergadering,
        on_delete=models.PROTECT,
        related_name="af_te_doen_opdrachten",
        verbose_name=_("af te doen vóór de vergadering"),
        null=True,
        blank=True,
        help_text=_("de vergadering waarvóór de opdracht afgedaan moet zijn"),
    )
    bron = models.CharField(
        _("bron"),
        max_length=250,
        blank=True,
        help_text=_("het document waarin de opdracht staat, bijvoorbeeld RIS320843"),
    )
    ris_nummer = models.CharField(_("RIS-nummer"), max_length=30, blank=True)
    programma = models.ForeignKey(
        Programma,
        on_delete=models.PROTECT,
        related_name="raadsopdrachten",
        verbose_name=_("programma"),
        null=True,
        blank=True,
        help_text=_("het programma bij welks besluit de opdracht hoort, als dat zo is"),
    )
    programmaoverstijgend = models.BooleanField(
        _("geldt voor meer programma's"),
        default=False,
        help_text=_(
            "aan te vinken als de opdracht niet bij één programma hoort, zoals een "
            "motie van vóór het programma; alleen dan kan zij aan acties van elk "
            "programma worden gekoppeld"
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=30,
        choices=RaadsopdrachtStatus.choices,
        default=RaadsopdrachtStatus.OPEN,
    )
    deadline = models.DateField(_("uiterste datum"), null=True, blank=True)
    deadline_toelichting = models.CharField(
        _("toelichting op de uiterste datum"),
        max_length=250,
        blank=True,
        help_text=_(
            "waar de datum vandaan komt, zeker als hij een lezing van de tekst is "
            "(‘in 2025’ gelezen als 31 december 2025)"
        ),
    )
    afdoening_toelichting = limited_text(
        _("toelichting op de afdoening"),
        blank=True,
        limit=MAX_LANGE_TOELICHTING,
    )
    afgedaan_op = models.DateField(_("afgedaan op"), null=True, blank=True)
    afdoeningsdocument = models.CharField(
        _("afdoeningsdocument"),
        max_length=120,
        blank=True,
        help_text=_("kenmerk van de brief of het besluit, bijvoorbeeld BOW/2019.171"),
    )
    acties = models.ManyToManyField(
        Actie,
        through="RaadsopdrachtActie",
        related_name="raadsopdrachten",
        verbose_name=_("acties"),
        blank=True,
    )

    history = tracked_history(
        change_log=ChangeLog(
            search=("nummer", "titel", "tekst", "ris_nummer"), via="opdracht"
        )
    )

    class Meta:
        verbose_name = _("raadsopdracht")
        verbose_name_plural = _("raadsopdrachten")
        ordering = ["-datum_aangenomen", "nummer"]
        permissions = [
            ("propose_settlement_raadsopdracht", _("Kan afdoening voorstellen")),
            ("settle_raadsopdracht", _("Kan afdoening bevestigen (afgedaan)")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ris_nummer", "nummer"],
                condition=~Q(ris_nummer=""),
                name="raadsopdracht_nummer_uniek_per_ris",
                violation_error_message=_(
                    "Er is al een raadsopdracht met dit nummer en RIS-nummer."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=RaadsopdrachtStatus.AFGEDAAN)
                    & Q(afgedaan_op__isnull=False)
                    & ~Q(afdoeningsdocument="")
                )
                | (
                    ~Q(status=RaadsopdrachtStatus.AFGEDAAN)
                    & Q(afgedaan_op__isnull=True)
                ),
                name="raadsopdracht_afgedaan_met_datum_en_document",
                violation_error_message=_(
                    "Een raadsopdracht is afgedaan met een datum en een "
                    "afdoeningsdocument, en heeft alleen dan een afdoeningsdatum."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nummer} {self.titel}"

    def get_absolute_url(self) -> str:
        return reverse("acties:raadsopdracht-detail", args=[self.pk])

    @property
    def kop(self) -> str:
        return mandate_heading(str(self.get_soort_display()), self.nummer)

    @property
    def te_laat(self) -> bool:
        """Its deadline has passed and it is not settled (the rule of
        ``selectors.overdue_raadsopdracht_q``, for one record)."""
        return bool(
            self.deadline
            and self.deadline < today()
            and self.status != RaadsopdrachtStatus.AFGEDAAN
        )


class RaadsopdrachtActie(models.Model):
    """Link between a mandate and an action that carries it out, and why."""

    raadsopdracht = models.ForeignKey(
        Raadsopdracht,
        on_delete=models.CASCADE,
        related_name="actie_koppelingen",
        verbose_name=_("raadsopdracht"),
    )
    actie = models.ForeignKey(
        Actie,
        on_delete=models.CASCADE,
        related_name="raadsopdracht_koppelingen",
        verbose_name=_("actie"),
    )
    toelichting = limited_text(
        _("toelichting"),
        help_text=_("waarom deze actie de opdracht uitvoert"),
        limit=MAX_TOELICHTING,
    )
    toelichting_openbaar = models.BooleanField(
        _("toelichting openbaar"),
        default=False,
        help_text=_(
            "de toelichting staat ook op de openbare pagina en in de open data"
        ),
    )

    history = tracked_history(
        change_log=ChangeLog(search=("toelichting",), via="actie")
    )

    class Meta:
        verbose_name = _("koppeling raadsopdracht-actie")
        verbose_name_plural = _("koppelingen raadsopdracht-actie")
        constraints = [
            models.UniqueConstraint(
                fields=["raadsopdracht", "actie"],
                name="raadsopdracht_actie_uniek",
                violation_error_message=_(
                    "Deze actie is al aan deze raadsopdracht gekoppeld."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.raadsopdracht.nummer} – {self.actie.code}"


class Document(models.Model):
    """A file attached to an action or a mandate: the settling letter, a report.

    The file is stored once under ``MEDIA_ROOT`` by its SHA-256
    (``documenten/ab/abcd….pdf``), so that the name cannot be guessed from the
    record and a changed file is a new document. Documents are not deleted
    from the page: a document added by mistake is withdrawn, with a reason,
    and stays in the history.
    """

    actie = models.ForeignKey(
        Actie,
        on_delete=models.PROTECT,
        related_name="documenten",
        verbose_name=_("actie"),
        null=True,
        blank=True,
    )
    raadsopdracht = models.ForeignKey(
        Raadsopdracht,
        on_delete=models.PROTECT,
        related_name="documenten",
        verbose_name=_("raadsopdracht"),
        null=True,
        blank=True,
    )
    titel = models.CharField(_("titel"), max_length=250)
    soort = models.CharField(
        _("soort"),
        max_length=20,
        choices=DocumentSoort.choices,
        default=DocumentSoort.OVERIG,
    )
    kenmerk = models.CharField(
        _("kenmerk of RIS-nummer"),
        max_length=120,
        blank=True,
        help_text=_("het kenmerk van de brief of het RIS-nummer van het document"),
    )
    bestand = models.FileField(_("bestand"), max_length=200)
    bestandsnaam = models.CharField(_("bestandsnaam"), max_length=200)
    mediatype = models.CharField(_("bestandstype"), max_length=100)
    grootte = models.PositiveBigIntegerField(_("grootte in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    openbaar = models.BooleanField(
        _("openbaar"),
        default=False,
        help_text=_(
            "het document staat op de openbare pagina van het programma, als die "
            "aan staat"
        ),
    )
    ingetrokken = models.BooleanField(
        _("ingetrokken"),
        default=False,
        help_text=_("niet meer geldig of per vergissing toegevoegd"),
    )

    history = tracked_history(
        change_log=ChangeLog(search=("titel", "bestandsnaam", "kenmerk"), via="actie")
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documenten")
        ordering = ["ingetrokken", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(actie__isnull=False, raadsopdracht__isnull=True)
                | Q(actie__isnull=True, raadsopdracht__isnull=False),
                name="document_bij_actie_of_raadsopdracht",
                violation_error_message=_(
                    "Een document hoort bij een actie of bij een raadsopdracht."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.titel

    def get_absolute_url(self) -> str:
        return reverse("acties:document-download", args=[self.pk, self.bestandsnaam])

    @property
    def record(self) -> "Actie | Raadsopdracht":
        return self.actie or self.raadsopdracht


class Opmerking(models.Model):
    """A review remark or question on an action, a mandate or an evaluation,
    or a reply to one.

    A remark is not an edit of the record: whoever may read the record may
    place one (the griffie stays read-only on actions). The one who asked marks
    the question answered; remarks are withdrawn, visibly, never deleted.
    A reply (``vraag`` set) belongs to the same record as its question.
    """

    actie = models.ForeignKey(
        Actie,
        on_delete=models.PROTECT,
        related_name="opmerkingen",
        verbose_name=_("actie"),
        null=True,
        blank=True,
    )
    raadsopdracht = models.ForeignKey(
        Raadsopdracht,
        on_delete=models.PROTECT,
        related_name="opmerkingen",
        verbose_name=_("raadsopdracht"),
        null=True,
        blank=True,
    )
    # A record of a floor above this one (the evaluation): a generic link,
    # see ``acties.remarks``.
    onderwerp_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("soort onderwerp"),
        null=True,
        blank=True,
    )
    onderwerp_id = models.PositiveBigIntegerField(_("onderwerp"), null=True, blank=True)
    onderwerp = GenericForeignKey("onderwerp_type", "onderwerp_id")
    vraag = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="reacties",
        verbose_name=_("reactie op"),
        null=True,
        blank=True,
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("geplaatst door"),
    )
    geplaatst_op = models.DateTimeField(_("geplaatst op"), default=timezone.now)
    tekst = limited_text(
        _("tekst"), limit=MAX_TOELICHTING, help_text=GEEN_PERSOONSGEGEVENS
    )
    beantwoord = models.BooleanField(
        _("beantwoord"),
        default=False,
        help_text=_("door wie de vraag stelde als beantwoord gemarkeerd"),
    )
    ingetrokken = models.BooleanField(_("ingetrokken"), default=False)

    history = tracked_history(change_log=ChangeLog(search=("tekst",), via="actie"))

    class Meta:
        verbose_name = _("opmerking")
        verbose_name_plural = _("opmerkingen")
        ordering = ["geplaatst_op", "id"]
        indexes = [models.Index(fields=["onderwerp_type", "onderwerp_id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    actie__isnull=False,
                    raadsopdracht__isnull=True,
                    onderwerp_type__isnull=True,
                )
                | Q(
                    actie__isnull=True,
                    raadsopdracht__isnull=False,
                    onderwerp_type__isnull=True,
                )
                | Q(
                    actie__isnull=True,
                    raadsopdracht__isnull=True,
                    onderwerp_type__isnull=False,
                ),
                name="opmerking_bij_een_record",
                violation_error_message=_(
                    "Een opmerking hoort bij één actie, raadsopdracht of evaluatie."
                ),
            ),
            models.CheckConstraint(
                condition=Q(onderwerp_type__isnull=True, onderwerp_id__isnull=True)
                | Q(onderwerp_type__isnull=False, onderwerp_id__isnull=False),
                name="opmerking_onderwerp_volledig",
                violation_error_message=_(
                    "Een opmerking bij een evaluatie noemt soort en nummer."
                ),
            ),
            models.CheckConstraint(
                condition=Q(vraag__isnull=True) | Q(beantwoord=False),
                name="opmerking_alleen_vraag_beantwoord",
                violation_error_message=_(
                    "Alleen een vraag, geen reactie, wordt als beantwoord gemarkeerd."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.tekst[:60]

    def get_absolute_url(self) -> str:
        root = self.vraag_id or self.pk
        return f"{self.record.get_absolute_url()}#opmerking-{root}"

    @property
    def record(self) -> "models.Model":
        """The action, mandate or evaluation the remark is about."""
        return self.actie or self.raadsopdracht or self.onderwerp

    @property
    def bij(self) -> str:
        """The record in a few words: "actie 3.1", "Motie 12", an evaluation's
        title."""
        return remarks.subject_of(self.record).label(self.record)

    @property
    def is_open(self) -> bool:
        return self.vraag_id is None and not (self.beantwoord or self.ingetrokken)
