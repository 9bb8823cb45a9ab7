from django import forms
from django.utils.translation import gettext_lazy as _

from basis.forms import DateInput, NoVictimDataMixin, ReasonForm
from historie.merge import MergeFormMixin
from pijlers.models import Programma

from .models import Bevinding, Tussenevaluatie


class TussenevaluatieForm(MergeFormMixin, ReasonForm, forms.ModelForm):
    """The record and its narrative; findings per pillar and line are added."""

    class Meta:
        model = Tussenevaluatie
        fields = [
            "programma",
            "titel",
            "kenmerk",
            "peildatum",
            "basisdatum",
            "samenvatting",
            "conclusies",
            "aanbevelingen",
            "open_vragen_in_definitief",
        ]
        widgets = {
            "peildatum": DateInput,
            "basisdatum": DateInput,
            "samenvatting": forms.Textarea(attrs={"rows": 6}),
            "conclusies": forms.Textarea(attrs={"rows": 6}),
            "aanbevelingen": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programma"].queryset = Programma.objects.order_by("-periode_start")
        self.bevinding_keys = []
        evaluatie = self.instance
        if evaluatie.pk:
            # The programme of an evaluation is fixed once it exists.
            del self.fields["programma"]
            existing = {
                ("pijler", b.pijler_id)
                if b.pijler_id
                else ("actielijn", b.actielijn_id): b.tekst
                for b in evaluatie.bevindingen.all()
            }
            programma = evaluatie.programma
            subjects = [
                ("pijler", p.pk, _("Bevindingen bij pijler %s") % p.naam)
                for p in programma.pijlers.order_by("volgorde")
            ] + [
                ("actielijn", a.pk, _("Bevindingen bij actielijn %s") % a)
                for a in programma.actielijnen.order_by("nummer")
            ]
            for soort, pk, label in subjects:
                name = f"{soort}_{pk}"
                self.fields[name] = forms.CharField(
                    label=label,
                    required=False,
                    max_length=20000,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    initial=existing.get((soort, pk), ""),
                )
                self.bevinding_keys.append(((soort, pk), name))
        else:
            del self.fields["reden"]
            # Most evaluations are of the current programme.
            self.fields["programma"].initial = self.fields["programma"].queryset.first()
        # The reason field goes last.
        if "reden" in self.fields:
            self.fields["reden"] = self.fields.pop("reden")

    def record_values(self, fields=None) -> dict:
        """The record's own values; ``fields``: only these (what a merge writes)."""
        return {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name in self.fields
            and name != "programma"
            and (fields is None or name in fields)
        }

    def bevindingen(self, fields=None) -> dict:
        return {
            key: self.cleaned_data.get(name, "")
            for key, name in self.bevinding_keys
            if fields is None or name in fields
        }

    def last_change(self, current, name):
        """A finding is a record of its own: its history says who wrote it."""
        for (soort, pk), field_name in self.bevinding_keys:
            if field_name == name:
                found = self.newest_change(
                    Bevinding.history.filter(
                        tussenevaluatie_id=current.pk, **{f"{soort}_id": pk}
                    )
                )
                if found is not None:
                    return found
        return super().last_change(current, name)


class FinaliseForm(NoVictimDataMixin, forms.Form):
    bevestig = forms.BooleanField(
        label=_(
            "Ik begrijp dat de evaluatie en haar PDF hierna niet meer kunnen "
            "veranderen."
        ),
        required=True,
    )
