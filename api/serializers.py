"""What the API says of each record.

Actions are described once, in ``acties.exchange`` (the open data, the CSV,
the report): their fields here are made from that list, so the API and the
open data say the same of an action. Beside each stable identifier
(``sleutel``, as in the open data: ``mensenhandel-2025-2028/actie/3.2``)
stands the numeric id; references carry both where the open data names a
record by its key (the action line by its number, organisations by name).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from acties.constants import (
    DOELGROEP_CHOICES,
    UITBUITING_CHOICES,
    ActieStatus,
)
from acties.exchange import ACTIE_VELDEN, FLAGS, Soort, open_data_velden
from acties.models import (
    Indicator,
    Meting,
    Opmerking,
    Organisatie,
    Raadsopdracht,
    RaadsopdrachtActie,
    Vergadering,
    Voortgangsupdate,
)
from acties.opendata import settlement_note
from evaluatie.models import Tussenevaluatie
from pijlers.models import Actielijn, Pijler, Programma


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _json_type(field) -> tuple[type, ...]:
    """The JSON types the document names for ``field``'s input."""
    if isinstance(field, (serializers.ManyRelatedField, serializers.ListField)):
        return (list,)
    if isinstance(field, serializers.BooleanField):
        return (bool,)
    if isinstance(
        field, (serializers.IntegerField, serializers.PrimaryKeyRelatedField)
    ):
        return (int,)
    return (str,)


