from django import forms

from basis.forms import NoVictimDataMixin

from .models import Meldingsvoorkeur


class MeldingsvoorkeurForm(NoVictimDataMixin, forms.ModelForm):
    """Only switches; the guard is there as on every form."""

    class Meta:
        model = Meldingsvoorkeur
        fields = [
            "weekoverzicht",
            "voor_vergadering",
            "opmerkingen",
            "antwoorden",
            "afdoening",
        ]
