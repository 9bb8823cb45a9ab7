"""The security baseline: production settings, headers on every page, sign-in
protection, session lifetimes and the security log."""

import html.parser
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from actieprogramma.middleware import LOGIN_AT, SEEN_AT
from beveiliging.security_log import JsonFormatter
from tests.acties.test_views import PUBLIC, ROUTES, url_for

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Lang-en-uniek-wachtwoord-42"


def production_env(**extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        # The browser tests allow Django's ORM in Playwright's event loop; a
        # production process never has that.
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
        and not k.startswith(("SECURE_", "SESSION_"))
    }
    env.update(
        DEBUG="false",
        SECRET_KEY="k3y-" + "x7Qp2LmZ9vRt" * 5,
        ALLOWED_HOSTS="tracker.example.nl",
        DJANGO_SETTINGS_MODULE="actieprogramma.settings",
        **extra,
    )
    return env


# --- production settings -------------------------------------------------------


def test_production_settings_pass_the_deploy_check_at_warning_level(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(VAR_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_values_and_nothing_silenced(tmp_path):
    script = (
        "import json, django; django.setup();"
        "from django.conf import settings as s;"
        "print(json.dumps({k: getattr(s, k) for k in ["
        "'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS',"
        "'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE',"
        "'SESSION_COOKIE_HTTPONLY', 'CSRF_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE',"
        "'SECURE_CONTENT_TYPE_NOSNIFF', 'SECURE_REFERRER_POLICY',"
        "'SILENCED_SYSTEM_CHECKS', 'SESSION_IDLE_TIMEOUT',"
        "'SESSION_ABSOLUTE_TIMEOUT', 'AXES_FAILURE_LIMIT']}))"
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=production_env(VAR_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        check=True,
    )
    values = json.loads(result.stdout)
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    for flag in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
                 "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_HTTPONLY"):  # fmt: skip
        assert values[flag] is True, flag
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["SILENCED_SYSTEM_CHECKS"] == []
    assert values["SESSION_IDLE_TIMEOUT"] == 30 * 60
    assert values["SESSION_ABSOLUTE_TIMEOUT"] == 12 * 3600
    assert values["AXES_FAILURE_LIMIT"] == 5


# --- headers on every page ---------------------------------------------------------


@pytest.fixture
def production_headers(settings):
    """What production sends over HTTPS (DEBUG is off in tests already)."""
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True


class InlineCode(html.parser.HTMLParser):
    """Collects what a strict CSP would refuse: inline scripts, styles, handlers."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _value in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style>")
        if "style" in names:
            self.found.append(f"style attribute on <{tag}>")
        self.found += [f"{n} on <{tag}>" for n in names if n.startswith("on")]
        for name, value in attrs:
            if name in {"href", "src", "action"} and (value or "").startswith(
                "javascript:"
            ):
                self.found.append(f"javascript: URL on <{tag}>")


def assert_secure_headers(response, url):
    csp = response["Content-Security-Policy"]
    directives = {}
    for part in csp.split(";"):
        name, _space, value = part.strip().partition(" ")
        directives[name] = value
    assert directives["default-src"] == "'self'", url
    assert directives["script-src"] == "'self'", url
    assert directives["style-src"] == "'self'", url
    assert directives["frame-ancestors"] == "'none'", url
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    ), url
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["Referrer-Policy"] == "same-origin", url
    assert response["X-Frame-Options"] == "DENY", url
    assert "no-store" in response["Cache-Control"], url


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_every_page_sends_the_security_headers_and_has_no_inline_code(
    client, coordinator, world, production_headers, name
):
    client.force_login(coordinator)
    url = url_for(name, world)
    response = client.get(url, secure=True)
    assert response.status_code == 200, url
    assert_secure_headers(response, url)
    if response["Content-Type"].startswith("text/html"):
        parser = InlineCode()
        parser.feed(response.content.decode())
        assert parser.found == [], (url, parser.found)


def test_public_pages_and_errors_send_the_headers_too(
    client, griffie, world, production_headers
):
    assert {
        "login",
        "logout",
        "health",
        "openbaar",
        "openbaar-data",
        "openbaar-document",
    } == PUBLIC
    programma = world["programma"]
    programma.openbaar = True
    programma.save()
    document = world["document"]
    document.openbaar = True
    document.save()
    public = reverse("openbaar", args=[programma.slug])
    download = reverse(
        "openbaar-document", args=[programma.slug, document.pk, document.bestandsnaam]
    )
    for url in (reverse("login"), reverse("health"), public, download):
        response = client.get(url, secure=True)
        assert response.status_code == 200, url
        assert_secure_headers(response, url)
    client.force_login(griffie)
    assert_secure_headers(client.get(document.get_absolute_url(), secure=True), "doc")
    refused = reverse("acties:actie-update", args=[world["actie"].pk])
    response = client.get(refused, secure=True)
    assert response.status_code == 403
    assert_secure_headers(response, refused)
    missing = client.get("/bestaat-niet/", secure=True)
    assert missing.status_code == 404
    assert_secure_headers(missing, "/bestaat-niet/")


def test_plain_http_is_redirected_to_https(client, production_headers):
    response = client.get(reverse("login"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_session_and_csrf_cookies_are_secure_httponly_and_samesite(
    client, production_headers
):
    user = get_user_model().objects.create_user("ambtenaar", password=PASSWORD)
    client.get(reverse("login"), secure=True)
    response = client.post(
        reverse("login"),
        {"username": user.username, "password": PASSWORD},
        secure=True,
    )
    assert response.status_code == 302
    for name in (django_settings.SESSION_COOKIE_NAME, django_settings.CSRF_COOKIE_NAME):
        cookie = client.cookies[name]
        assert cookie["secure"] is True, name
        assert cookie["httponly"] is True, name
        assert cookie["samesite"] == "Lax", name


# --- passwords, lockout, session key ------------------------------------------------


@pytest.mark.parametrize(
    # Too short; common (two of Django's list of 20,000); all digits; the username.
    "password",
    ["Kort-wacht1", "qwertyuiop123", "1qaz2wsx3edc", "123456789012", "ambtenaar2026"],
)
def test_weak_passwords_are_refused(password):
    user = get_user_model()(username="ambtenaar2026")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_uncommon_password_is_accepted():
    assert validate_password(PASSWORD, get_user_model()(username="ambtenaar")) is None


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_account_is_locked_after_five_failed_attempts(client, caplog):
    user = get_user_model().objects.create_user("ambtenaar", password=PASSWORD)
    caplog.set_level(logging.INFO, logger="actieprogramma.security")
    for attempt in range(5):
        response = login(client, user.username, f"fout-{attempt}")
        assert response.status_code in {200, 429}, attempt
    response = login(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert "Account tijdelijk geblokkeerd" in response.content.decode()
    assert "_auth_user_id" not in client.session
    results = [
        (r.action, r.result)
        for r in caplog.records
        if getattr(r, "action", None) == "login"
    ]
    assert results.count(("login", "failed")) >= 4
    assert ("login", "locked_out") in results
    assert ("login", "ok") not in results


def test_four_failures_then_the_right_password_lets_in_and_resets(client):
    user = get_user_model().objects.create_user("ambtenaar", password=PASSWORD)
    for attempt in range(4):
        assert login(client, user.username, f"fout-{attempt}").status_code == 200
    assert login(client, user.username, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for attempt in range(4):
        assert login(client, user.username, f"fout-{attempt}").status_code == 200
    assert login(client, user.username, PASSWORD).status_code == 302


def test_session_key_changes_at_login(client):
    user = get_user_model().objects.create_user("ambtenaar", password=PASSWORD)
    session = client.session
    session["voorkeur"] = "iets"
    session.save()
    before = session.session_key
    assert login(client, user.username, PASSWORD).status_code == 302
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


# --- session lifetimes ---------------------------------------------------------------


def signed_in(client, user):
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    return client.session.session_key


def age_session(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_idle_session_ends_after_thirty_minutes(client, beleidsmedewerker):
    key = signed_in(client, beleidsmedewerker)
    age_session(client, **{SEEN_AT: 29 * 60})
    assert client.get(reverse("home")).status_code == 200
    age_session(client, **{SEEN_AT: 31 * 60})
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("home")).status_code == 302


def test_activity_keeps_the_session_but_not_past_twelve_hours(
    client, beleidsmedewerker
):
    signed_in(client, beleidsmedewerker)
    age_session(client, **{LOGIN_AT: 12 * 3600 - 60, SEEN_AT: 60})
    assert client.get(reverse("home")).status_code == 200
    assert int(time.time()) - client.session[SEEN_AT] < 5  # activity recorded
    age_session(client, **{LOGIN_AT: 12 * 3600 + 1, SEEN_AT: 1})
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_logout_ends_the_session_at_once(client, beleidsmedewerker):
    key = signed_in(client, beleidsmedewerker)
    assert client.post(reverse("logout")).status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    thief = Client()
    thief.cookies[django_settings.SESSION_COOKIE_NAME] = key
    assert thief.get(reverse("home")).status_code == 302


def test_deactivating_an_account_ends_its_session_at_once(client, beleidsmedewerker):
    signed_in(client, beleidsmedewerker)
    beleidsmedewerker.is_active = False
    beleidsmedewerker.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- the security log ----------------------------------------------------------------


def events(caplog):
    return [
        (r.action, r.result, getattr(r, "user", None))
        for r in caplog.records
        if r.name == "actieprogramma.security"
    ]


def test_sign_in_failure_and_sign_out_are_logged_without_passwords(client, caplog):
    caplog.set_level(logging.DEBUG)
    user = get_user_model().objects.create_user("ambtenaar", password=PASSWORD)
    login(client, "ambtenaar", "Verkeerd-geheim-wachtwoord-1")
    login(client, "ambtenaar", PASSWORD)
    client.post(reverse("logout"))
    logged = events(caplog)
    assert ("login", "failed", "ambtenaar") in logged
    assert ("login", "ok", user.username) in logged
    assert ("logout", "ok", user.username) in logged
    formatter = JsonFormatter()
    lines = [formatter.format(record) for record in caplog.records]
    everything = caplog.text + "\n".join(lines)
    assert "Verkeerd-geheim-wachtwoord-1" not in everything
    assert PASSWORD not in everything


def test_log_lines_are_json_with_utc_time_user_ip_action_object_result(
    client, griffie, world, caplog
):
    caplog.set_level(logging.INFO, logger="actieprogramma.security")
    client.force_login(griffie)
    url = reverse("acties:actie-update", args=[world["actie"].pk])
    assert client.get(url, REMOTE_ADDR="192.0.2.7").status_code == 403
    record = next(r for r in caplog.records if getattr(r, "action", "") == "access")
    line = JsonFormatter().format(record)
    event = json.loads(line)
    assert event["time"].endswith("Z")
    assert event == {
        "time": event["time"],
        "level": "info",
        "action": "access",
        "user": griffie.username,
        "ip": "192.0.2.7",
        "object": url,
        "result": "refused",
    }


def test_user_supplied_text_cannot_inject_log_lines(client, caplog):
    caplog.set_level(logging.INFO, logger="actieprogramma.security")
    forged = 'x"}\n{"action": "login", "result": "ok", "user": "admin"}\r\nx'
    login(client, forged, "wat-dan-ook-12")
    record = next(r for r in caplog.records if getattr(r, "result", "") == "failed")
    line = JsonFormatter().format(record)
    assert "\n" not in line and "\r" not in line
    assert json.loads(line)["user"] == forged


def test_role_and_account_changes_are_logged(beleidsmedewerker, caplog):
    caplog.set_level(logging.INFO, logger="actieprogramma.security")
    griffie_group = Group.objects.get(name="griffie")
    beleidsmedewerker.groups.add(griffie_group)
    beleidsmedewerker.groups.remove(griffie_group)
    griffie_group.user_set.add(beleidsmedewerker)
    beleidsmedewerker.is_active = False
    beleidsmedewerker.save()
    objects = [
        (r.action, r.result, r.object)
        for r in caplog.records
        if r.name == "actieprogramma.security"
    ]
    account = f"account={beleidsmedewerker.username}"
    assert ("role_change", "added", f"{account} roles=griffie") in objects
    assert ("role_change", "removed", f"{account} roles=griffie") in objects
    assert objects.count(("role_change", "added", f"{account} roles=griffie")) == 2
    assert ("account_change", "changed", f"{account} is_active=False") in objects