class StrictJSON:
    """Input as the OpenAPI document types it: a number where it says text, or
    text where it says a number, is refused (400) rather than converted, and
    so is a field it does not name (a typo would otherwise change nothing
    and answer 200), so that a client's mistake shows instead of being
    guessed at."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            errors = {
                name: [_("Dit veld bestaat niet of kan niet worden geschreven.")]
                for name in data
                if name not in self.fields or self.fields[name].read_only
            }
            for name, field in self.fields.items():
                if name not in data or field.read_only:
                    continue
                value = data[name]
                if value is None and field.allow_null:
                    continue
                wanted = _json_type(field)
                ok = isinstance(value, wanted) and not (
                    isinstance(value, bool) and bool not in wanted
                )
                if not ok:
                    errors[name] = [_("Dit veld heeft het verkeerde type.")]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class _Sleutel(serializers.Serializer):
    sleutel = serializers.SerializerMethodField(
        help_text=_("de stabiele sleutel, dezelfde als in de open data")
    )

    @extend_schema_field(OpenApiTypes.STR)
    def get_sleutel(self, obj) -> str:
        raise NotImplementedError


class ProgrammaSerializer(_Sleutel, serializers.ModelSerializer):
    class Meta:
        model = Programma
        fields = ["id", "sleutel", "slug", "titel", "gemeente", "periode_start",
                  "periode_eind", "voorgesteld_op", "vastgesteld_op", "ris_nummer",
                  "kenmerk", "doelstelling", "omschrijving", "openbaar"]  # fmt: skip

    def get_sleutel(self, obj) -> str:
        return obj.slug


class PijlerSerializer(_Sleutel, serializers.ModelSerializer):
    class Meta:
        model = Pijler
        fields = ["id", "sleutel", "programma", "volgorde", "naam", "omschrijving"]

    def get_sleutel(self, obj) -> str:
        return f"{obj.programma.slug}/pijler/{obj.volgorde}"


class ActielijnSerializer(_Sleutel, serializers.ModelSerializer):
    class Meta:
        model = Actielijn
        fields = ["id", "sleutel", "programma", "nummer", "naam", "omschrijving",
                  "pijlers"]  # fmt: skip

    def get_sleutel(self, obj) -> str:
        return f"{obj.programma.slug}/actielijn/{obj.nummer}"


class OrganisatieSerializer(_Sleutel, serializers.ModelSerializer):
    class Meta:
        model = Organisatie
        fields = ["id", "sleutel", "naam", "afkorting", "soort"]

    def get_sleutel(self, obj) -> str:
        return f"organisatie/{obj.naam}"


# --- actions, from their exchange fields -------------------------------------------


def _exchange_field(veld) -> serializers.Field:
    """The serializer field of one exchange field (read only): typed as the
    kind says, for the OpenAPI document, and valued as the open data values
    it (``Veld.data``)."""
    kwargs = {}
    if veld.soort in (Soort.GETAL, Soort.ACTIELIJN):
        base = serializers.IntegerField
    elif veld.soort is Soort.BEDRAG:
        base = serializers.DecimalField
        kwargs = {"max_digits": 14, "decimal_places": 2, "allow_null": True}
    elif veld.soort is Soort.DATUM:
        base = serializers.DateField
        kwargs = {"allow_null": True}
    elif veld.soort is Soort.STATUS:
        base = serializers.ChoiceField
        kwargs = {"choices": ActieStatus.choices}
    elif veld.soort is Soort.VLAGGEN:
        choices, _fields = FLAGS[veld.key]
        base = serializers.ListField
        kwargs = {"child": serializers.ChoiceField(choices=choices)}
    elif veld.soort in (Soort.ORGANISATIES, Soort.RAADSOPDRACHTEN):
        base = serializers.ListField
        kwargs = {"child": serializers.CharField()}
    elif veld.soort is Soort.JA_NEE:
        base = serializers.BooleanField
    else:
        base = serializers.CharField
    field_class = type(
        base.__name__,
        (base,),
        {"to_representation": lambda self, actie: veld.data(actie)},
    )
    return field_class(source="*", read_only=True, help_text=str(veld.label), **kwargs)


class _ExchangeFields(serializers.SerializerMetaclass):
    """Adds a field per exchange field: all of them, or the class's
    ``exchange_fields`` (the public ones for the public API)."""

    def __new__(mcs, name, bases, attrs):
        for veld in attrs.get("exchange_fields", ACTIE_VELDEN):
            attrs.setdefault(veld.key, _exchange_field(veld))
        return super().__new__(mcs, name, bases, attrs)


class ActieSerializer(serializers.Serializer, metaclass=_ExchangeFields):
    id = serializers.IntegerField(read_only=True)
    sleutel = serializers.SerializerMethodField()
    programma = serializers.IntegerField(source="programma_id", read_only=True)
    actielijn_id = serializers.IntegerField(read_only=True)
    trekker_id = serializers.IntegerField(read_only=True, allow_null=True)
    partner_ids = serializers.SerializerMethodField()
    raadsopdracht_ids = serializers.SerializerMethodField()
    toelichten = serializers.BooleanField(read_only=True)
    te_laat = serializers.BooleanField(read_only=True)
    versie = serializers.IntegerField(read_only=True)
    gewijzigd_op = serializers.DateTimeField(read_only=True)

    @extend_schema_field(OpenApiTypes.STR)
    def get_sleutel(self, obj) -> str:
        return f"{obj.programma.slug}/actie/{obj.code}"

    def get_partner_ids(self, obj) -> list[int]:
        return sorted(p.pk for p in obj.partners.all())

    def get_raadsopdracht_ids(self, obj) -> list[int]:
        return sorted(r.pk for r in obj.raadsopdrachten.all())


class ActieWriteSerializer(StrictJSON, serializers.Serializer):
    """What a write of an action may carry (the edit page's fields). Only the
    fields sent are written; ``reden`` is required when status or progress
    change, as on the page."""

    code = serializers.CharField(required=False)
    titel = serializers.CharField(required=False)
    omschrijving = serializers.CharField(required=False, allow_blank=True)
    actielijn_id = serializers.IntegerField(required=False)
    status = serializers.ChoiceField(choices=ActieStatus.choices, required=False)
    voortgang = serializers.IntegerField(required=False, min_value=0, max_value=100)
    trekker_id = serializers.IntegerField(required=False, allow_null=True)
    partner_ids = serializers.ListField(
        child=serializers.IntegerField(), required=False
    )
    gepland_start = serializers.DateField(required=False, allow_null=True)
    gepland_eind = serializers.DateField(required=False, allow_null=True)
    budget = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    toelichten = serializers.BooleanField(required=False)
    uitbuiting = serializers.ListField(
        child=serializers.ChoiceField(choices=UITBUITING_CHOICES), required=False
    )
    doelgroep = serializers.ListField(
        child=serializers.ChoiceField(choices=DOELGROEP_CHOICES), required=False
    )
    reden = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("reden van de wijziging; verplicht bij status of voortgang"),
    )


# --- progress, indicators ------------------------------------------------------------


class VoortgangsupdateSerializer(serializers.ModelSerializer):
    auteur = serializers.SerializerMethodField()

    class Meta:
        model = Voortgangsupdate
        fields = ["id", "actie", "datum", "tekst", "auteur"]

    def get_auteur(self, obj) -> str:
        return _person(obj.auteur)


class MetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meting
        fields = ["id", "datum", "waarde", "toelichting", "toelichting_openbaar"]


class IndicatorSerializer(_Sleutel, serializers.ModelSerializer):
    metingen = MetingSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "sleutel", "actie", "naam", "eenheid", "nulwaarde",
                  "nulwaarde_datum", "streefwaarde", "streefdatum",
                  "metingen"]  # fmt: skip

    def get_sleutel(self, obj) -> str:
        return f"{obj.actie.programma.slug}/actie/{obj.actie.code}/indicator/{obj.naam}"


# --- the register ---------------------------------------------------------------------


class RaadsopdrachtSerializer(_Sleutel, serializers.ModelSerializer):
    kop = serializers.CharField(read_only=True)
    te_laat = serializers.BooleanField(read_only=True)
    actie_ids = serializers.SerializerMethodField()

    class Meta:
        model = Raadsopdracht
        fields = ["id", "sleutel", "soort", "nummer", "kop", "titel", "tekst",
                  "indieners", "fractie", "hoofdopdracht", "datum_aangenomen",
                  "vergadering", "aangenomen_in", "af_te_doen_voor", "bron",
                  "ris_nummer", "programma", "programmaoverstijgend", "status",
                  "deadline", "deadline_toelichting", "afdoening_toelichting",
                  "afgedaan_op", "afdoeningsdocument", "te_laat",
                  "actie_ids"]  # fmt: skip

    def get_sleutel(self, obj) -> str:
        return f"raadsopdracht/{obj.nummer}"

    def get_actie_ids(self, obj) -> list[int]:
        return sorted(a.pk for a in obj.acties.all())


class KoppelingSerializer(serializers.ModelSerializer):
    class Meta:
        model = RaadsopdrachtActie
        fields = ["id", "raadsopdracht", "actie", "toelichting", "toelichting_openbaar"]


class VergaderingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Vergadering
        fields = ["id", "soort", "commissie", "datum", "titel"]


class EvaluatieSerializer(serializers.ModelSerializer):
    pdf = serializers.SerializerMethodField(
        help_text=_("de vastgelegde PDF/A van een definitieve evaluatie")
    )

    class Meta:
        model = Tussenevaluatie
        fields = ["id", "programma", "titel", "kenmerk", "peildatum", "basisdatum",
                  "status", "definitief_op", "pdf_sha256", "pdf"]  # fmt: skip

    @extend_schema_field(OpenApiTypes.URI)
    def get_pdf(self, obj) -> str | None:
        if not obj.pdf_sha256:
            return None
        request = self.context.get("request")
        path = f"/api/v1/evaluaties/{obj.pk}/pdf"
        return request.build_absolute_uri(path) if request else path


class OpmerkingSerializer(serializers.ModelSerializer):
    bij = serializers.CharField(read_only=True, help_text=_("het record, kort"))
    record_soort = serializers.SerializerMethodField()
    record_id = serializers.SerializerMethodField()
    auteur = serializers.SerializerMethodField()

    class Meta:
        model = Opmerking
        fields = ["id", "bij", "record_soort", "record_id", "vraag", "auteur",
                  "geplaatst_op", "tekst", "beantwoord", "ingetrokken"]  # fmt: skip

    def get_record_soort(self, obj) -> str:
        return obj.record._meta.model_name

    def get_record_id(self, obj) -> int:
        return obj.record.pk

    def get_auteur(self, obj) -> str:
        return _person(obj.auteur)


class HistorieRegelSerializer(serializers.Serializer):
    """One change of a record: who, when, what, why."""

    versie = serializers.IntegerField(help_text=_("het nummer van de historieregel"))
    soort = serializers.ChoiceField(
        choices=[("+", "aangemaakt"), ("~", "gewijzigd"), ("-", "verwijderd")]
    )
    op = serializers.DateTimeField()
    door = serializers.CharField()
    reden = serializers.CharField()
    wijzigingen = serializers.ListField(child=serializers.DictField())


# --- what a new record of the structure carries ----------------------------------


def _write_serializer(model_, fields_):
    """The request of a ``POST`` of ``model_``: its fields, typed by the
    model; the page's form checks them again and the service saves."""

    class Meta:
        model = model_
        fields = fields_
        validators = []  # the form and the service hold the rules between rows

    return type(
        f"{model_.__name__}Nieuw",
        (StrictJSON, serializers.ModelSerializer),
        {"Meta": Meta, "__module__": __name__},
    )


ProgrammaNieuw = _write_serializer(
    Programma,
    ["titel", "slug", "gemeente", "periode_start", "periode_eind", "voorgesteld_op",
     "vastgesteld_op", "ris_nummer", "kenmerk", "doelstelling", "omschrijving"],
)  # fmt: skip
PijlerNieuw = _write_serializer(
    Pijler, ["programma", "volgorde", "naam", "omschrijving"]
)


class ActielijnNieuw(
    _write_serializer(Actielijn, ["programma", "nummer", "naam", "omschrijving"])
):
    # A link through its own record (with history): not writable by default.
    pijlers = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Pijler.objects.all(), required=False
    )

    class Meta:
        model = Actielijn
        fields = ["programma", "nummer", "naam", "omschrijving", "pijlers"]
        validators = []


