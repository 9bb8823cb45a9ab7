"""Form machinery shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .validators import validate_no_bsn


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


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, but an id too large for the database is an invalid choice.

    SQLite raises ``OverflowError`` for an integer beyond 64 bits in an ``IN``
    list (one id alone Django handles); a posted form must not turn that into a
    server error.
    """

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": ", ".join(map(str, value))},
            ) from None


class NoVictimDataMixin:
    """Refuses a possible BSN in every free-text field of the form.

    Every form in which people type text that is stored uses it (a test holds
    the apps to that), so a field added later is covered without a thought.
    Fields are looked at when the form is cleaned, not when it is built, so that
    fields a subclass adds in its ``__init__`` are covered as well. Search and
    filter forms, which store nothing, do without it.
    """

    def full_clean(self):
        for field in self.fields.values():
            if (
                isinstance(field, forms.CharField)
                and not getattr(field, "holds_no_text", False)
                and validate_no_bsn not in field.validators
            ):
                field.validators.append(validate_no_bsn)
        super().full_clean()


class ReasonForm(NoVictimDataMixin, forms.Form):
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

    def service_values(self, fields=None) -> dict:
        """The cleaned values of the record's own fields, as the service's
        keyword arguments: never the reason or the merge's machinery.

        ``fields``: only these (what a merge writes); default every field of
        the record on the form.
        """
        model = getattr(getattr(self, "_meta", None), "model", None)
        own = {f.name for f in model._meta.get_fields()} if model else set()
        names = self.fields if fields is None else fields
        return {
            name: self.cleaned_data[name]
            for name in names
            if name in own and name in self.cleaned_data
        }
