import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pijlers.models import Actielijn, Pijler, Programma

from .constants import (
    DOELGROEP_CHOICES,
    DOELGROEP_FIELDS,
    UITBUITING_CHOICES,
    UITBUITING_FIELDS,
    ActieStatus,
    RaadsopdrachtSoort,
    RaadsopdrachtStatus,
)
from .models import Actie, Organisatie, Raadsopdracht, Vergadering
from .selectors import (
    current_programma,
    overdue_actie_q,
    overdue_raadsopdracht_q,
    raadsopdracht_in_programma_q,
)

JA_NEE = [("ja", _("ja")), ("nee", _("nee"))]
# Longer search text finds nothing more, and SQLite refuses a LIKE pattern of
# more than 50,000 bytes.
SEARCH_MAX_LENGTH = 200


def _search(queryset, value: str, fields: tuple[str, ...]):
    value = value.strip()
    if not value:
        return queryset
    condition = Q()
    for name in fields:
        condition |= Q(**{f"{name}__icontains": value})
    return queryset.filter(condition)


def _yes_no(queryset, value: str, condition: Q):
    if value == "ja":
        return queryset.filter(condition)
    if value == "nee":
        return queryset.exclude(condition)
    return queryset


def _any_true(queryset, fields: dict, values) -> object:
    if not values:
        return queryset
    condition = Q()
    for value in values:
        condition |= Q(**{fields[value]: True})
    return queryset.filter(condition)


def _search_filter(where: str) -> django_filters.CharFilter:
    return django_filters.CharFilter(
        label=_("Zoeken"),
        method="filter_search",
        help_text=where,
        max_length=SEARCH_MAX_LENGTH,
    )


def _overdue_filter(label: str) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        label=label, choices=JA_NEE, method="filter_te_laat", empty_label=_("Alle")
    )


class RegisterFilterSet(django_filters.FilterSet):
    """What the lists of the register share: a free-text search over
    ``search_fields`` and the filter on being overdue (``overdue_q``)."""

    search_fields: tuple[str, ...] = ()

    def overdue_q(self) -> Q:
        raise NotImplementedError

    def filter_search(self, queryset, name, value):
        return _search(queryset, value, self.search_fields)

    def filter_te_laat(self, queryset, name, value):
        return _yes_no(queryset, value, self.overdue_q())


