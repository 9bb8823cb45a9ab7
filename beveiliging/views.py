from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.generic import FormView
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from basis.forms import apply_service_errors
from basis.views import RoleRequiredMixin, ServiceFormView, breadcrumbs

from . import selectors, services
from .constants import Tweestapsstatus
from .forms import (
    ApiTokenForm,
    ApiTokenRevokeForm,
    RolbeleidForm,
    TweestapsDeleteForm,
    TweestapsSetupForm,
    VerifyForm,
)
from .qr import qr_svg, secret_text
from .session import PENDING_KEY_SESSION_KEY, current_state, refresh_state


def safe_next(request, default: str) -> str:
    """Where to go after this step: ``next`` if it is a page of this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class SecondStepMixin(LoginRequiredMixin):
    """Pages that may be shown before the second step is done.

    While it is not done, the main menu and breadcrumbs are left out: every
    link in them would only lead back here.
    """

    def halfway(self) -> bool:
        state = current_state(self.request)
        if state == Tweestapsstatus.VRIJ:
            return False
        return not self.request.user.is_verified()

    def frame(self, crumbs) -> dict:
        if self.halfway():
            return {"nav_items": None, "breadcrumbs": None}
        return {"breadcrumbs": crumbs}


class TweestapsView(SecondStepMixin, FormView):
    """Set up an authenticator app, or see the one set up and what to do with it."""

    form_class = TweestapsSetupForm
    template_name = "beveiliging/tweestaps_form.html"

    @cached_property
    def device(self) -> TOTPDevice | None:
        return selectors.totp_device_for(user=self.request.user)

    def pending_key(self) -> str:
        key = self.request.session.get(PENDING_KEY_SESSION_KEY)
        if not key:
            key = self.request.session[PENDING_KEY_SESSION_KEY] = random_hex(20)
        return key

    def get(self, request, *args, **kwargs):
        if self.device is not None:
            return TemplateResponse(
                request,
                "beveiliging/tweestaps_detail.html",
                {
                    "device": self.device,
                    "reservecodes": selectors.backup_codes_left(user=request.user),
                    "verplicht": selectors.second_factor_required(user=request.user),
                    **self.frame(breadcrumbs((_("Tweestapsverificatie"), None))),
                },
            )
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.device is not None:
            return redirect("beveiliging:tweestaps")
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "key": self.pending_key()}

    def form_valid(self, form):
        request = self.request
        device = services.totp_device_create(
            user=request.user, key=form.key, last_t=form.last_t, request=request
        )
        codes = services.backup_codes_create(user=request.user, request=request)
        request.session.pop(PENDING_KEY_SESSION_KEY, None)
        # Whoever confirmed the app with a code has just done the second step.
        request.session.cycle_key()
        otp_login(request, device)
        refresh_state(request)
        messages.success(request, _("Tweestapsverificatie staat aan."))
        return TemplateResponse(
            request,
            "beveiliging/reservecodes_list.html",
            {
                "codes": codes,
                "verder": safe_next(request, reverse("beveiliging:tweestaps")),
                "breadcrumbs": breadcrumbs((_("Tweestapsverificatie"), None)),
            },
        )

    def get_context_data(self, **kwargs):
        key = self.pending_key()
        uri = TOTPDevice(
            user=self.request.user,
            key=key,
            digits=services.TOTP_DIGITS,
            step=services.TOTP_STEP,
        ).config_url
        return super().get_context_data(
            qr_code=qr_svg(
                uri,
                title=_(
                    "QR-code om de authenticator-app in te stellen; de sleutel "
                    "staat ook als tekst op deze pagina"
                ),
            ),
            sleutel=secret_text(key),
            verplicht=current_state(self.request) == Tweestapsstatus.INSTELLEN,
            cancel=reverse("home"),
            **self.frame(breadcrumbs((_("Tweestapsverificatie instellen"), None))),
            **kwargs,
        )


class TweestapsVerifyView(SecondStepMixin, FormView):
    """The second step of logging in: a code from the app or a backup code."""

    form_class = VerifyForm
    template_name = "beveiliging/tweestaps_verify.html"

    @cached_property
    def has_device(self) -> bool:
        return user_has_device(self.request.user)

    def get(self, request, *args, **kwargs):
        if request.user.is_verified():
            return redirect(safe_next(request, reverse("home")))
        # A device removed since this session began (a lost phone, reset_otp).
        if not self.has_device and refresh_state(request) == Tweestapsstatus.INSTELLEN:
            query = request.GET.urlencode()
            return redirect(
                reverse("beveiliging:tweestaps") + (f"?{query}" if query else "")
            )
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if request.user.is_verified() or not self.has_device:
            return self.get(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "request": self.request,
        }

    def form_valid(self, form):
        request = self.request
        request.session.cycle_key()
        otp_login(request, form.device)
        refresh_state(request)
        if form.device.persistent_id.startswith("otp_static."):
            left = selectors.backup_codes_left(user=request.user)
            messages.warning(
                request,
                _(
                    "U logde in met een reservecode; die werkt nu niet meer. U heeft "
                    "nog %(aantal)s reservecodes. Maak nieuwe aan als u er weinig "
                    "over hebt."
                )
                % {"aantal": left},
            )
        return redirect(safe_next(request, reverse("home")))

    def get_context_data(self, **kwargs):
        state = current_state(self.request)
        return super().get_context_data(
            geen_apparaat=not self.has_device,
            instellen=state == Tweestapsstatus.INSTELLEN,
            verder=safe_next(self.request, reverse("home")),
            next=self.request.GET.get("next", ""),
            **self.frame(breadcrumbs((_("Code invullen"), None))),
            **kwargs,
        )


class TweestapsDeleteView(LoginRequiredMixin, FormView):
    """Switch the second factor off, after the password or a code once more."""

    form_class = TweestapsDeleteForm
    template_name = "beveiliging/tweestaps_confirm_delete.html"

    @cached_property
    def has_device(self) -> bool:
        return user_has_device(self.request.user)

    def post(self, request, *args, **kwargs):
        if not self.has_device:
            return redirect("beveiliging:tweestaps")
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "request": self.request,
        }

    def form_valid(self, form):
        request = self.request
        services.second_factor_delete(
            user=request.user,
            by=request.user,
            reason=_("Uitgezet door de gebruiker zelf"),
            request=request,
        )
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
        state = refresh_state(request)
        messages.success(
            request,
            _(
                "Tweestapsverificatie staat uit; de app en de reservecodes werken "
                "niet meer."
            )
            if state != Tweestapsstatus.INSTELLEN
            else _(
                "De app en de reservecodes werken niet meer. Uw rol vereist "
                "tweestapsverificatie: stel nu een nieuwe app in."
            ),
        )
        return redirect("beveiliging:tweestaps")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            geen_apparaat=not self.has_device,
            verplicht=selectors.second_factor_required(user=self.request.user),
            cancel=reverse("beveiliging:tweestaps"),
            breadcrumbs=breadcrumbs(
                (_("Tweestapsverificatie"), reverse("beveiliging:tweestaps")),
                (_("Uitzetten"), None),
            ),
            **kwargs,
        )


class ReservecodesCreateView(LoginRequiredMixin, FormView):
    """New backup codes, shown once on the page; the old ones stop working."""

    form_class = forms.Form
    template_name = "beveiliging/reservecodes_form.html"

    @cached_property
    def device(self) -> TOTPDevice | None:
        return selectors.totp_device_for(user=self.request.user)

    def post(self, request, *args, **kwargs):
        if self.device is None:
            return redirect("beveiliging:tweestaps")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        codes = services.backup_codes_create(
            user=self.request.user, request=self.request
        )
        return TemplateResponse(
            self.request,
            "beveiliging/reservecodes_list.html",
            {
                "codes": codes,
                "verder": reverse("beveiliging:tweestaps"),
                "breadcrumbs": self.crumbs(),
            },
        )

    def crumbs(self):
        return breadcrumbs(
            (_("Tweestapsverificatie"), reverse("beveiliging:tweestaps")),
            (_("Reservecodes"), None),
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            device=self.device,
            reservecodes=selectors.backup_codes_left(user=self.request.user),
            cancel=reverse("beveiliging:tweestaps"),
            breadcrumbs=self.crumbs(),
            **kwargs,
        )


class RolbeleidUpdateView(ServiceFormView):
    """Per role: is a second factor required? Coordinators and superusers only."""

    permission_required = "beveiliging.manage_rolbeleid"
    form_class = RolbeleidForm
    template_name = "beveiliging/rolbeleid_form.html"

    def get_initial(self):
        return {
            "rollen": [
                overview.group.pk for overview in self.overview if overview.verplicht
            ]
        }

    @cached_property
    def overview(self):
        return selectors.role_overview()

    def perform(self, form):
        return services.rolbeleid_update(
            verplicht_voor=form.cleaned_data["rollen"],
            user=self.request.user,
            reason=form.cleaned_data["reden"],
            request=self.request,
        )

    def get_success_message(self, result) -> str:
        if not result:
            return _("Er is niets gewijzigd.")
        return _(
            "Opgeslagen. Het geldt vanaf de eerstvolgende keer dat iemand met een "
            "gewijzigde rol inlogt."
        )

    def get_success_url(self, result=None):
        return reverse("beveiliging:rolbeleid")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            overzicht=self.overview,
            historie=selectors.rolbeleid_history(),
            cancel=reverse("home"),
            breadcrumbs=breadcrumbs((_("Tweestapsverificatie per rol"), None)),
            **kwargs,
        )


# --- API tokens ---------------------------------------------------------------------


def _token_crumbs(*items):
    return breadcrumbs((_("API-tokens"), reverse("beveiliging:api-tokens")), *items)


class ApiTokenListView(RoleRequiredMixin, FormView):
    """``/account/api-tokens/``: one's tokens (a coordinator sees everyone's,
    to revoke them), and the form for a new one. A new token is shown on the
    answer to that form, once; it is not kept anywhere it could be read again."""

    permission_required = "beveiliging.view_apitoken"
    form_class = ApiTokenForm
    template_name = "beveiliging/api_tokens.html"

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("beveiliging.add_apitoken"):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            token, raw = services.api_token_create(
                user=self.request.user,
                naam=form.cleaned_data["naam"],
                scope=form.cleaned_data["scope"],
                dagen=form.cleaned_data["dagen"],
                request=self.request,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        return TemplateResponse(
            self.request,
            "beveiliging/api_token_created.html",
            {
                "token": token,
                "raw": raw,
                "breadcrumbs": _token_crumbs((token.naam, None)),
            },
            status=201,  # made, and shown on this answer only
        )

    def get_context_data(self, **kwargs):
        user = self.request.user
        tokens = list(selectors.api_tokens_visible_to(user))
        return super().get_context_data(
            eigen=[t for t in tokens if t.gebruiker_id == user.pk],
            anderen=[t for t in tokens if t.gebruiker_id != user.pk],
            breadcrumbs=_token_crumbs(),
            **kwargs,
        )


class ApiTokenRevokeView(RoleRequiredMixin, FormView):
    """Revoke a token, with a reason: its owner, or a coordinator."""

    permission_required = "beveiliging.change_apitoken"
    form_class = ApiTokenRevokeForm
    template_name = "beveiliging/api_token_revoke.html"

    @cached_property
    def token(self):
        token = get_object_or_404(
            selectors.api_tokens_visible_to(self.request.user), pk=self.kwargs["pk"]
        )
        if (
            token.gebruiker_id != self.request.user.pk
            and not self.request.user.has_perm("beveiliging.revoke_any_apitoken")
        ):
            raise PermissionDenied
        return token

    def form_valid(self, form):
        try:
            services.api_token_revoke(
                token=self.token,
                by=self.request.user,
                reason=form.cleaned_data["reden"],
                request=self.request,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Het token ‘%s’ is ingetrokken.") % self.token.naam
        )
        return redirect("beveiliging:api-tokens")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            token=self.token,
            cancel=reverse("beveiliging:api-tokens"),
            breadcrumbs=_token_crumbs((_("Intrekken"), None)),
            **kwargs,
        )
