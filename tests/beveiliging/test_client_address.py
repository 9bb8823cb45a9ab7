"""The client's address behind a proxy: for the lockout and the security log.

Behind a TLS proxy every request comes from the proxy's address. Only when
that address is listed in TRUSTED_PROXIES is the client's own address taken
from X-Forwarded-For, and then only the right-most entry that no trusted proxy
wrote: whatever the client put in the header itself comes before it.
"""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.urls import reverse

from beveiliging.security_log import JsonFormatter, client_ip

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Lang-en-uniek-wachtwoord-42"
PROXY = "10.0.0.5"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    return settings


def sign_in(client, username, password, **headers):
    return client.post(
        reverse("login"), {"username": username, "password": password}, **headers
    )


def via_proxy(client_address):
    # As nginx's $proxy_add_x_forwarded_for does: the header the client sent,
    # then the address the proxy saw.
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_address}


def login_events(caplog) -> list[dict]:
    formatter = JsonFormatter()
    return [
        json.loads(formatter.format(record))
        for record in caplog.records
        if record.name == "actieprogramma.security"
        and getattr(record, "action", None) == "login"
    ]


@pytest.mark.parametrize(
    "lockout_parameters",
    # The default (an account and, separately, an address), and addresses only.
    [["username", "ip_address"], ["ip_address"]],
)
def test_two_clients_behind_one_trusted_proxy_are_locked_out_separately(
    behind_proxy, lockout_parameters
):
    behind_proxy.AXES_LOCKOUT_PARAMETERS = lockout_parameters
    users = get_user_model().objects
    users.create_user("ambtenaar1", password=PASSWORD)
    users.create_user("ambtenaar2", password=PASSWORD)
    eerste, tweede = Client(), Client()
    for attempt in range(5):
        sign_in(eerste, "ambtenaar1", f"fout-{attempt}", **via_proxy("192.0.2.1"))
    assert (
        sign_in(eerste, "ambtenaar1", PASSWORD, **via_proxy("192.0.2.1")).status_code
        == 429
    )
    # Another person, elsewhere, through the same proxy.
    response = sign_in(tweede, "ambtenaar2", PASSWORD, **via_proxy("198.51.100.2"))
    assert response.status_code == 302
    assert "_auth_user_id" in tweede.session
    # The address lock follows the person, not the proxy: from the first
    # person's address, another account is refused as well.
    users.create_user("ambtenaar3", password=PASSWORD)
    response = sign_in(Client(), "ambtenaar3", PASSWORD, **via_proxy("192.0.2.1"))
    assert response.status_code == 429


def test_a_forged_forwarded_for_is_ignored(behind_proxy, caplog):
    caplog.set_level(logging.INFO, logger="actieprogramma.security")
    get_user_model().objects.create_user("ambtenaar", password=PASSWORD)
    # Straight from an address that is no proxy: the header means nothing, so
    # a new made-up address per attempt does not escape the address lock.
    for attempt in range(5):
        sign_in(
            Client(),
            f"gok{attempt}",
            "fout",
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}",
        )
    response = sign_in(
        Client(),
        "ambtenaar",
        PASSWORD,
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_FORWARDED_FOR="192.0.2.200",
    )
    assert response.status_code == 429
    assert {event["ip"] for event in login_events(caplog)} == {"203.0.113.9"}
    caplog.clear()
    # Through the proxy, with made-up addresses put in front by the client:
    # only the one the proxy added counts.
    sign_in(
        Client(),
        "ambtenaar",
        "fout",
        **via_proxy("192.0.2.77, 10.0.0.9, 198.51.100.7"),
    )
    assert [event["ip"] for event in login_events(caplog)] == ["198.51.100.7"]
    caplog.clear()
    # And with no trusted proxies configured, not even the proxy is believed.
    behind_proxy.TRUSTED_PROXIES = []
    sign_in(Client(), "ambtenaar", "fout", **via_proxy("198.51.100.7"))
    assert [event["ip"] for event in login_events(caplog)] == [PROXY]