class ActieFilterSet(RegisterFilterSet):
    search_fields = ("code", "titel", "omschrijving")
    q = _search_filter(_("in code, titel en omschrijving"))
    programma = django_filters.ModelChoiceFilter(
        label=_("Programma"), queryset=Programma.objects.all(), empty_label=_("Alle")
    )
    actielijn = django_filters.ModelChoiceFilter(
        label=_("Actielijn"),
        queryset=Actielijn.objects.select_related("programma"),
        empty_label=_("Alle"),
    )
    pijler = django_filters.ModelChoiceFilter(
        label=_("Pijler"),
        queryset=Pijler.objects.all(),
        field_name="actielijn__pijlers",
        empty_label=_("Alle"),
        distinct=True,
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=ActieStatus.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    trekker = django_filters.ModelChoiceFilter(
        label=_("Trekker"), queryset=Organisatie.objects.all(), empty_label=_("Alle")
    )
    partner = django_filters.ModelChoiceFilter(
        label=_("Partner"),
        queryset=Organisatie.objects.all(),
        field_name="partners",
        empty_label=_("Alle"),
        distinct=True,
    )
    uitbuiting = django_filters.MultipleChoiceFilter(
        label=_("Vorm van uitbuiting"),
        choices=UITBUITING_CHOICES,
        method="filter_uitbuiting",
        widget=forms.CheckboxSelectMultiple,
    )
    doelgroep = django_filters.MultipleChoiceFilter(
        label=_("Doelgroep"),
        choices=DOELGROEP_CHOICES,
        method="filter_doelgroep",
        widget=forms.CheckboxSelectMultiple,
    )
    raadsopdracht = django_filters.ModelChoiceFilter(
        label=_("Raadsopdracht"),
        queryset=Raadsopdracht.objects.all(),
        field_name="raadsopdrachten",
        empty_label=_("Alle"),
        distinct=True,
    )
    te_laat = _overdue_filter(_("Over de geplande einddatum"))
    sortering = django_filters.OrderingFilter(
        label=_("Sorteren op"),
        empty_label=_("Code"),
        fields=(
            ("code", "code"),
            ("titel", "titel"),
            ("status", "status"),
            ("voortgang", "voortgang"),
            ("gepland_eind", "gepland_eind"),
            ("gewijzigd_op", "gewijzigd_op"),
        ),
        field_labels={
            "code": _("code"),
            "titel": _("titel"),
            "status": _("status"),
            "voortgang": _("voortgang"),
            "gepland_eind": _("gepland einde"),
            "gewijzigd_op": _("laatst gewijzigd"),
        },
    )

    class Meta:
        model = Actie
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # Action lines, pillars and mandates are offered for one programme: the
        # one chosen, else the current one. An instance with hundreds of
        # programmes would otherwise list thousands of look-alike lines.
        chosen = (data or {}).get("programma", "")
        programma = None
        if str(chosen).isdecimal():  # not isdigit: int() refuses '²'
            programma = Programma.objects.filter(pk=chosen).first()
        programma = programma or current_programma()
        filters = self.filters
        if programma is not None:
            filters["actielijn"].queryset = Actielijn.objects.filter(
                programma=programma
            ).order_by("nummer")
            filters["pijler"].queryset = Pijler.objects.filter(
                programma=programma
            ).order_by("volgorde")
            filters["raadsopdracht"].queryset = Raadsopdracht.objects.filter(
                raadsopdracht_in_programma_q(programma.pk)
            ).order_by("nummer")
        # Choosing another programme reloads the whole page (with htmx) so that
        # these choices follow; without JavaScript the form's submit does that.
        filters["programma"].extra["widget"] = forms.Select(
            attrs={
                "hx-get": "",
                "hx-target": "#inhoud",
                "hx-select": "#inhoud",
                "hx-swap": "outerHTML",
                "hx-push-url": "true",
                "hx-include": "closest form",
                "hx-trigger": "change consume",
            }
        )

    def overdue_q(self) -> Q:
        return overdue_actie_q()

    def filter_uitbuiting(self, queryset, name, value):
        return _any_true(queryset, UITBUITING_FIELDS, value)

    def filter_doelgroep(self, queryset, name, value):
        return _any_true(queryset, DOELGROEP_FIELDS, value)


class RaadsopdrachtFilterSet(RegisterFilterSet):
    search_fields = (
        "nummer",
        "titel",
        "tekst",
        "ris_nummer",
        "afdoeningsdocument",
        "indieners",
        "fractie",
    )
    q = _search_filter(
        _(
            "in nummer, titel, tekst, RIS-nummer, afdoeningsdocument, indiener "
            "en fractie"
        )
    )
    soort = django_filters.MultipleChoiceFilter(
        label=_("Soort"),
        choices=RaadsopdrachtSoort.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=RaadsopdrachtStatus.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    programma = django_filters.ModelChoiceFilter(
        label=_("Programma"),
        queryset=Programma.objects.all(),
        method="filter_programma",
        empty_label=_("Alle"),
    )
    te_laat = _overdue_filter(_("Over de uiterste datum"))
    vergadering = django_filters.ModelChoiceFilter(
        label=_("Vergadering"),
        queryset=Vergadering.objects.order_by("-datum"),
        method="filter_vergadering",
        empty_label=_("Alle"),
        help_text=_("aangenomen in, of af te doen vóór deze vergadering"),
    )
    deadline_tot = django_filters.DateFilter(
        field_name="deadline",
        lookup_expr="lte",
        label=_("Uiterste datum tot en met"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sortering = django_filters.OrderingFilter(
        label=_("Sorteren op"),
        empty_label=_("Datum aangenomen (nieuwste eerst)"),
        fields=(
            ("nummer", "nummer"),
            ("datum_aangenomen", "datum_aangenomen"),
            ("deadline", "deadline"),
            ("status", "status"),
        ),
        field_labels={
            "nummer": _("nummer"),
            "datum_aangenomen": _("datum aangenomen"),
            "deadline": _("uiterste datum"),
            "status": _("status"),
        },
    )

    class Meta:
        model = Raadsopdracht
        fields = []

    def overdue_q(self) -> Q:
        return overdue_raadsopdracht_q()

    def filter_vergadering(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(aangenomen_in=value) | Q(af_te_doen_voor=value))

    def filter_programma(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            pk__in=Raadsopdracht.objects.filter(
                raadsopdracht_in_programma_q(value.pk)
            ).values("pk")
        )