OrganisatieNieuw = _write_serializer(Organisatie, ["naam", "afkorting", "soort"])
VoortgangsupdateNieuw = _write_serializer(Voortgangsupdate, ["actie", "datum", "tekst"])
IndicatorNieuw = _write_serializer(
    Indicator,
    ["actie", "naam", "eenheid", "nulwaarde", "nulwaarde_datum", "streefwaarde",
     "streefdatum"],
)  # fmt: skip
MetingNieuw = _write_serializer(
    Meting, ["indicator", "datum", "waarde", "toelichting", "toelichting_openbaar"]
)
KoppelingNieuw = _write_serializer(
    RaadsopdrachtActie,
    ["raadsopdracht", "actie", "toelichting", "toelichting_openbaar"],
)


# --- what a change (PATCH) of a record may carry -----------------------------------


def _change_serializer(model_, fields_):
    """The request of a ``PATCH`` of ``model_``: the fields that may change
    (never the record it hangs under) and a reason; the page's form checks
    them again, uniqueness included, against the record as it is."""

    class Meta:
        model = model_
        fields = [*fields_, "reden"]
        validators = []
        extra_kwargs = {name: {"validators": []} for name in fields_}

    return type(
        f"{model_.__name__}Wijziging",
        (StrictJSON, serializers.ModelSerializer),
        {
            "Meta": Meta,
            "__module__": __name__,
            "reden": serializers.CharField(
                required=False,
                allow_blank=True,
                max_length=1000,
                help_text=_("reden van de wijziging, voor de historie"),
            ),
        },
    )


