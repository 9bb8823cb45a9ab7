"""Form machinery shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's validation errors next to the fields they concern."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


class ReasonForm(forms.Form):
    """Adds the reason that goes into the history; optional unless a form says so."""

    reden = forms.CharField(
        label=_("Reden van de wijziging"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Komt in de historie, bij uw naam en het tijdstip."),
    )

    def reason(self, default: str) -> str:
        return (self.cleaned_data.get("reden") or "").strip() or str(default)
