"""The programme's structure as forms: what the API's writes go through (the
pages edit the structure in the admin, whose forms are the models' own)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from basis.forms import NoVictimDataMixin

from .models import Actielijn, Pijler, Programma

PROGRAMMA_FIELDS = ["titel", "slug", "gemeente", "periode_start", "periode_eind",
                    "voorgesteld_op", "vastgesteld_op", "ris_nummer", "kenmerk",
                    "doelstelling", "omschrijving"]  # fmt: skip


class ProgrammaForm(NoVictimDataMixin, forms.ModelForm):
    class Meta:
        model = Programma
        fields = PROGRAMMA_FIELDS


class PijlerForm(NoVictimDataMixin, forms.ModelForm):
    class Meta:
        model = Pijler
        fields = ["programma", "volgorde", "naam", "omschrijving"]


class ActielijnForm(NoVictimDataMixin, forms.ModelForm):
    pijlers = forms.ModelMultipleChoiceField(
        queryset=Pijler.objects.all(), required=False
    )

    class Meta:
        model = Actielijn
        fields = ["programma", "nummer", "naam", "omschrijving"]

    def clean(self):
        cleaned = super().clean()
        programma = cleaned.get("programma")
        for pijler in cleaned.get("pijlers") or []:
            if programma is not None and pijler.programma_id != programma.pk:
                self.add_error(
                    "pijlers",
                    _("Een actielijn dient pijlers van haar eigen programma."),
                )
                break
        return cleaned
