"""Who calls: a personal API token (``Authorization: Bearer apt_…``), or,
when single sign-on is configured, an access token of the identity provider.

A token acts as its owner with the owner's permissions, never more than its
scope. A revoked, expired or unknown token is refused with 401 and an event
in the security log; so is an owner who can no longer log in, or whose role
requires a second factor they have not set up (the pages would stop them
at login; a token does not go around that).

An access token of the identity provider (OIDC) is checked by the provider
itself: its userinfo endpoint answers for a valid token with the person's
claims, which the sign-in's backend maps to an account and roles exactly as
at a browser login (``beveiliging.oidc``). The answer is kept for
``OIDC_BEARER_CACHE`` seconds, so that a dashboard that calls every few
seconds does not call the provider each time; a token the provider revoked
is refused at most that long after.
"""

from dataclasses import dataclass

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import MultipleObjectsReturned, SuspiciousOperation
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from beveiliging.oidc import RoleMappingOIDCBackend
from beveiliging.security_log import security_event
from beveiliging.selectors import (
    api_token_for,
    second_factor_required,
    totp_device_for,
)
from beveiliging.tokens import prefix_of, token_hash


@dataclass(frozen=True)
class OidcBearer:
    """The ``request.auth`` of a call with the identity provider's token: it
    acts as its owner, with the owner's roles, as a browser session would."""

    gebruiker: object
    naam: str
    kan_schrijven: bool = True


class _BearerBackend(RoleMappingOIDCBackend):
    """The sign-in's backend, with refusals kept for the API's answer rather
    than shown as messages on a page."""

    refusal: tuple[str, str] | None = None

    def refuse(self, claims, result, message):
        self.refusal = (result, str(message))
        return False


def _refused(request, reason: str, message: str, user=None, naam=None):
    security_event(
        request._request,
        "api_token_refused",
        result=reason,
        user=user or "",
        obj=f"token={naam}" if naam else None,
    )
    raise exceptions.AuthenticationFailed(message)


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(
            "latin-1", "replace"
        )
        if not header:
            return None
        keyword, _sep, raw = header.partition(" ")
        if keyword.lower() != self.keyword.lower() or not raw.strip():
            raise exceptions.AuthenticationFailed(
                _("Geef het token mee als 'Authorization: Bearer <token>'.")
            )
        raw = raw.strip()
        if settings.OIDC_ENABLED and prefix_of(raw) is None:
            return self.oidc_user(request, raw)
        token = api_token_for(raw)
        reason = None
        if token is None:
            reason = "unknown"
            message = _("Dit token is onbekend.")
        elif token.ingetrokken_op is not None:
            reason = "revoked"
            message = _("Dit token is ingetrokken.")
        elif token.verloopt_op <= timezone.now():
            reason = "expired"
            message = _("Dit token is verlopen.")
        elif not token.gebruiker.is_active:
            reason = "inactive"
            message = _("Het account van dit token is niet actief.")
        elif second_factor_required(user=token.gebruiker) and not totp_device_for(
            user=token.gebruiker
        ):
            reason = "second_factor_missing"
            message = _(
                "Voor de rol van de eigenaar is tweestapsverificatie verplicht; "
                "stel die eerst in op /account/tweestapsverificatie/."
            )
        if reason:
            _refused(
                request,
                reason,
                message,
                user=token.gebruiker if token else None,
                naam=token.naam if token else None,
            )
        return token.gebruiker, token

    def oidc_user(self, request, raw: str):
        naam = f"OIDC {settings.OIDC_PROVIDER_NAME}"
        key = f"api-oidc:{token_hash(raw)}"
        user_id = cache.get(key)
        user = (
            get_user_model().objects.filter(pk=user_id, is_active=True).first()
            if user_id
            else None
        )
        if user is None:
            backend = _BearerBackend()
            backend.request = request._request
            try:
                user = backend.get_or_create_user(raw, None, None)
            except requests.HTTPError:
                _refused(request, "oidc_invalid", _(
                    "De inlogdienst kent dit token niet (meer); vraag een nieuw aan."
                ), naam=naam)  # fmt: skip
            except requests.RequestException:
                _refused(request, "oidc_unreachable", _(
                    "De inlogdienst kon het token niet controleren; probeer het "
                    "later opnieuw."
                ), naam=naam)  # fmt: skip
            except (SuspiciousOperation, MultipleObjectsReturned, ValueError):
                pass
            if user is None or not user.is_active:
                result, message = backend.refusal or (
                    "oidc_refused",
                    _("De inlogdienst gaf geen account met een rol hier."),
                )
                _refused(request, result, message, naam=naam)
            if (
                not settings.OIDC_SKIP_OTP
                and second_factor_required(user=user)
                and not totp_device_for(user=user)
            ):
                _refused(request, "second_factor_missing", _(
                    "Voor uw rol is tweestapsverificatie verplicht; stel die eerst "
                    "in op /account/tweestapsverificatie/."
                ), user=user, naam=naam)  # fmt: skip
            cache.set(key, user.pk, settings.OIDC_BEARER_CACHE)
        return user, OidcBearer(gebruiker=user, naam=naam)

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
