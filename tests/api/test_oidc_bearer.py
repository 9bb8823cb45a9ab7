"""Single sign-on's access tokens on the API: checked by the identity
provider's userinfo endpoint (a real HTTP server on loopback here), mapped to
an account and roles as at a browser login, logged, refused when they should
be."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from acties.models import Actie
from beveiliging.constants import Rol
from tests.beveiliging.conftest import security_events
from tests.factories import ActieFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLE_MAP = {"ap-beleid": Rol.BELEIDSMEDEWERKER, "ap-griffie": Rol.GRIFFIE}


class Provider:
    """The provider's userinfo endpoint: the claims of each token it issued."""

    def __init__(self):
        self.tokens: dict[str, dict] = {}
        self.calls = 0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                provider.calls += 1
                auth = self.headers.get("Authorization", "")
                claims = provider.tokens.get(auth.removeprefix("Bearer "))
                if self.path != "/userinfo" or claims is None:
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Bearer error="invalid_token"')
                    self.end_headers()
                    return
                body = json.dumps(claims).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        if self.thread.is_alive():
            self.server.shutdown()
            self.server.server_close()
            self.thread.join()


@pytest.fixture
def provider(settings):
    running = Provider()
    settings.OIDC_ENABLED = True
    settings.OIDC_PROVIDER_NAME = "Gemeente Testdorp"
    settings.OIDC_RP_CLIENT_ID = "actieprogramma"
    settings.OIDC_RP_CLIENT_SECRET = "geheim"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{running.url}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{running.url}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{running.url}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{running.url}/keys"
    settings.OIDC_USERNAME_CLAIM = "preferred_username"
    settings.OIDC_ROLE_CLAIM = "groups"
    settings.OIDC_ROLE_MAP = ROLE_MAP
    settings.OIDC_CREATE_USER = True
    settings.OIDC_SKIP_OTP = True
    settings.OIDC_BEARER_CACHE = 60
    settings.OIDC_TIMEOUT = 5
    yield running
    running.stop()


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def claims(username="j.devries", groups=("ap-beleid",), **extra):
    return {"sub": f"sub-{username}", "preferred_username": username,
            "given_name": "Jan", "family_name": "de Vries",
            "groups": list(groups), **extra}  # fmt: skip


def test_a_valid_access_token_reads_as_its_person_with_the_mapped_role(
    provider, caplog
):
    actie = ActieFactory()
    provider.tokens["toegang-1"] = claims()
    response = bearer("toegang-1").get(f"/api/v1/acties/{actie.pk}")
    assert response.status_code == 200, response.content
    assert response.json()["id"] == actie.pk
    user = get_user_model().objects.get(username="j.devries")
    assert [g.name for g in user.groups.all()] == [Rol.BELEIDSMEDEWERKER]
    calls = security_events(caplog, "api_call")
    assert calls[-1].object.startswith("token=OIDC Gemeente Testdorp GET")
    assert calls[-1].user == "j.devries"
    # The provider's answer is kept a while: a second call does not ask again.
    asked = provider.calls
    assert bearer("toegang-1").get("/api/v1/acties").status_code == 200
    assert provider.calls == asked


def test_the_roles_are_those_of_the_browser(provider):
    actie = ActieFactory(titel="Oud")
    provider.tokens["griffie-1"] = claims("g.griffier", groups=["ap-griffie"])
    client = bearer("griffie-1")
    etag = client.get(f"/api/v1/acties/{actie.pk}")["ETag"]
    response = client.patch(
        f"/api/v1/acties/{actie.pk}", {"titel": "Nieuw"}, format="json",
        HTTP_IF_MATCH=etag,
    )  # fmt: skip
    assert response.status_code == 403
    assert Actie.objects.get(pk=actie.pk).titel == "Oud"
    provider.tokens["beleid-1"] = claims()
    officer = bearer("beleid-1")
    etag = officer.get(f"/api/v1/acties/{actie.pk}")["ETag"]
    response = officer.patch(
        f"/api/v1/acties/{actie.pk}", {"titel": "Nieuw"}, format="json",
        HTTP_IF_MATCH=etag,
    )  # fmt: skip
    assert response.status_code == 200, response.content
    latest = Actie.objects.get(pk=actie.pk).history.first()
    assert latest.history_user.username == "j.devries"
    assert latest.history_change_reason


@pytest.mark.parametrize(
    "token, given, reason, words",
    [
        ("onbekend", None, "oidc_invalid", "kent dit token niet"),
        ("zonder-rol", claims(groups=["iets-anders"]), "refused_no_role", "geen rol"),
        ("zonder-naam", claims(preferred_username=""), "refused_no_username",
         "gebruikersnaam"),
    ],
)  # fmt: skip
def test_a_token_the_provider_refuses_or_without_a_role_gets_401(
    provider, caplog, token, given, reason, words
):
    if given is not None:
        provider.tokens[token] = given
    response = bearer(token).get("/api/v1/acties")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert words in response.json()["detail"]
    refused = security_events(caplog, "api_token_refused")
    assert refused[-1].result == reason
    assert not get_user_model().objects.filter(username="j.devries").exists()


def test_an_administrator_never_comes_in_this_way(provider, caplog):
    UserFactory(username="beheer", is_superuser=True, is_staff=True)
    provider.tokens["beheer-1"] = claims("beheer")
    response = bearer("beheer-1").get("/api/v1/acties")
    assert response.status_code == 401
    assert security_events(caplog, "api_token_refused")[-1].result == (
        "refused_superuser"
    )


def test_an_unreachable_provider_is_a_401_not_a_500(provider, settings, caplog):
    provider.stop()
    response = bearer("toegang-1").get("/api/v1/acties")
    assert response.status_code == 401
    assert "later opnieuw" in response.json()["detail"]
    assert security_events(caplog, "api_token_refused")[-1].result == (
        "oidc_unreachable"
    )


def test_without_single_sign_on_only_personal_tokens_count(settings):
    settings.OIDC_ENABLED = False
    response = bearer("een-token-van-elders").get("/api/v1/acties")
    assert response.status_code == 401
    assert "onbekend" in response.json()["detail"]