def test_security_log_shows_the_forwarded_address_of_a_trusted_proxy(
    behind_proxy, caplog
):
    caplog.set_level(logging.INFO, logger="actieprogramma.security")
    get_user_model().objects.create_user("ambtenaar", password=PASSWORD)
    client = Client()
    sign_in(client, "ambtenaar", "fout", **via_proxy("192.0.2.44"))
    sign_in(client, "ambtenaar", PASSWORD, **via_proxy("192.0.2.44"))
    assert [(e["result"], e["ip"]) for e in login_events(caplog)] == [
        ("failed", "192.0.2.44"),
        ("ok", "192.0.2.44"),
    ]


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        # No proxies configured: the header is never read.
        ([], "192.0.2.1", "198.51.100.1", "192.0.2.1"),
        # From a trusted proxy: the entry it added.
        (["10.0.0.5"], "10.0.0.5", "198.51.100.1", "198.51.100.1"),
        # From somewhere else: the socket address.
        (["10.0.0.5"], "10.0.0.6", "198.51.100.1", "10.0.0.6"),
        # Two proxies in a row, both trusted; the client's own additions before.
        (
            ["10.0.0.0/24", "172.16.0.1"],
            "10.0.0.5",
            "1.2.3.4, 198.51.100.1, 172.16.0.1",
            "198.51.100.1",
        ),
        # Several headers are joined with a comma by the server.
        (["10.0.0.5"], "10.0.0.5", "1.2.3.4,198.51.100.1", "198.51.100.1"),
        # A trusted proxy but no header: the proxy itself.
        (["10.0.0.5"], "10.0.0.5", None, "10.0.0.5"),
        (["10.0.0.5"], "10.0.0.5", "", "10.0.0.5"),
        # Rubbish where the proxy's entry should be: the last address vouched for.
        (["10.0.0.5"], "10.0.0.5", "198.51.100.1, unknown", "10.0.0.5"),
        (["10.0.0.5"], "10.0.0.5", "198.51.100.1, ", "10.0.0.5"),
        # Every entry a trusted proxy: the left-most.
        (["10.0.0.0/24"], "10.0.0.5", "10.0.0.7, 10.0.0.6", "10.0.0.7"),
        # IPv6, with and without brackets and port; an IPv4 address with a port.
        (["2001:db8::/64"], "2001:db8::1", "2001:db8:1::9", "2001:db8:1::9"),
        (["2001:db8::/64"], "2001:db8::1", "[2001:db8:1::9]:443", "2001:db8:1::9"),
        (["10.0.0.5"], "10.0.0.5", "198.51.100.1:51234", "198.51.100.1"),
        # An IPv4 proxy seen over an IPv6 socket.
        (["10.0.0.5"], "::ffff:10.0.0.5", "198.51.100.1", "198.51.100.1"),
    ],
)
def test_client_address_is_the_right_most_untrusted_entry(
    settings, trusted, remote, forwarded, expected
):
    settings.TRUSTED_PROXIES = trusted
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", **meta)
    assert client_ip(request) == expected


def test_lockout_uses_the_same_function(settings):
    # One function for the lockout and the log, so they never disagree.
    assert settings.AXES_CLIENT_IP_CALLABLE == "beveiliging.security_log.client_ip"


# --- the setting itself --------------------------------------------------------------


def settings_with(tmp_path, **env):
    clean = {k: v for k, v in os.environ.items() if k != "TRUSTED_PROXIES"}
    clean.update(
        VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="actieprogramma.settings"
    )
    clean.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django;django.setup();"
            "from django.conf import settings as s;print(s.TRUSTED_PROXIES)",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_trusted_proxies_are_read_from_the_environment(tmp_path):
    result = settings_with(tmp_path, TRUSTED_PROXIES=" 10.0.0.5, 10.1.0.0/16,::1 ")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['10.0.0.5/32', '10.1.0.0/16', '::1/128']"


def test_no_trusted_proxies_by_default(tmp_path):
    result = settings_with(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("10.0.0.256", "'10.0.0.256' is not an IP address or network"),
        ("proxy.example.nl", "'proxy.example.nl' is not an IP address or network"),
        ("10.0.0.5/8", "'10.0.0.5/8' has host bits set; did you mean 10.0.0.0/8?"),
        ("*", "would trust every address"),
        ("0.0.0.0/0", "would trust every address"),
        ("10.0.0.5,::/0", "would trust every address"),
    ],
)
def test_a_bad_trusted_proxy_refuses_to_start(tmp_path, value, message):
    result = settings_with(tmp_path, TRUSTED_PROXIES=value)
    assert result.returncode != 0
    assert "TRUSTED_PROXIES" in result.stderr
    assert message in result.stderr
