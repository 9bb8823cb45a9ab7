from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from basis import uploads
from basis.forms import (
    DateInput,
    ModelMultipleChoiceField,
    NoVictimDataMixin,
    ReasonForm,
)
from beveiliging.constants import Rol
from historie.merge import MergeFormMixin
from pijlers.selectors import programma_list

from .constants import (
    DOELGROEP_CHOICES,
    DOELGROEP_FIELDS,
    UITBUITING_CHOICES,
    UITBUITING_FIELDS,
    DocumentSoort,
    RaadsopdrachtStatus,
)
from .exchange import IMPORT_KINDS
from .models import (
    Actie,
    ActiePartner,
    Indicator,
    Meting,
    Organisatie,
    Raadsopdracht,
    Vergadering,
    Voortgangsupdate,
)


def contact_candidates(actie: Actie):
    """Who can be an action's contact person: active officers and coordinators
    (and whoever it is now, so that an edit does not drop them unasked)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    User = get_user_model()
    chosen = Q(
        is_active=True, groups__name__in=[Rol.BELEIDSMEDEWERKER, Rol.COORDINATOR]
    )
    if actie.contactpersoon_id:
        chosen |= Q(pk=actie.contactpersoon_id)
    return (
        User.objects.filter(chosen)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def person_name(user) -> str:
    return user.get_full_name() or user.username


class ActieForm(MergeFormMixin, NoVictimDataMixin, forms.ModelForm):
    partners = ModelMultipleChoiceField(
        label=_("Partners"),
        queryset=Organisatie.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    uitbuiting = forms.MultipleChoiceField(
        label=_("Vormen van uitbuiting"),
        choices=UITBUITING_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    doelgroep = forms.MultipleChoiceField(
        label=_("Doelgroep"),
        choices=DOELGROEP_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reden = forms.CharField(
        label=_("Reden van de wijziging"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Verplicht als u de status of de voortgang wijzigt."),
    )

    class Meta:
        model = Actie
        fields = [
            "actielijn",
            "code",
            "titel",
            "omschrijving",
            "status",
            "voortgang",
            "trekker",
            "contactpersoon",
            "gepland_start",
            "gepland_eind",
            "budget",
            "toelichten",
        ]
        widgets = {
            "gepland_start": DateInput,
            "gepland_eind": DateInput,
            "omschrijving": forms.Textarea(attrs={"rows": 5}),
            "voortgang": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
        }

    # Fields the person changes; the rest of the form is the page's own machinery.
    value_fields = [*Meta.fields, "partners", "uitbuiting", "doelgroep"]
    merge_columns = {
        "uitbuiting": list(UITBUITING_FIELDS.values()),
        "doelgroep": list(DOELGROEP_FIELDS.values()),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        self.fields["actielijn"].queryset = self.fields[
            "actielijn"
        ].queryset.select_related("programma")
        self.fields["contactpersoon"].queryset = contact_candidates(instance)
        self.fields["contactpersoon"].label_from_instance = person_name
        if instance.pk:
            self.fields["partners"].initial = list(instance.partners.all())
            self.fields["uitbuiting"].initial = [
                key
                for key, name in UITBUITING_FIELDS.items()
                if getattr(instance, name)
            ]
            self.fields["doelgroep"].initial = [
                key for key, name in DOELGROEP_FIELDS.items() if getattr(instance, name)
            ]
        else:
            self.fields["reden"].help_text = _(
                "Bijvoorbeeld de aanleiding voor de actie."
            )

    def clean(self):
        cleaned = super().clean()
        actielijn = cleaned.get("actielijn")
        if actielijn is not None:
            self.instance.programma_id = actielijn.programma_id
        # A reason refused for what it holds has its own message already.
        reason_given = bool((cleaned.get("reden") or "").strip()) or self.has_error(
            "reden"
        )
        # What this person changed, against the version they opened: a colleague's
        # new progress is not theirs to explain.
        status_changed = {"status", "voortgang"} & set(self.changed_data)
        if self.instance.pk and status_changed and not reason_given:
            self.add_error(
                "reden", _("Geef een reden: u wijzigt de status of de voortgang.")
            )
        return cleaned

    def service_values(self, fields=None) -> dict:
        """The cleaned values in the shape of the action services' arguments.

        ``fields``: only these form fields (what a merge writes); default all.
        """
        wanted = set(self.value_fields if fields is None else fields)
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data = {name: value for name, value in data.items() if name in wanted}
        if "uitbuiting" in wanted:
            chosen = set(self.cleaned_data.get("uitbuiting") or [])
            data.update({f: key in chosen for key, f in UITBUITING_FIELDS.items()})
        if "doelgroep" in wanted:
            chosen = set(self.cleaned_data.get("doelgroep") or [])
            data.update({f: key in chosen for key, f in DOELGROEP_FIELDS.items()})
        if "partners" in wanted:
            data["partners"] = list(self.cleaned_data.get("partners") or [])
        return data

    def last_change(self, current, name):
        """Partners are link records: their own history says who changed them."""
        if name == "partners":
            found = self.newest_change(ActiePartner.history.filter(actie_id=current.pk))
            if found is not None:
                return found
        return super().last_change(current, name)


class VoortgangsupdateForm(MergeFormMixin, ReasonForm, forms.ModelForm):
    class Meta:
        model = Voortgangsupdate
        fields = ["datum", "tekst"]
        widgets = {"datum": DateInput, "tekst": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["datum"].initial = timezone.localdate()
            del self.fields["reden"]


class IndicatorForm(MergeFormMixin, ReasonForm, forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "naam",
            "eenheid",
            "nulwaarde",
            "nulwaarde_datum",
            "streefwaarde",
            "streefdatum",
        ]
        widgets = {"nulwaarde_datum": DateInput, "streefdatum": DateInput}


class MetingForm(MergeFormMixin, ReasonForm, forms.ModelForm):
    class Meta:
        model = Meting
        fields = ["datum", "waarde", "toelichting", "toelichting_openbaar"]
        widgets = {"datum": DateInput, "toelichting": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["datum"].initial = timezone.localdate()


class OrganisatieForm(MergeFormMixin, ReasonForm, forms.ModelForm):
    class Meta:
        model = Organisatie
        fields = ["naam", "afkorting", "soort"]


class RaadsopdrachtForm(MergeFormMixin, ReasonForm, forms.ModelForm):
    class Meta:
        model = Raadsopdracht
        fields = [
            "soort",
            "nummer",
            "titel",
            "tekst",
            "hoofdopdracht",
            "indieners",
            "fractie",
            "datum_aangenomen",
            "aangenomen_in",
            "vergadering",
            "ris_nummer",
            "bron",
            "programma",
            "programmaoverstijgend",
            "status",
            "deadline",
            "deadline_toelichting",
            "af_te_doen_voor",
        ]
        widgets = {
            "datum_aangenomen": DateInput,
            "deadline": DateInput,
            "tekst": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A commitment is part of a mandate that is part of none.
        parents = Raadsopdracht.objects.filter(hoofdopdracht__isnull=True)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["hoofdopdracht"].queryset = parents.order_by("nummer")
        for name in ("aangenomen_in", "af_te_doen_voor"):
            self.fields[name].queryset = Vergadering.objects.order_by("-datum")
        # Settling has its own form with date and document; here only the
        # statuses before it, unless the mandate is already settled, or was
        # when this person opened the page (someone may have reopened it since:
        # the status this person left alone must still be a valid choice).
        remembered = (self.merge_base or {}).get("v", {}).get("status")
        settled = RaadsopdrachtStatus.AFGEDAAN in (self.instance.status, remembered)
        if not settled:
            self.fields["status"].choices = [
                choice
                for choice in self.fields["status"].choices
                if choice[0] != RaadsopdrachtStatus.AFGEDAAN
            ]

    def _post_clean(self):
        # The settlement constraint concerns fields this form does not edit; the
        # service validates the whole record.
        self.instance.afgedaan_op = (
            self.instance.afgedaan_op
            if self.cleaned_data.get("status") == RaadsopdrachtStatus.AFGEDAAN
            else None
        )
        super()._post_clean()


class AfdoeningVoorstelForm(NoVictimDataMixin, forms.Form):
    afdoening_toelichting = forms.CharField(
        label=_("Toelichting op de voorgestelde afdoening"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("Hoe is de opdracht uitgevoerd? Noem acties en documenten."),
    )


class TeruggevenForm(NoVictimDataMixin, forms.Form):
    reden = forms.CharField(
        label=_("Waarom gaat het voorstel terug?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "De opdracht gaat terug naar ‘in uitvoering’; de reden komt in de "
            "historie en is voor de beleidsmedewerkers te lezen."
        ),
    )


class VergaderingForm(ReasonForm, forms.ModelForm):
    class Meta:
        model = Vergadering
        fields = ["soort", "commissie", "datum", "titel"]
        widgets = {"datum": DateInput}


class AfdoenForm(ReasonForm):
    afgedaan_op = forms.DateField(label=_("Afgedaan op"), widget=DateInput)
    afdoeningsdocument = forms.CharField(
        label=_("Afdoeningsdocument"),
        max_length=120,
        help_text=_("Kenmerk van de brief of het besluit, bijvoorbeeld BOW/2019.171."),
    )
    afdoening_toelichting = forms.CharField(
        label=_("Toelichting op de afdoening"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    brief = forms.FileField(
        label=_("Het afdoeningsdocument als bestand"),
        required=False,
        widget=forms.FileInput(attrs={"accept": uploads.ACCEPT}),
        help_text=_(
            "De brief of het besluit zelf, als PDF of kantoorbestand; het komt bij "
            "de documenten van de raadsopdracht."
        ),
    )

    field_order = [
        "afgedaan_op",
        "afdoeningsdocument",
        "brief",
        "afdoening_toelichting",
        "reden",
    ]


def _document_help() -> str:
    return _(
        "PDF, Word, Excel, PowerPoint of OpenDocument, hoogstens %(max)s MB. "
        "Het bestandstype wordt aan de inhoud gecontroleerd."
    ) % {"max": settings.DOCUMENT_MAX_MB}


class DocumentForm(ReasonForm):
    """Attach a file to an action or a mandate."""

    bestand = forms.FileField(
        label=_("Bestand"),
        widget=forms.FileInput(attrs={"accept": uploads.ACCEPT}),
        error_messages={
            "required": _("Kies het bestand dat u wilt toevoegen."),
            "empty": _("Het bestand is leeg."),
        },
    )
    titel = forms.CharField(
        label=_("Titel"),
        max_length=250,
        required=False,
        help_text=_("Leeg laten: de bestandsnaam wordt de titel."),
    )
    soort = forms.ChoiceField(
        label=_("Soort document"),
        choices=DocumentSoort.choices,
        initial=DocumentSoort.OVERIG,
    )
    kenmerk = forms.CharField(
        label=_("Kenmerk of RIS-nummer"),
        max_length=120,
        required=False,
    )
    openbaar = forms.BooleanField(
        label=_("Openbaar"),
        required=False,
        help_text=_(
            "Alleen aanvinken als het document openbaar is (bijvoorbeeld in het "
            "raadsinformatiesysteem gepubliceerd); het verschijnt dan op de "
            "openbare pagina van het programma."
        ),
    )

    field_order = ["bestand", "titel", "soort", "kenmerk", "openbaar", "reden"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bestand"].help_text = _document_help()


class DocumentUpdateForm(ReasonForm):
    """Describe a document again, make it public, or withdraw it."""

    titel = forms.CharField(label=_("Titel"), max_length=250)
    soort = forms.ChoiceField(label=_("Soort document"), choices=DocumentSoort.choices)
    kenmerk = forms.CharField(
        label=_("Kenmerk of RIS-nummer"), max_length=120, required=False
    )
    openbaar = forms.BooleanField(label=_("Openbaar"), required=False)
    ingetrokken = forms.BooleanField(
        label=_("Ingetrokken"),
        required=False,
        help_text=_(
            "Voor een document dat per vergissing is toegevoegd of niet meer geldt. "
            "Het blijft in de historie; geef hieronder de reden."
        ),
    )

    field_order = ["titel", "soort", "kenmerk", "openbaar", "ingetrokken", "reden"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("ingetrokken") and not (cleaned.get("reden") or "").strip():
            self.add_error(
                "reden", _("Geef een reden waarom het document wordt ingetrokken.")
            )
        return cleaned


class KoppelingForm(NoVictimDataMixin, forms.Form):
    """Link a mandate and an action; one side is fixed by the page.

    The other side offers only what the link service accepts: a mandate of the
    action's programme or one that applies to more programmes, not yet linked.
    """

    raadsopdracht = forms.ModelChoiceField(
        label=_("Raadsopdracht"),
        queryset=Raadsopdracht.objects.none(),
        help_text=_(
            "Opdrachten van het programma van deze actie, en opdrachten die voor "
            "meer programma's gelden."
        ),
        error_messages={
            "invalid_choice": _(
                "Kies een raadsopdracht uit de lijst: een opdracht van een ander "
                "programma kan niet aan deze actie worden gekoppeld."
            )
        },
    )
    actie = forms.ModelChoiceField(
        label=_("Actie"),
        queryset=Actie.objects.none(),
        error_messages={
            "invalid_choice": _(
                "Kies een actie uit de lijst: alleen acties van het programma "
                "waar deze raadsopdracht bij hoort."
            )
        },
    )
    toelichting = forms.CharField(
        label=_("Waarom voert deze actie de opdracht uit?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    toelichting_openbaar = forms.BooleanField(
        label=_("Toelichting openbaar"),
        required=False,
        help_text=_(
            "Alleen aanvinken als de toelichting op de openbare pagina en in de "
            "open data mag staan. Anders blijft zij intern."
        ),
    )

    def __init__(self, *args, actie=None, raadsopdracht=None, **kwargs):
        from .services import linkable_acties, linkable_raadsopdrachten

        super().__init__(*args, **kwargs)
        self.fixed_actie, self.fixed_raadsopdracht = actie, raadsopdracht
        if actie is not None:
            del self.fields["actie"]
            self.fields["raadsopdracht"].queryset = linkable_raadsopdrachten(
                actie
            ).exclude(actie_koppelingen__actie=actie)
        if raadsopdracht is not None:
            del self.fields["raadsopdracht"]
            self.fields["actie"].queryset = (
                linkable_acties(raadsopdracht)
                .exclude(raadsopdracht_koppelingen__raadsopdracht=raadsopdracht)
                .select_related("programma")
                .order_by("programma", "code")
            )
            if raadsopdracht.programma_id and not raadsopdracht.programmaoverstijgend:
                self.fields["actie"].help_text = (
                    _(
                        "Acties van het programma ‘%s’, waar deze raadsopdracht bij "
                        "hoort."
                    )
                    % raadsopdracht.programma
                )

    def pair(self):
        return (
            self.fixed_raadsopdracht or self.cleaned_data["raadsopdracht"],
            self.fixed_actie or self.cleaned_data["actie"],
        )


class OntkoppelForm(NoVictimDataMixin, forms.Form):
    reden = forms.CharField(
        label=_("Waarom wordt de koppeling verwijderd?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ImportForm(NoVictimDataMixin, forms.Form):
    """Upload of a spreadsheet; the reason goes with every change it makes."""

    soort = forms.ChoiceField(
        label=_("Wat staat er in het bestand?"),
        choices=[],
        widget=forms.RadioSelect,
    )
    programma = forms.ModelChoiceField(
        label=_("Programma"),
        queryset=None,
        empty_label=None,
        help_text=_("Rijen horen bij acties van dit programma (op actiecode)."),
    )
    bestand = forms.FileField(
        label=_("Bestand"),
        help_text=_("CSV (UTF-8, met komma's of puntkomma's) of Excel (.xlsx)."),
    )
    reden = forms.CharField(
        label=_("Reden van de wijzigingen"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Komt in de historie bij elke wijziging uit dit bestand."),
    )

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the kinds this person may import.
        self.fields["soort"].choices = [
            (k, v[0]) for k, v in IMPORT_KINDS.items() if kinds is None or k in kinds
        ]
        self.fields["programma"].queryset = programma_list()


class OpmerkingForm(NoVictimDataMixin, forms.Form):
    """A question or remark on a record, or a reply to one."""

    tekst = forms.CharField(
        label=_("Uw vraag of opmerking"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Zichtbaar voor iedereen die dit record mag lezen, niet op de openbare "
            "pagina. Noteer nooit gegevens over individuele slachtoffers."
        ),
    )


class OpmerkingReplyForm(OpmerkingForm):
    tekst = forms.CharField(
        label=_("Uw reactie"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Noteer nooit gegevens over individuele slachtoffers."),
    )


class OpmerkingUpdateForm(ReasonForm):
    tekst = forms.CharField(
        label=_("Tekst"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("De vorige tekst blijft in de historie."),
    )
    field_order = ["tekst", "reden"]


class OpmerkingWithdrawForm(NoVictimDataMixin, forms.Form):
    reden = forms.CharField(
        label=_("Waarom trekt u de opmerking in?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("De opmerking blijft zichtbaar als ingetrokken, met deze reden."),
    )
