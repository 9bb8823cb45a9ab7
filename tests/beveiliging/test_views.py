"""The second factor as people meet it: set up, asked at login, required per role."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from beveiliging.models import Rolbeleid
from beveiliging.session import PENDING_KEY_SESSION_KEY
from tests.beveiliging.conftest import code_for, code_for_key, security_events
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SETUP = reverse("beveiliging:tweestaps")
VERIFY = reverse("beveiliging:verify")


def log_in(client, user):
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return response


# --- setting up an app -------------------------------------------------------------


def test_setup_page_shows_the_secret_as_text_and_as_a_named_svg_qr_code(
    client, beleidsmedewerker
):
    client.force_login(beleidsmedewerker)
    response = client.get(SETUP)
    html = response.content.decode()
    assert response.status_code == 200
    svg = re.search(r"<svg[^>]*>", html).group(0)
    assert 'role="img"' in svg
    assert 'aria-labelledby="qr-code-titel"' in svg
    assert re.search(r'<title id="qr-code-titel">QR-code[^<]+</title>', html)
    assert "data:" not in html
    key = client.session[PENDING_KEY_SESSION_KEY]
    from beveiliging.qr import secret_text

    assert secret_text(key) in html  # for screen-reader and copy users
    assert '<label class="utrecht-form-label" for="id_code">' in html
    # The same secret on the next visit, so that a reload does not break the app.
    client.get(SETUP)
    assert client.session[PENDING_KEY_SESSION_KEY] == key


def test_right_code_confirms_the_app_and_shows_backup_codes_once(
    client, beleidsmedewerker, caplog
):
    client.force_login(beleidsmedewerker)
    client.get(SETUP)
    key = client.session[PENDING_KEY_SESSION_KEY]
    response = client.post(SETUP, {"code": code_for_key(key)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Uw reservecodes" in html
    device = TOTPDevice.objects.get(user=beleidsmedewerker)
    assert device.confirmed and device.key == key
    codes = StaticDevice.objects.get(user=beleidsmedewerker).token_set.all()
    assert len(codes) == 10
    assert all(token.token in html for token in codes)
    assert PENDING_KEY_SESSION_KEY not in client.session
    assert security_events(caplog, "otp_device_added")
    # Setting it up proved the second factor: the session may go on.
    assert client.get(reverse("home")).status_code == 200
    # The status page no longer shows the secret.
    status = client.get(SETUP).content.decode()
    assert "Tweestapsverificatie staat aan" in status
    assert key not in status


def test_wrong_code_at_setup_saves_nothing_and_says_why_in_dutch(
    client, beleidsmedewerker
):
    client.force_login(beleidsmedewerker)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    assert response.status_code == 200
    assert "Deze code klopt niet" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=beleidsmedewerker).exists()


# --- logging in with an app --------------------------------------------------------


def test_with_an_app_every_page_waits_for_the_code_and_keeps_next(
    client, beleidsmedewerker, make_device
):
    make_device(beleidsmedewerker)
    log_in(client, beleidsmedewerker)
    for url in [
        "/",
        reverse("acties:actie-list"),
        "/admin/",
        reverse("beveiliging:tweestaps-delete"),
        reverse("beveiliging:reservecodes"),
        SETUP,
        "/bestaat-niet/",
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{VERIFY}?next="), url
    response = client.post(reverse("acties:actie-list"))
    assert response["Location"].startswith(f"{VERIFY}?next=")
    # The way in and out, the health check and static files stay reachable.
    assert client.get(VERIFY).status_code == 200
    assert client.get(reverse("health")).status_code in (200, 503)
    assert client.get("/static/css/app.css").status_code in (200, 404)


def test_right_code_at_login_goes_on_to_next(
    client, beleidsmedewerker, make_device, caplog
):
    device = make_device(beleidsmedewerker)
    log_in(client, beleidsmedewerker)
    target = reverse("acties:actie-list") + "?status=lopend"
    response = client.get(target)
    assert response["Location"] == f"{VERIFY}?next=%2Facties%2F%3Fstatus%3Dlopend"
    response = client.post(response["Location"], {"code": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == target
    assert client.get(target).status_code == 200
    (event,) = security_events(caplog, "otp_verified")
    assert event.user == beleidsmedewerker.username
    assert event.result == "ok"


def test_next_to_another_site_is_ignored(client, beleidsmedewerker, make_device):
    device = make_device(beleidsmedewerker)
    log_in(client, beleidsmedewerker)
    response = client.post(
        f"{VERIFY}?next=https://kwaadwillend.example/", {"code": code_for(device)}
    )
    assert response["Location"] == reverse("home")


def test_wrong_code_is_refused_in_dutch_logged_and_slows_guessing(
    client, beleidsmedewerker, make_device, caplog
):
    device = make_device(beleidsmedewerker)
    log_in(client, beleidsmedewerker)
    response = client.post(VERIFY, {"code": "123456"})
    assert response.status_code == 200
    assert "Deze code klopt niet" in response.content.decode()
    (event,) = security_events(caplog, "otp_failed")
    assert (event.user, event.result) == (beleidsmedewerker.username, "wrong_code")
    # Straight after a wrong code even the right one is refused for a while.
    response = client.post(VERIFY, {"code": code_for(device)})
    assert "Te veel onjuiste codes" in response.content.decode()
    assert security_events(caplog, "otp_failed")[-1].result == "throttled"
    assert client.get("/").status_code == 302
    # Once the wait is over, the right code works.
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    device.throttling_failure_timestamp = timezone.now() - datetime.timedelta(seconds=5)
    device.save()
    response = client.post(VERIFY, {"code": code_for(device)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_a_code_works_only_once(client, beleidsmedewerker, make_device):
    device = make_device(beleidsmedewerker)
    code = code_for(device)
    log_in(client, beleidsmedewerker)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    client.post(reverse("logout"))
    log_in(client, beleidsmedewerker)
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert "Deze code klopt niet" in response.content.decode()


def test_a_backup_code_works_once_and_says_how_many_are_left(
    client, beleidsmedewerker, make_device
):
    device = make_device(beleidsmedewerker, codes=True)
    backup = device.backup_codes[0]
    log_in(client, beleidsmedewerker)
    response = client.post(VERIFY, {"code": backup.upper()}, follow=True)
    assert response.status_code == 200
    assert "nog 9 reservecodes" in response.content.decode()
    client.post(reverse("logout"))
    log_in(client, beleidsmedewerker)
    assert client.post(VERIFY, {"code": backup}).status_code == 200


def test_an_unconfirmed_app_does_not_count(client, beleidsmedewerker):
    TOTPDevice.objects.create(user=beleidsmedewerker, name="half", confirmed=False)
    log_in(client, beleidsmedewerker)
    assert client.get("/").status_code == 200


def test_without_an_app_the_verify_page_says_there_is_nothing_to_do(
    client, beleidsmedewerker
):
    client.force_login(beleidsmedewerker)
    response = client.get(VERIFY)
    assert "u hoeft hier geen code in te vullen" in response.content.decode()


# --- required per role -------------------------------------------------------------


def test_a_required_role_without_an_app_must_set_one_up_first(
    client, griffie, beleidsmedewerker, require_for
):
    require_for("griffie")
    log_in(client, griffie)
    for url in ["/", reverse("acties:actie-list"), VERIFY, "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{SETUP}?next="), url
    page = client.get(SETUP)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Voor uw rol is tweestapsverificatie verplicht" in html
    assert 'aria-label="Hoofdmenu"' not in html  # no links that lead back here
    key = client.session[PENDING_KEY_SESSION_KEY]
    response = client.post(f"{SETUP}?next=/acties/", {"code": code_for_key(key)})
    assert 'href="/acties/"' in response.content.decode()
    assert client.get("/acties/").status_code == 200
    # Other roles are not affected.
    client.post(reverse("logout"))
    log_in(client, beleidsmedewerker)
    assert client.get("/").status_code == 200


def test_a_required_role_with_an_app_is_asked_for_the_code(
    client, griffie, require_for, make_device
):
    make_device(griffie)
    require_for("griffie")
    log_in(client, griffie)
    assert client.get("/")["Location"].startswith(f"{VERIFY}?next=")


# --- removing an app ---------------------------------------------------------------


@pytest.mark.parametrize("with_code", [False, True])
def test_users_remove_their_own_app_with_password_or_code(
    client, beleidsmedewerker, make_device, caplog, with_code
):
    device = make_device(beleidsmedewerker, codes=True)
    log_in(client, beleidsmedewerker)
    client.post(VERIFY, {"code": code_for(device)})
    url = reverse("beveiliging:tweestaps-delete")
    page = client.get(url).content.decode()
    assert '<label class="utrecht-form-label" for="id_bevestiging">' in page
    secret = code_for(device, offset_steps=1) if with_code else PASSWORD
    response = client.post(url, {"bevestiging": secret})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=beleidsmedewerker).exists()
    assert not StaticDevice.objects.filter(user=beleidsmedewerker).exists()
    assert security_events(caplog, "otp_device_removed")
    # Next login asks no code.
    client.post(reverse("logout"))
    log_in(client, beleidsmedewerker)
    assert client.get("/").status_code == 200


def test_removing_needs_the_right_password_or_code(
    client, beleidsmedewerker, make_device
):
    device = make_device(beleidsmedewerker)
    log_in(client, beleidsmedewerker)
    client.post(VERIFY, {"code": code_for(device)})
    response = client.post(
        reverse("beveiliging:tweestaps-delete"), {"bevestiging": "geraden"}
    )
    assert response.status_code == 200
    assert "Dit is niet uw wachtwoord" in response.content.decode()
    assert TOTPDevice.objects.filter(user=beleidsmedewerker).exists()


def test_removing_in_a_required_role_leads_straight_to_a_new_setup(
    client, griffie, make_device, require_for
):
    device = make_device(griffie)
    require_for("griffie")
    log_in(client, griffie)
    client.post(VERIFY, {"code": code_for(device)})
    client.post(reverse("beveiliging:tweestaps-delete"), {"bevestiging": PASSWORD})
    assert client.get("/")["Location"].startswith(f"{SETUP}?next=")


def test_new_backup_codes_replace_the_old_ones(client, beleidsmedewerker, make_device):
    device = make_device(beleidsmedewerker, codes=True)
    log_in(client, beleidsmedewerker)
    client.post(VERIFY, {"code": code_for(device)})
    response = client.post(reverse("beveiliging:reservecodes"))
    assert response.status_code == 200
    tokens = StaticDevice.objects.get(user=beleidsmedewerker).token_set.all()
    assert len(tokens) == 10
    assert not set(device.backup_codes) & {token.token for token in tokens}


# --- the coordinator's page --------------------------------------------------------


@pytest.mark.parametrize("role", ["beleidsmedewerker", "griffie"])
def test_only_coordinators_set_the_role_policy(client, request, role):
    client.force_login(request.getfixturevalue(role))
    url = reverse("beveiliging:rolbeleid")
    assert client.get(url).status_code == 403
    group = Group.objects.get(name=role)
    response = client.post(url, {"rollen": [group.pk], "reden": "Zelf verplichten"})
    assert response.status_code == 403
    assert not Rolbeleid.objects.exists()


def test_superusers_may_set_the_role_policy(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(reverse("beveiliging:rolbeleid")).status_code == 200


def test_coordinator_requires_a_role_with_a_reason_in_history_and_log(
    client, coordinator, caplog
):
    client.force_login(coordinator)
    url = reverse("beveiliging:rolbeleid")
    griffie = Group.objects.get(name="griffie")
    response = client.post(url, {"rollen": [griffie.pk], "reden": ""})
    assert response.status_code == 200
    assert not Rolbeleid.objects.exists()
    response = client.post(
        url, {"rollen": [griffie.pk], "reden": "Besluit informatiebeveiliging 2026"}
    )
    assert response.status_code == 302
    beleid = Rolbeleid.objects.get(rol=griffie)
    assert beleid.tweestaps_verplicht
    row = beleid.history.get()
    assert row.history_user == coordinator
    assert row.history_change_reason == "Besluit informatiebeveiliging 2026"
    (event,) = security_events(caplog, "role_policy_changed")
    assert event.user == coordinator.username
    assert "role=griffie" in event.object
    page = client.get(url).content.decode()
    assert "Besluit informatiebeveiliging 2026" in page
    assert re.search(rf'value="{griffie.pk}"[^>]*checked', page)
    # Saving the same again changes nothing and writes no history.
    client.post(url, {"rollen": [griffie.pk], "reden": "Nogmaals"})
    assert beleid.history.count() == 1
    # Switching it off is a change with its own row.
    client.post(url, {"rollen": [], "reden": "Toch niet"})
    beleid.refresh_from_db()
    assert not beleid.tweestaps_verplicht
    assert beleid.history.count() == 2


def test_header_links_to_the_second_factor_page(client, griffie):
    client.force_login(griffie)
    assert f'href="{SETUP}"' in client.get("/").content.decode()
