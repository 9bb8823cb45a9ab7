"""Reads for the second factor (a user's devices and what their roles
require) and for API tokens."""

import hmac
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .constants import Tweestapsstatus
from .models import ApiToken, Rolbeleid
from .tokens import prefix_of, token_hash


def totp_device_for(*, user) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if any (one per user)."""
    return (
        TOTPDevice.objects.devices_for_user(user, confirmed=True)
        .order_by("-created_at", "-pk")
        .first()
    )


def backup_codes_left(*, user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def second_factor_required(*, user) -> bool:
    """Whether any of the user's roles requires a second factor."""
    return Rolbeleid.objects.filter(rol__user=user, tweestaps_verplicht=True).exists()


def second_factor_state(*, user) -> Tweestapsstatus:
    """What the user must do after the password, in one query.

    Only confirmed devices count: a device that was never confirmed with a
    code proves nothing.
    """
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            has_app=Exists(
                TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
            ),
            has_codes=Exists(
                StaticDevice.objects.filter(
                    user=OuterRef("pk"), confirmed=True, token_set__isnull=False
                )
            ),
            required=Exists(
                Rolbeleid.objects.filter(
                    rol__user=OuterRef("pk"), tweestaps_verplicht=True
                )
            ),
        )
        .values("has_app", "has_codes", "required")
        .first()
    )
    if row is None:
        return Tweestapsstatus.VRIJ
    if row["has_app"] or row["has_codes"]:
        return Tweestapsstatus.VERIFIEREN
    if row["required"]:
        return Tweestapsstatus.INSTELLEN
    return Tweestapsstatus.VRIJ


@dataclass(frozen=True)
class RoleOverview:
    group: Group
    verplicht: bool
    gebruikers: int
    zonder_app: int


def role_overview() -> list[RoleOverview]:
    """Every role, whether it requires a second factor, and who still lacks one."""
    groups = Group.objects.order_by("name").annotate(
        gebruikers=Count("user", filter=Q(user__is_active=True), distinct=True),
        met_app=Count(
            "user",
            filter=Q(user__is_active=True, user__totpdevice__confirmed=True),
            distinct=True,
        ),
        verplicht=Exists(
            Rolbeleid.objects.filter(rol=OuterRef("pk"), tweestaps_verplicht=True)
        ),
    )
    return [
        RoleOverview(
            group=group,
            verplicht=group.verplicht,
            gebruikers=group.gebruikers,
            zonder_app=group.gebruikers - group.met_app,
        )
        for group in groups
    ]


def rolbeleid_history(*, limit: int = 20) -> QuerySet:
    """The latest changes of the role policy, newest first, with who made them."""
    return Rolbeleid.history.select_related("history_user", "rol").order_by(
        "-history_date", "-history_id"
    )[:limit]


def api_token_for(raw: str) -> ApiToken | None:
    """The stored token that ``raw`` is, valid or not (the caller says why a
    revoked or expired one is refused); None for anything else."""
    prefix = prefix_of(raw)
    if prefix is None:
        return None
    token = ApiToken.objects.select_related("gebruiker").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.sleutel_hash, token_hash(raw)):
        return None
    return token


def api_tokens_visible_to(user) -> QuerySet[ApiToken]:
    """Their own tokens; a coordinator sees everyone's, to revoke them."""
    rows = ApiToken.objects.select_related("gebruiker", "ingetrokken_door")
    if user.has_perm("beveiliging.revoke_any_apitoken"):
        return rows
    return rows.filter(gebruiker=user)
