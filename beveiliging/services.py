"""Writes for the second factor, the role policy, single sign-on accounts and
API tokens.

Authenticator apps and backup codes are django-otp's records: they hold
secrets, change on every attempt (throttling, the last time step used) and so
get no audit history of their own; every change to them is an event in the
security log instead. The role policy is a domain record with history.
"""

import datetime
import logging
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from beveiliging.security_log import security_event
from historie.records import create_with_history, history_writer, update_with_history

from .constants import BACKUP_CODE_COUNT, STAFF_ROLES
from .models import ApiToken, Rolbeleid
from .tokens import new_token, token_hash

# TOTP as every authenticator app does it: six digits, a step of 30 seconds,
# one step of clock difference either way.
TOTP_DIGITS = 6
TOTP_STEP = 30
TOTP_TOLERANCE = 1


def normalise_code(code: str) -> str:
    """A code as people type it: spaces and dashes left out, lower case."""
    return "".join(ch for ch in (code or "") if ch not in " -\t").lower()


def pending_code_matches(*, key: str, code: str) -> int | None:
    """The time step at which ``code`` matches the not yet saved ``key``, if any."""
    code = normalise_code(code)
    if not code.isdigit() or len(code) != TOTP_DIGITS:
        return None
    totp = TOTP(bytes.fromhex(key), step=TOTP_STEP, digits=TOTP_DIGITS)
    if totp.verify(int(code), tolerance=TOTP_TOLERANCE):
        return totp.t()
    return None


@history_writer
def totp_device_create(*, user, key: str, last_t: int, request=None) -> TOTPDevice:
    """Save the user's confirmed authenticator app, replacing any earlier one.

    ``last_t`` is the time step of the code that confirmed it, so that the same
    code cannot be used a second time to log in.
    """
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice(
        user=user,
        name=_("Authenticator-app"),
        key=key,
        step=TOTP_STEP,
        digits=TOTP_DIGITS,
        tolerance=TOTP_TOLERANCE,
        last_t=last_t,
        confirmed=True,
    )
    device.full_clean()
    device.save()
    security_event(
        request,
        "otp_device_added",
        user=user,
        obj=f"account={user.get_username()}",
    )
    return device


@history_writer
def backup_codes_create(*, user, request=None) -> list[str]:
    """New backup codes for the user; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(
        user=user, name=_("Reservecodes"), confirmed=True
    )
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    for code in codes:
        StaticToken.objects.create(device=device, token=code)
    security_event(
        request,
        "otp_backup_codes_created",
        user=user,
        obj=f"account={user.get_username()}",
    )
    return codes


@history_writer
def second_factor_delete(*, user, by, reason: str, request=None) -> int:
    """Remove all of ``user``'s devices (app and backup codes); returns how many.

    ``by`` is who did it: the user, an administrator, or the system account
    of a management command.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Geef een reden voor het verwijderen."))
    count = 0
    for model in (TOTPDevice, StaticDevice):
        for device in model.objects.filter(user=user):
            device.delete()
            count += 1
    security_event(
        request,
        "otp_device_removed",
        user=by,
        obj=f"account={user.get_username()} devices={count} reason={reason}",
    )
    return count


@history_writer
def device_delete(*, device, by, reason: str, request=None) -> None:
    """Remove one device (as the admin does), with an event in the security log."""
    owner = device.user.get_username()
    kind = type(device).__name__
    device.delete()
    security_event(
        request,
        "otp_device_removed",
        user=by,
        obj=f"account={owner} devices={kind} reason={reason}",
    )


def _throttled_message(info: dict) -> str:
    until = timezone.localtime(info["locked_until"])
    return _(
        "Te veel onjuiste codes achter elkaar. Probeer het na %(tijd)s opnieuw."
    ) % {"tijd": time_format(until, "H:i:s")}


