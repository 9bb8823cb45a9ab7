from django import forms
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from basis.forms import ModelMultipleChoiceField, NoVictimDataMixin, ReasonForm

from . import services
from .models import ApiScope


class CodeInput(forms.TextInput):
    """A one-time code: numeric keyboard on phones, filled in by password managers."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "autocapitalize": "off",
                **(attrs or {}),
            }
        )


class TweestapsSetupForm(forms.Form):
    """Confirms a new authenticator app with the code it shows."""

    code = forms.CharField(
        label=_("Code uit de app"),
        max_length=12,
        widget=CodeInput(),
        help_text=_("De zes cijfers die de app nu toont, zonder spaties."),
    )

    def __init__(self, *args, key: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.key = key
        self.last_t = None

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        self.last_t = services.pending_code_matches(key=self.key, code=code)
        if self.last_t is None:
            raise ValidationError(
                _(
                    "Deze code klopt niet. Controleer of u de QR-code of sleutel "
                    "van deze pagina gebruikte en of de tijd op uw telefoon goed "
                    "staat."
                )
            )
        return code


class VerifyForm(forms.Form):
    """A code from the app or a backup code, checked by ``services.otp_verify``."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=CodeInput(attrs={"autofocus": True}),
        help_text=_(
            "De zes cijfers uit uw authenticator-app, of een van uw reservecodes "
            "als u uw telefoon niet bij de hand hebt."
        ),
    )

    def __init__(self, *args, user, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request
        self.device = None

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        self.device = services.otp_verify(
            user=self.user, code=code, request=self.request
        )
        return code


class TweestapsDeleteForm(forms.Form):
    bevestiging = forms.CharField(
        label=_("Wachtwoord of code uit de app"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_(
            "Om zeker te weten dat u het bent: uw wachtwoord, of de code die uw "
            "authenticator-app nu toont."
        ),
    )

    def __init__(self, *args, user, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_bevestiging(self) -> str:
        secret = self.cleaned_data["bevestiging"]
        services.second_factor_confirm(
            user=self.user, secret=secret, request=self.request
        )
        return secret


class GroupChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class RolbeleidForm(ReasonForm):
    rollen = GroupChoiceField(
        label=_("Tweestapsverificatie verplicht voor"),
        queryset=Group.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Wie een aangevinkte rol heeft, vult bij het inloggen ook een code uit "
            "een app in, en stelt die app eerst in als dat nog niet gebeurd is. "
            "Dat geldt vanaf de eerstvolgende keer dat iemand inlogt."
        ),
    )

    field_order = ["rollen", "reden"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reden"].required = True


class ApiTokenForm(NoVictimDataMixin, forms.Form):
    naam = forms.CharField(
        label=_("Naam"),
        max_length=80,
        help_text=_("Waarvoor het token is, bijvoorbeeld 'iBabs-koppeling'."),
    )
    scope = forms.ChoiceField(
        label=_("Bereik"),
        choices=ApiScope.choices,
        initial=ApiScope.READ,
        widget=forms.RadioSelect,
        help_text=_(
            "Lezen is genoeg voor een dashboard of een raadsinformatiesysteem dat "
            "alleen ophaalt. Schrijven kan alleen wat uw rol ook op de pagina's mag."
        ),
    )
    dagen = forms.IntegerField(
        label=_("Geldig (dagen)"),
        min_value=1,
        max_value=services.TOKEN_DAYS_MAX,
        initial=services.TOKEN_DAYS_DEFAULT,
    )


class ApiTokenRevokeForm(NoVictimDataMixin, forms.Form):
    reden = forms.CharField(
        label=_("Reden van het intrekken"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Komt in de historie van het token en in het beveiligingslog."),
    )
