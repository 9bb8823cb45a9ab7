from django.db import models
from django.utils.translation import gettext_lazy as _


class ActieStatus(models.TextChoices):
    GEPLAND = "gepland", _("gepland")
    LOPEND = "lopend", _("lopend")
    VERTRAAGD = "vertraagd", _("vertraagd")
    AFGEROND = "afgerond", _("afgerond")
    GESTOPT = "gestopt", _("gestopt")


# Statuses in which an action no longer counts as overdue.
ACTIE_STATUS_KLAAR = (ActieStatus.AFGEROND, ActieStatus.GESTOPT)


class OrganisatieSoort(models.TextChoices):
    GEMEENTE = "gemeente", _("gemeentelijke dienst")
    POLITIE = "politie", _("politie")
    OM = "om", _("Openbaar Ministerie")
    INSPECTIE = "inspectie", _("inspectie")
    ZORG = "zorg", _("zorg en hulpverlening")
    ONDERWIJS = "onderwijs", _("onderwijs")
    NGO = "ngo", _("maatschappelijke organisatie")
    BEDRIJFSLEVEN = "bedrijfsleven", _("bedrijfsleven")
    RIJK = "rijk", _("Rijksoverheid")
    OVERIG = "overig", _("overig")


class RaadsopdrachtSoort(models.TextChoices):
    MOTIE = "motie", _("motie")
    AMENDEMENT = "amendement", _("amendement")
    TOEZEGGING = "toezegging", _("toezegging")
    BESLISPUNT = "beslispunt", _("beslispunt")


class VergaderingSoort(models.TextChoices):
    RAAD = "raad", _("raadsvergadering")
    COMMISSIE = "commissie", _("commissievergadering")


class RaadsopdrachtStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_UITVOERING = "in_uitvoering", _("in uitvoering")
    AFDOENING_VOORGESTELD = "afdoening_voorgesteld", _("afdoening voorgesteld")
    AFGEDAAN = "afgedaan", _("afgedaan")


# The forms of exploitation and target groups: a choice each in forms and
# filters, a boolean column each on the action.
UITBUITING_CHOICES = [
    ("seksueel", _("seksuele uitbuiting")),
    ("arbeid", _("arbeidsuitbuiting")),
    ("crimineel", _("criminele uitbuiting")),
]
UITBUITING_FIELDS = {
    "seksueel": "seksuele_uitbuiting",
    "arbeid": "arbeidsuitbuiting",
    "crimineel": "criminele_uitbuiting",
}
DOELGROEP_CHOICES = [
    ("minderjarig", _("minderjarigen")),
    ("meerderjarig", _("meerderjarigen")),
]
DOELGROEP_FIELDS = {
    "minderjarig": "doelgroep_minderjarig",
    "meerderjarig": "doelgroep_meerderjarig",
}


class DocumentSoort(models.TextChoices):
    AFDOENING = "afdoening", _("afdoeningsdocument")
    BRIEF = "brief", _("brief of raadsinformatiebrief")
    RAPPORT = "rapport", _("rapport of onderzoek")
    OVERIG = "overig", _("overig document")