def otp_verify(*, user, code: str, request=None):
    """The device that accepts ``code``; a ``ValidationError`` in Dutch if none.

    Six digits are tried against the authenticator app, anything else against
    the backup codes, so that a mistyped code counts against one device only.
    django-otp slows guessing down: after each wrong code the device refuses
    codes for 1, 2, 4, 8 … seconds. The attempt is written before the error is
    raised, so that a refusal is never rolled back.
    """
    code = normalise_code(code)
    if not code:
        raise ValidationError(_("Vul de code in."), code="required")
    model = TOTPDevice if code.isdigit() and len(code) == TOTP_DIGITS else StaticDevice
    error = None
    with transaction.atomic():
        devices = list(
            model.objects.devices_for_user(user, confirmed=True).select_for_update()
        )
        accepted = None
        for device in devices:
            allowed, info = device.verify_is_allowed()
            if not allowed:
                error = _throttled_message(info)
                break
            if device.verify_token(code):
                accepted = device
                break
    if accepted is not None:
        security_event(
            request,
            "otp_verified",
            user=user,
            obj=f"device={type(accepted).__name__}",
        )
        return accepted
    security_event(
        request,
        "otp_failed",
        user=user,
        obj=f"device={model.__name__}",
        result="throttled" if error else "wrong_code",
        level=logging.WARNING,
    )
    raise ValidationError(
        error
        or _(
            "Deze code klopt niet. Controleer of de tijd op uw telefoon goed staat "
            "en vul de code in die de app nu toont."
        ),
        code="invalid",
    )


def second_factor_confirm(*, user, secret: str, request=None) -> None:
    """Check that the person at the keyboard is ``user``: their password or a code.

    Throttled like a code: each wrong answer counts against the app.
    """
    device = (
        TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()
    )
    if device is not None:
        allowed, info = device.verify_is_allowed()
        if not allowed:
            raise ValidationError(_throttled_message(info), code="throttled")
    if secret and user.has_usable_password() and user.check_password(secret):
        return
    code = normalise_code(secret)
    if device is not None and code.isdigit() and len(code) == TOTP_DIGITS:
        if device.verify_token(code):
            return
    elif device is not None:
        device.throttle_increment()
    security_event(
        request,
        "otp_confirm",
        user=user,
        obj=f"account={user.get_username()}",
        result="failed",
        level=logging.WARNING,
    )
    raise ValidationError(
        _("Dit is niet uw wachtwoord en ook geen geldige code."), code="invalid"
    )


# --- role policy ------------------------------------------------------------------


@history_writer
def rolbeleid_update(
    *, verplicht_voor: Iterable[Group], user, reason: str, request=None
) -> list[Rolbeleid]:
    """Require the second factor for exactly the roles in ``verplicht_voor``.

    Returns the policies that changed; each change has one history row with
    ``user`` and ``reason``, and an event in the security log. Sessions that
    are already open keep what was required when they logged in.
    """
    wanted = {group.pk for group in verplicht_voor}
    existing = {
        beleid.rol_id: beleid for beleid in Rolbeleid.objects.select_for_update()
    }
    changed = []
    for group in Group.objects.order_by("name"):
        required = group.pk in wanted
        beleid = existing.get(group.pk)
        if beleid is None:
            if not required:
                continue
            beleid = create_with_history(
                Rolbeleid,
                {"rol": group, "tweestaps_verplicht": True},
                user=user,
                reason=reason,
            )
        elif not update_with_history(
            beleid, {"tweestaps_verplicht": required}, user=user, reason=reason
        ):
            continue
        changed.append(beleid)
        security_event(
            request,
            "role_policy_changed",
            user=user,
            obj=f"role={group.name} tweestaps_verplicht={required}",
        )
    return changed


# --- accounts from single sign-on -------------------------------------------------