ProgrammaWijziging = _change_serializer(Programma, ProgrammaNieuw.Meta.fields)
PijlerWijziging = _change_serializer(Pijler, ["volgorde", "naam", "omschrijving"])


class ActielijnWijziging(
    _change_serializer(Actielijn, ["nummer", "naam", "omschrijving"])
):
    pijlers = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Pijler.objects.all(), required=False
    )

    class Meta:
        model = Actielijn
        fields = ["nummer", "naam", "omschrijving", "pijlers", "reden"]
        validators = []
        extra_kwargs = {
            name: {"validators": []} for name in ["nummer", "naam", "omschrijving"]
        }


OrganisatieWijziging = _change_serializer(Organisatie, ["naam", "afkorting", "soort"])
IndicatorWijziging = _change_serializer(
    Indicator,
    ["naam", "eenheid", "nulwaarde", "nulwaarde_datum", "streefwaarde",
     "streefdatum"],
)  # fmt: skip
MetingWijziging = _change_serializer(
    Meting, ["datum", "waarde", "toelichting", "toelichting_openbaar"]
)


class Ontkoppeling(StrictJSON, serializers.Serializer):
    """What removing a link carries: why, as the page asks."""

    reden = serializers.CharField(
        max_length=1000, help_text=_("waarom de koppeling wordt verwijderd")
    )


class MetingLijstSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meting
        fields = ["id", "indicator", "datum", "waarde", "toelichting",
                  "toelichting_openbaar"]  # fmt: skip


# --- the public API: what the programme's public page and open data show ----------


class PubliekProgrammaSerializer(ProgrammaSerializer):
    class Meta(ProgrammaSerializer.Meta):
        fields = [f for f in ProgrammaSerializer.Meta.fields if f != "openbaar"]


class PubliekActieSerializer(serializers.Serializer, metaclass=_ExchangeFields):
    """An action as the public open data describes it: no budget, no ids of
    organisations or mandates (the public links are ``koppelingen``)."""

    exchange_fields = open_data_velden(intern=False)

    id = serializers.IntegerField(read_only=True)
    sleutel = serializers.SerializerMethodField()
    programma = serializers.IntegerField(source="programma_id", read_only=True)
    actielijn_id = serializers.IntegerField(read_only=True)
    te_laat = serializers.BooleanField(read_only=True)

    @extend_schema_field(OpenApiTypes.STR)
    def get_sleutel(self, obj) -> str:
        return f"{obj.programma.slug}/actie/{obj.code}"


class _PublicNote:
    """A note is shown only where it is marked public."""

    def get_toelichting(self, obj) -> str:
        return obj.toelichting if obj.toelichting_openbaar else ""


class PubliekMetingSerializer(_PublicNote, serializers.ModelSerializer):
    toelichting = serializers.SerializerMethodField()

    class Meta:
        model = Meting
        fields = ["id", "datum", "waarde", "toelichting"]


class PubliekIndicatorSerializer(IndicatorSerializer):
    metingen = PubliekMetingSerializer(many=True, read_only=True)


class PubliekRaadsopdrachtSerializer(_Sleutel, serializers.ModelSerializer):
    """A mandate as the public register shows it: its settlement text once
    the council's register says it is settled, not an officer's proposal."""

    kop = serializers.CharField(read_only=True)
    te_laat = serializers.BooleanField(read_only=True)
    onderdeel_van = serializers.SerializerMethodField(
        help_text=_("het nummer van de opdracht waar deze toezegging bij hoort")
    )
    afdoening_toelichting = serializers.SerializerMethodField()
    actie_ids = serializers.SerializerMethodField(
        help_text=_("de acties van openbare programma's die hieraan werken")
    )

    class Meta:
        model = Raadsopdracht
        fields = ["id", "sleutel", "soort", "nummer", "kop", "titel", "tekst",
                  "indieners", "fractie", "onderdeel_van", "datum_aangenomen",
                  "vergadering", "bron", "ris_nummer", "programma",
                  "programmaoverstijgend", "status", "deadline",
                  "deadline_toelichting", "afdoening_toelichting", "afgedaan_op",
                  "afdoeningsdocument", "te_laat", "actie_ids"]  # fmt: skip

    def get_sleutel(self, obj) -> str:
        return f"raadsopdracht/{obj.nummer}"

    def get_onderdeel_van(self, obj) -> str:
        return obj.hoofdopdracht.nummer if obj.hoofdopdracht else ""

    def get_afdoening_toelichting(self, obj) -> str:
        return settlement_note(obj, intern=False)

    def get_actie_ids(self, obj) -> list[int]:
        return sorted(a.pk for a in obj.publieke_acties)


class PubliekKoppelingSerializer(_PublicNote, serializers.ModelSerializer):
    toelichting = serializers.SerializerMethodField()

    class Meta:
        model = RaadsopdrachtActie
        fields = ["id", "raadsopdracht", "actie", "toelichting"]
