"""Single sign-on through OpenID Connect: off unless configured; roles from a claim."""

import importlib
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import SuspiciousOperation
from django.test import RequestFactory
from django.urls import clear_url_caches, reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

import actieprogramma.urls
import beveiliging.oidc_urls
from beveiliging.oidc import RoleMappingOIDCBackend
from beveiliging.session import OIDC_BACKEND
from tests.beveiliging.conftest import security_events
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

AUTHORIZE = "https://login.gemeente.example/oauth2/authorize"
ROLE_MAP = {
    "ap-beleid": "beleidsmedewerker",
    "ap-griffie": "griffie",
    "ap-coord": "coordinator",
}


def reload_urls():
    # The root URLconf holds the included module's patterns once resolved.
    importlib.reload(beveiliging.oidc_urls)
    importlib.reload(actieprogramma.urls)
    clear_url_caches()


@pytest.fixture
def oidc(settings):
    """The settings a configured identity provider gives, and /oidc/ served."""
    settings.OIDC_ENABLED = True
    settings.OIDC_PROVIDER_NAME = "Gemeente Testdorp"
    settings.OIDC_RP_CLIENT_ID = "actieprogramma"
    settings.OIDC_RP_CLIENT_SECRET = "geheim"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = AUTHORIZE
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://login.gemeente.example/oauth2/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://login.gemeente.example/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://login.gemeente.example/keys"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_USERNAME_CLAIM = "preferred_username"
    settings.OIDC_ROLE_CLAIM = "groups"
    settings.OIDC_ROLE_MAP = ROLE_MAP
    settings.OIDC_CREATE_USER = True
    settings.OIDC_SKIP_OTP = True
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, OIDC_BACKEND]
    settings.AXES_WHITELIST_CALLABLE = "beveiliging.oidc.is_sso_callback"
    reload_urls()
    yield settings
    settings.OIDC_ENABLED = False
    reload_urls()


def claims(**extra):
    return {
        "sub": "abc-123",
        "preferred_username": "j.devries",
        "email": "j.devries@gemeente.example",
        "given_name": "Jan",
        "family_name": "de Vries",
        "groups": ["ap-beleid", "iets-anders"],
        **extra,
    }


