"""Recovery when a phone is lost: an administrator removes the second factor."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.beveiliging.conftest import code_for, security_events
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_reset_otp_removes_app_and_codes_and_logs_why(
    beleidsmedewerker, make_device, caplog
):
    make_device(beleidsmedewerker, codes=True)
    out = io.StringIO()
    call_command(
        "reset_otp",
        beleidsmedewerker.username,
        "--reason",
        "Melding 2026-114",
        stdout=out,
    )
    assert not TOTPDevice.objects.filter(user=beleidsmedewerker).exists()
    assert not StaticDevice.objects.filter(user=beleidsmedewerker).exists()
    assert "Removed the second factor" in out.getvalue()
    (event,) = security_events(caplog, "otp_device_removed")
    assert f"account={beleidsmedewerker.username}" in event.object
    assert "Melding 2026-114" in event.object
    assert event.user == "systeem"


def test_reset_otp_of_an_unknown_user_is_an_error():
    with pytest.raises(CommandError, match="No user named"):
        call_command("reset_otp", "niemand")


def test_after_a_reset_an_open_session_must_set_up_again_if_required(
    client, griffie, make_device, require_for
):
    device = make_device(griffie)
    require_for("griffie")
    client.force_login(griffie)
    client.post(reverse("beveiliging:verify"), {"code": code_for(device)})
    assert client.get("/").status_code == 200
    call_command("reset_otp", griffie.username, stdout=io.StringIO())
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("beveiliging:tweestaps"))


def test_removing_a_device_in_the_admin_is_logged(client, make_device, caplog):
    admin = UserFactory(is_superuser=True, is_staff=True)
    owner = UserFactory()
    device = make_device(owner)
    client.force_login(admin)
    url = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    (event,) = security_events(caplog, "otp_device_removed")
    assert event.user == admin.username
    assert f"account={owner.username}" in event.object


def test_the_admin_does_not_show_secrets(client, make_device):
    admin = UserFactory(is_superuser=True, is_staff=True)
    device = make_device(UserFactory())
    client.force_login(admin)
    url = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    assert device.key not in client.get(url).content.decode()


def test_coordinators_cannot_remove_devices_in_the_admin(
    client, coordinator, make_device
):
    device = make_device(UserFactory())
    client.force_login(coordinator)
    url = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
