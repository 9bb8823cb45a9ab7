import pytest
from django.contrib.auth.models import Group
from django_otp.oath import TOTP
from django_otp.util import random_hex

from beveiliging import services
from historie.records import system_user


def code_for(device, *, offset_steps: int = 0) -> str:
    """The code the user's app shows now (or ``offset_steps`` steps from now)."""
    totp = TOTP(device.bin_key, step=device.step, digits=device.digits)
    totp.time = totp.time + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def code_for_key(key: str) -> str:
    totp = TOTP(bytes.fromhex(key), step=30, digits=6)
    return f"{totp.token():06d}"


@pytest.fixture
def make_device():
    """A confirmed authenticator app (and backup codes) for a user."""

    def make(user, *, codes: bool = False):
        device = services.totp_device_create(user=user, key=random_hex(20), last_t=-1)
        device.backup_codes = services.backup_codes_create(user=user) if codes else []
        return device

    return make


@pytest.fixture
def require_for():
    """Require the second factor for the given roles, as a coordinator would."""

    def require(*roles: str):
        services.rolbeleid_update(
            verplicht_voor=Group.objects.filter(name__in=roles),
            user=system_user(),
            reason="Test",
        )

    return require


def security_events(caplog, action: str) -> list:
    return [
        record
        for record in caplog.records
        if record.name == "actieprogramma.security"
        and getattr(record, "action", None) == action
    ]