@pytest.fixture
def backend(oidc, monkeypatch):
    """The backend with a request, and the provider's answers faked."""
    answers = {"userinfo": {}}
    monkeypatch.setattr(
        OIDCAuthenticationBackend,
        "get_userinfo",
        lambda self, access_token, id_token, payload: answers["userinfo"],
    )
    instance = RoleMappingOIDCBackend()
    request = RequestFactory().get("/oidc/callback/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    instance.request = request
    instance.answers = answers
    return instance


def sign_in(backend, payload, userinfo=None):
    backend.answers["userinfo"] = userinfo or {}
    return backend.get_or_create_user("access", "id", payload)


def test_not_configured_means_no_oidc_pages_and_no_button(client):
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/").status_code == 404
    assert "Inloggen met" not in client.get(reverse("login")).content.decode()


def test_login_page_offers_the_provider(client, oidc):
    html = client.get(reverse("login") + "?next=/acties/").content.decode()
    assert 'href="/oidc/authenticate/?next=/acties/"' in html
    assert "Inloggen met Gemeente Testdorp" in html


def test_authentication_request_goes_to_the_provider_with_state_and_nonce(client, oidc):
    response = client.get("/oidc/authenticate/?next=/acties/")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == AUTHORIZE
    query = {key: values[0] for key, values in parse_qs(location.query).items()}
    assert query["client_id"] == "actieprogramma"
    assert query["response_type"] == "code"
    assert query["redirect_uri"] == "http://testserver/oidc/callback/"
    assert query["scope"] == "openid email profile"
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    assert query["code_challenge_method"] == "S256"  # PKCE
    stored = client.session["oidc_states"][query["state"]]
    assert stored["nonce"] == query["nonce"]
    assert client.session["oidc_login_next"] == "/acties/"


def test_a_new_user_with_a_mapped_role_gets_an_account_with_that_role(backend):
    user = sign_in(backend, claims())
    assert user.username == "j.devries"
    assert (user.first_name, user.last_name) == ("Jan", "de Vries")
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == ["beleidsmedewerker"]
    assert not user.is_staff


def test_roles_come_from_the_id_token_when_userinfo_lacks_them(backend):
    payload = claims(groups=["ap-coord"])
    userinfo = {"sub": "abc-123", "email": "j.devries@gemeente.example"}
    user = sign_in(backend, payload, userinfo)
    assert list(user.groups.values_list("name", flat=True)) == ["coordinator"]
    assert user.is_staff  # coordinators manage the structure in the admin


def test_userinfo_about_someone_else_is_refused(backend):
    with pytest.raises(SuspiciousOperation):
        sign_in(backend, claims(), {"sub": "iemand-anders"})


def test_the_role_follows_the_claim_on_every_login_and_is_logged(
    backend, griffie, caplog
):
    existing = UserFactory(username="j.devries", role="griffie")
    user = sign_in(backend, claims(groups=["ap-beleid"]))
    assert user == existing
    assert list(user.groups.values_list("name", flat=True)) == ["beleidsmedewerker"]
    (event,) = security_events(caplog, "oidc_role_changed")
    assert "roles=griffie->beleidsmedewerker" in event.object
    # The same roles again: nothing changes, nothing is logged.
    sign_in(backend, claims(groups=["ap-beleid"]))
    assert len(security_events(caplog, "oidc_role_changed")) == 1


def test_groups_outside_the_role_map_are_left_alone(backend):
    other = get_user_model().groups.field.related_model.objects.create(name="extern")
    existing = UserFactory(username="j.devries", role="griffie")
    existing.groups.add(other)
    sign_in(backend, claims(groups=["ap-beleid"]))
    assert set(existing.groups.values_list("name", flat=True)) == {
        "beleidsmedewerker",
        "extern",
    }


@pytest.mark.parametrize("groups", [[], ["iets-anders"], "geen-lijst"])
def test_no_mapped_role_means_no_account(backend, caplog, groups):
    with pytest.raises(SuspiciousOperation):
        sign_in(backend, claims(groups=groups))
    assert not get_user_model().objects.filter(username="j.devries").exists()
    (event,) = security_events(caplog, "oidc_login")
    assert event.result == "refused_no_role"
    messages = [str(m) for m in get_messages(backend.request)]
    assert any("geen rol" in m for m in messages)


def test_losing_every_role_refuses_the_login_and_keeps_the_old_role(backend):
    existing = UserFactory(username="j.devries", role="griffie")
    with pytest.raises(SuspiciousOperation):
        sign_in(backend, claims(groups=[]))
    assert list(existing.groups.values_list("name", flat=True)) == ["griffie"]


def test_without_create_user_unknown_people_are_refused(backend, settings):
    settings.OIDC_CREATE_USER = False
    assert sign_in(backend, claims()) is None
    assert not get_user_model().objects.filter(username="j.devries").exists()


def test_administrator_accounts_never_sign_in_through_oidc(backend):
    UserFactory(username="j.devries", is_superuser=True, is_staff=True)
    with pytest.raises(SuspiciousOperation):
        sign_in(backend, claims())


def test_username_claim_is_configurable(backend, settings):
    settings.OIDC_USERNAME_CLAIM = "upn"
    user = sign_in(backend, claims(upn="JDV01"))
    assert user.username == "JDV01"


def callback(client, monkeypatch, payload):
    """The provider's redirect back, with the token exchange faked."""
    start = client.get("/oidc/authenticate/?next=/acties/")
    state = parse_qs(urlsplit(start["Location"]).query)["state"][0]
    monkeypatch.setattr(
        RoleMappingOIDCBackend,
        "get_token",
        lambda self, data: {"id_token": "id", "access_token": "access"},
    )
    monkeypatch.setattr(
        RoleMappingOIDCBackend, "verify_token", lambda self, token, **kw: payload
    )
    monkeypatch.setattr(
        OIDCAuthenticationBackend, "get_userinfo", lambda self, *args: {}
    )
    return client.get(f"/oidc/callback/?code=abc&state={state}")


def test_signing_in_through_the_provider_skips_the_apps_code(
    client, oidc, monkeypatch, make_device
):
    make_device(UserFactory(username="j.devries", role="beleidsmedewerker"))
    response = callback(client, monkeypatch, claims())
    assert response.status_code == 302
    assert response["Location"] == "/acties/"
    assert client.session[BACKEND_SESSION_KEY] == OIDC_BACKEND
    assert client.get("/acties/").status_code == 200


def test_with_oidc_skip_otp_off_the_apps_code_is_asked_too(
    client, oidc, monkeypatch, make_device
):
    oidc.OIDC_SKIP_OTP = False
    make_device(UserFactory(username="j.devries", role="beleidsmedewerker"))
    callback(client, monkeypatch, claims())
    response = client.get("/acties/")
    assert response["Location"].startswith(reverse("beveiliging:verify"))


def test_a_refused_sign_in_returns_to_the_login_page_with_the_reason(
    client, oidc, monkeypatch
):
    response = callback(client, monkeypatch, claims(groups=["iets-anders"]))
    assert response["Location"] == reverse("login")
    page = client.get(reverse("login")).content.decode()
    assert "U hebt geen rol in de Actieprogramma-tracker" in page


def test_refused_sign_ins_do_not_lock_out_everyone_else(client, oidc, monkeypatch):
    for _attempt in range(6):
        callback(client, monkeypatch, claims(groups=[]))
    response = callback(client, monkeypatch, claims())
    assert response.status_code == 302
    assert response["Location"] == "/acties/"
