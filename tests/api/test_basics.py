"""The rules every call keeps: tokens, problem details, the version header,
no trailing slashes, the OpenAPI document."""

import datetime
import json

import pytest
from django.utils import timezone

from beveiliging import services
from beveiliging.models import ApiToken
from tests.api.conftest import client_for, token_for
from tests.factories import ActieFactory, UserFactory

pytestmark = pytest.mark.django_db


def problem(response) -> dict:
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["status"] == response.status_code
    assert body["title"] and body["detail"]
    return body


def test_a_token_reads_and_every_answer_names_the_version(beleidsmedewerker):
    actie = ActieFactory(code="3.2")
    response = client_for(beleidsmedewerker, "read").get(f"/api/v1/acties/{actie.pk}")
    assert response.status_code == 200
    assert response["API-Version"] == "1.0.0"
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["id"] == actie.pk
    assert body["sleutel"] == f"{actie.programma.slug}/actie/3.2"
    assert body["code"] == "3.2"
    assert response["ETag"].startswith('"') and len(response["ETag"]) == 26


@pytest.mark.parametrize(
    "header, why",
    [
        (None, "Niet geauthenticeerd"),
        ("Bearer apt_000000000000_onzin", "onbekend"),
        ("Token abc", "Bearer"),
    ],
)
def test_without_a_valid_token_nothing_is_read(client, header, why):
    ActieFactory()
    headers = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/acties", **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    body = problem(response)
    assert why in body["detail"] + body["title"]


def test_a_revoked_or_expired_token_is_refused_and_logged(
    client, beleidsmedewerker, coordinator, caplog
):
    revoked_raw = token_for(beleidsmedewerker, naam="oud")
    revoked = ApiToken.objects.get(naam="oud")
    services.api_token_revoke(token=revoked, by=coordinator, reason="Lek")
    expired_raw = token_for(beleidsmedewerker, naam="verlopen")
    expired = ApiToken.objects.get(naam="verlopen")
    ApiToken.objects.filter(pk=expired.pk).update(
        verloopt_op=timezone.now() - datetime.timedelta(seconds=1)
    )
    for raw, word in ((revoked_raw, "ingetrokken"), (expired_raw, "verlopen")):
        response = client.get("/api/v1/acties", HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 401
        assert word in problem(response)["detail"]
    refused = [r for r in caplog.records if r.msg == "api_token_refused"]
    assert [(r.result, r.object) for r in refused] == [
        ("revoked", "token=oud"),
        ("expired", "token=verlopen"),
    ]


def test_only_the_hash_is_stored_and_the_token_is_found_by_it(beleidsmedewerker):
    token, raw = services.api_token_create(
        user=beleidsmedewerker, naam="iBabs", scope="read", dagen=30
    )
    assert raw.startswith("apt_") and raw not in str(
        ApiToken.objects.values().get(pk=token.pk)
    )
    assert token.history.get().history_change_reason == "API-token aangemaakt"
    assert 29 <= (token.verloopt_op - timezone.now()).days <= 30


def test_every_call_is_in_the_security_log_with_the_tokens_name(
    beleidsmedewerker, caplog
):
    client_for(beleidsmedewerker, "read").get("/api/v1/programmas")
    (call,) = [r for r in caplog.records if r.msg == "api_call"]
    assert call.object == "token=test GET /api/v1/programmas"
    assert call.result == "200"
    assert call.user == beleidsmedewerker.username


def test_unknown_urls_and_trailing_slashes_are_problems(beleidsmedewerker):
    api = client_for(beleidsmedewerker, "read")
    for url in ("/api/v1/bestaatniet", "/api/v1/acties/", "/api/v1/acties/999999"):
        response = api.get(url)
        assert response.status_code == 404, url
        assert response["API-Version"] == "1.0.0"
        problem(response)


def test_the_openapi_document_and_its_page_are_published(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["version"] == "1.0.0"
    paths = document["paths"]
    assert "/api/v1/acties/{id}" in paths
    assert not [p for p in paths if p.endswith("/")]
    patch = paths["/api/v1/acties/{id}"]["patch"]
    assert {"412", "428"} <= set(patch["responses"])
    assert client.get("/api/v1/docs").status_code == 200


def test_bad_input_is_a_problem_with_the_fields_named(coordinator):
    api = client_for(coordinator)
    response = api.get("/api/v1/acties", {"status": "onzin"})
    assert response.status_code == 400
    body = problem(response)
    assert body["invalidParams"][0]["name"] == "status"
    response = api.post("/api/v1/acties", "{niet json", content_type="application/json")
    assert response.status_code == 400
    problem(response)


def test_the_rate_limit_answers_429_with_retry_after(beleidsmedewerker, monkeypatch):
    from api.throttling import PerToken

    monkeypatch.setattr(PerToken, "rate", "3/min", raising=False)
    api = client_for(beleidsmedewerker, "read")
    codes = [api.get("/api/v1/programmas").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = api.get("/api/v1/programmas")
    assert int(response["Retry-After"]) > 0
    problem(response)
    # Another person's token has its own count.
    assert (
        client_for(UserFactory(role="griffie"), "read")
        .get("/api/v1/programmas")
        .status_code
        == 200
    )
