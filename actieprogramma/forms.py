from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from basis.forms import DateInput, NoVictimDataMixin
from pijlers.models import Actielijn, Programma

from .selectors import KINDS, LogFilter


class HistorieFilterForm(forms.Form):
    """Filters of the global change log; every field is optional."""

    q = forms.CharField(
        label=_("Zoeken"),
        required=False,
        max_length=200,
        help_text=_("in de reden en in namen, titels en teksten"),
    )
    gebruiker = forms.ModelChoiceField(
        label=_("Door"),
        queryset=get_user_model().objects.order_by("first_name", "username"),
        required=False,
        empty_label=_("Iedereen"),
    )
    soort = forms.ChoiceField(label=_("Soort record"), required=False)
    actielijn = forms.ModelChoiceField(
        label=_("Actielijn"),
        queryset=Actielijn.objects.select_related("programma"),
        required=False,
        empty_label=_("Alle"),
    )
    van = forms.DateField(label=_("Vanaf"), required=False, widget=DateInput)
    tot = forms.DateField(label=_("Tot en met"), required=False, widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["soort"].choices = [
            ("", _("Alle")),
            *sorted(
                ((kind.key, kind.label.capitalize()) for kind in KINDS),
                key=lambda choice: choice[1],
            ),
        ]
        self.fields["gebruiker"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )

    def clean(self):
        cleaned = super().clean()
        van, tot = cleaned.get("van"), cleaned.get("tot")
        if van and tot and tot < van:
            self.add_error("tot", _("De einddatum ligt vóór de begindatum."))
        return cleaned

    def log_filter(self) -> LogFilter:
        data = self.cleaned_data
        return LogFilter(
            gebruiker=data.get("gebruiker"),
            soort=data.get("soort") or "",
            actielijn=data.get("actielijn"),
            van=data.get("van"),
            tot=data.get("tot"),
            q=(data.get("q") or "").strip(),
        )


def _programma_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Programma"),
        queryset=Programma.objects.order_by("-periode_start", "titel"),
        required=False,
        empty_label=None,
    )


class PeildatumForm(forms.Form):
    datum = forms.DateField(
        label=_("Peildatum"),
        widget=DateInput,
        help_text=_("de stand aan het eind van deze dag"),
    )
    programma = _programma_field()


class VergelijkForm(forms.Form):
    van = forms.DateField(label=_("Van"), widget=DateInput)
    tot = forms.DateField(label=_("Tot en met"), widget=DateInput)
    programma = _programma_field()

    def clean(self):
        cleaned = super().clean()
        van, tot = cleaned.get("van"), cleaned.get("tot")
        if van and tot and tot < van:
            self.add_error("tot", _("De einddatum ligt vóór de begindatum."))
        return cleaned


class OpenbaarForm(NoVictimDataMixin, forms.Form):
    """Switch a programme's public page on or off, with the reason why."""

    openbaar = forms.BooleanField(
        label=_("Openbare pagina aan"),
        required=False,
        help_text=_(
            "Iedereen kan dan zonder inloggen de pijlers, actielijnen, acties met "
            "status en voortgang en de raadsopdrachten zien, en de open data "
            "downloaden. Budgetten, voortgangsteksten en namen van medewerkers "
            "staan er niet op."
        ),
    )
    reden = forms.CharField(
        label=_("Reden"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Komt in de historie van het programma."),
    )
