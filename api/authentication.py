"""Who calls: a personal API token (``Authorization: Bearer apt_…``).

A token acts as its owner with the owner's permissions, never more than its
scope. A revoked, expired or unknown token is refused with 401 and an event
in the security log; so is an owner who can no longer log in, or whose role
requires a second factor they have not set up (the pages would stop them
at login; a token does not go around that).
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from beveiliging.security_log import security_event
from beveiliging.selectors import (
    api_token_for,
    second_factor_required,
    totp_device_for,
)


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
        token = api_token_for(raw.strip())
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
            security_event(
                request._request,
                "api_token_refused",
                result=reason,
                user=token.gebruiker if token else "",
                obj=f"token={token.naam}" if token else None,
            )
            raise exceptions.AuthenticationFailed(message)
        return token.gebruiker, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
