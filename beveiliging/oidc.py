"""Single sign-on through the municipality's identity provider (OpenID Connect).

mozilla-django-oidc does the protocol (authorization code flow with state,
nonce and PKCE; the ID token's signature checked against the provider's keys).
This backend decides who gets in: the account is found by a configurable
username claim, and its roles come from a claim mapped to the application's
roles on every login. Nobody gets in without a mapped role, so an account never
exists without a role; an administrator account (superuser) never signs in this
way, so that it stays under the application's own password and second factor.
"""

import contextlib
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from beveiliging.security_log import security_event

from . import services


def is_sso_callback(request, credentials=None) -> bool:
    """django-axes leaves the provider's callback alone (AXES_WHITELIST_CALLABLE).

    A refused sign-in there names no username, so axes would count every
    refusal against the same empty name and, after a few people without a role,
    lock everyone out of single sign-on. Guessing passwords is the identity
    provider's to stop; no password is ever typed here.
    """
    match = getattr(request, "resolver_match", None)
    return bool(match and match.url_name == "oidc_authentication_callback")


class RoleMappingOIDCBackend(OIDCAuthenticationBackend):
    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims, completed with those of the userinfo endpoint.

        Some providers (Microsoft Entra ID) put roles and groups only in the ID
        token, whose signature has been checked by now.
        """
        userinfo = super().get_userinfo(access_token, id_token, payload)
        payload = payload or {}  # none for an API call's access token alone
        if payload.get("sub") and userinfo.get("sub") not in (None, payload["sub"]):
            # OpenID Connect Core 5.3.2: the userinfo must be about the same person.
            raise SuspiciousOperation("userinfo sub differs from the ID token's")
        return {**payload, **userinfo}

    # --- who is it, and may they come in ------------------------------------------

    @staticmethod
    def username_from_claims(claims) -> str:
        value = claims.get(settings.OIDC_USERNAME_CLAIM) or ""
        return str(value).strip()

    @staticmethod
    def roles_from_claims(claims) -> list[str]:
        """The application's roles named in the role claim, through OIDC_ROLE_MAP."""
        values = claims.get(settings.OIDC_ROLE_CLAIM) or []
        if isinstance(values, str):
            values = [values]
        mapping = settings.OIDC_ROLE_MAP
        return sorted(
            {mapping[str(value)] for value in values if str(value) in mapping}
        )

    def refuse(self, claims, result: str, message: str) -> bool:
        security_event(
            self.request,
            "oidc_login",
            user=self.username_from_claims(claims) or None,
            obj=f"sub={claims.get('sub', '')}",
            result=result,
            level=logging.WARNING,
        )
        if self.request is not None and hasattr(self.request, "_messages"):
            messages.error(self.request, message)
        return False

    def verify_claims(self, claims) -> bool:
        if not self.username_from_claims(claims):
            return self.refuse(
                claims,
                "refused_no_username",
                _(
                    "De inlogdienst gaf geen gebruikersnaam door. Neem contact op met "
                    "de beheerder."
                ),
            )
        roles = self.roles_from_claims(claims)
        existing = set(
            Group.objects.filter(name__in=roles).values_list("name", flat=True)
        )
        if not existing:
            return self.refuse(
                claims,
                "refused_no_role",
                _(
                    "U hebt geen rol in de Actieprogramma-tracker. Vraag de beheerder "
                    "om u toegang te geven."
                ),
            )
        return True

    def describe_user_by_claims(self, claims) -> str:
        return f"username {self.username_from_claims(claims)}"

    def filter_users_by_claims(self, claims):
        username = self.username_from_claims(claims)
        if not username:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(
            **{f"{self.UserModel.USERNAME_FIELD}__iexact": username}
        )

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is None:
            # No account and OIDC_CREATE_USER is off.
            self.refuse(
                payload,
                "refused_no_account",
                _(
                    "Er is voor u nog geen account in de Actieprogramma-tracker. Vraag "
                    "de beheerder om er een aan te maken."
                ),
            )
        return user

    # --- the account: created, kept up to date, roles from the claim ---------------

    @staticmethod
    def _names(claims) -> dict:
        return {
            "email": str(claims.get("email") or ""),
            "first_name": str(claims.get("given_name") or ""),
            "last_name": str(claims.get("family_name") or ""),
        }

    def create_user(self, claims):
        try:
            user = services.sso_user_create(
                username=self.username_from_claims(claims), **self._names(claims)
            )
        except ValidationError as exc:
            self.refuse(
                claims,
                "refused_invalid_account",
                _("Uw gegevens bij de inlogdienst passen niet in een account hier."),
            )
            raise SuspiciousOperation("claims do not make a valid account") from exc
        return self.update_roles(user, claims)

    def update_user(self, user, claims):
        if user.is_superuser:
            self.refuse(
                claims,
                "refused_superuser",
                _(
                    "Een beheerdersaccount logt niet in via de inlogdienst. Gebruik "
                    "het wachtwoord van dit account."
                ),
            )
            raise SuspiciousOperation("superusers do not sign in through OIDC")
        # A name the account cannot hold is not a reason to refuse the login.
        with contextlib.suppress(ValidationError):
            services.sso_user_update(user=user, **self._names(claims))
        return self.update_roles(user, claims)

    def update_roles(self, user, claims):
        services.sso_user_roles_sync(
            user=user,
            roles=self.roles_from_claims(claims),
            managed=set(settings.OIDC_ROLE_MAP.values()),
            request=self.request,
        )
        return user