@history_writer
def sso_user_create(*, username: str, email: str, first_name: str, last_name: str):
    """An account for someone the identity provider vouches for; no password.

    Its roles are set by ``sso_user_roles_sync`` straight after.
    """
    user = get_user_model()(
        username=username,
        email=email,
        first_name=first_name[:150],
        last_name=last_name[:150],
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


@history_writer
def sso_user_update(*, user, email: str, first_name: str, last_name: str) -> None:
    """Keep name and e-mail address as the identity provider has them."""
    values = {
        "email": email,
        "first_name": first_name[:150],
        "last_name": last_name[:150],
    }
    changed = [name for name, value in values.items() if getattr(user, name) != value]
    if not changed:
        return
    for name in changed:
        setattr(user, name, values[name])
    user.full_clean(exclude=["password"])
    user.save(update_fields=changed)


@history_writer
def sso_user_roles_sync(
    *, user, roles: Iterable[str], managed: Iterable[str], request=None
) -> bool:
    """Give ``user`` exactly ``roles`` among the ``managed`` ones; log a change.

    Roles that the identity provider does not manage (groups outside the role
    mapping) are left as they are. Returns whether anything changed.
    """
    managed = set(managed)
    wanted = set(roles) & managed
    groups = {group.name: group for group in Group.objects.filter(name__in=managed)}
    current = set(user.groups.filter(name__in=managed).values_list("name", flat=True))
    to_add = [groups[name] for name in sorted(wanted - current) if name in groups]
    to_remove = [groups[name] for name in sorted(current - wanted)]
    if to_add:
        user.groups.add(*to_add)
    if to_remove:
        user.groups.remove(*to_remove)
    staff = bool(wanted & STAFF_ROLES) or user.is_superuser
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
    if not (to_add or to_remove):
        return False
    security_event(
        request,
        "oidc_role_changed",
        user=user,
        obj=(
            f"account={user.get_username()} "
            f"roles={','.join(sorted(current)) or '-'}"
            f"->{','.join(sorted(wanted)) or '-'}"
        ),
        result="changed",
    )
    return True


# --- API tokens ---------------------------------------------------------------------

TOKEN_DAYS_DEFAULT = 90
TOKEN_DAYS_MAX = 365


@history_writer
def api_token_create(
    *, user, naam: str, scope: str, dagen: int = TOKEN_DAYS_DEFAULT, request=None
) -> tuple[ApiToken, str]:
    """A new token of ``user``; returns the row and the token, which is shown
    this once and stored only as its hash."""
    naam = (naam or "").strip()
    if not naam:
        raise ValidationError({"naam": _("Geef het token een naam.")})
    if not 1 <= dagen <= TOKEN_DAYS_MAX:
        raise ValidationError(
            {
                "dagen": _("Een token geldt 1 tot %(max)s dagen.")
                % {"max": TOKEN_DAYS_MAX}
            }
        )
    if ApiToken.objects.filter(
        gebruiker=user, naam=naam, ingetrokken_op__isnull=True
    ).exists():
        raise ValidationError({"naam": _("U hebt al een geldig token met deze naam.")})
    raw, prefix = new_token()
    token = create_with_history(
        ApiToken,
        {
            "gebruiker": user,
            "naam": naam,
            "scope": scope,
            "prefix": prefix,
            "sleutel_hash": token_hash(raw),
            "verloopt_op": timezone.now() + datetime.timedelta(days=dagen),
        },
        user=user,
        reason=_("API-token aangemaakt"),
    )
    security_event(
        request,
        "api_token_created",
        user=user,
        obj=f"token={naam} scope={scope} days={dagen}",
    )
    return token, raw


@history_writer
def api_token_revoke(*, token: ApiToken, by, reason: str, request=None) -> ApiToken:
    """Revoke ``token`` (its owner, or a coordinator); it stays, revoked."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reden": _("Geef een reden voor het intrekken.")})
    current = ApiToken.objects.select_for_update().get(pk=token.pk)
    if current.ingetrokken_op is not None:
        raise ValidationError(_("Dit token is al ingetrokken."))
    update_with_history(
        current,
        {"ingetrokken_op": timezone.now(), "ingetrokken_door": by},
        user=by,
        reason=reason,
    )
    security_event(
        request,
        "api_token_revoked",
        user=by,
        obj=f"token={current.naam} owner={current.gebruiker.get_username()}",
    )
    return current
