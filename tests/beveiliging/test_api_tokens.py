"""Personal API tokens on /account/api-tokens/: made by their owner, shown
once, stored as a hash, revoked by their owner or a coordinator with a
reason; the command prints one once."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from beveiliging import services
from beveiliging.models import ApiToken
from beveiliging.tokens import token_hash
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/account/api-tokens/"


def test_an_officer_makes_a_token_and_sees_it_once(client, beleidsmedewerker, caplog):
    client.force_login(beleidsmedewerker)
    response = client.post(URL, {"naam": "Dashboard", "scope": "read", "dagen": 30})
    assert response.status_code == 201
    token = ApiToken.objects.get()
    raw = response.context["raw"]
    assert raw in response.content.decode()
    assert token.sleutel_hash == token_hash(raw)
    assert (token.gebruiker, token.naam, token.scope) == (
        beleidsmedewerker,
        "Dashboard",
        "read",
    )
    # The list shows its beginning only.
    page = client.get(URL).content.decode()
    assert "Dashboard" in page and f"apt_{token.prefix}_" in page and raw not in page
    assert [r.object for r in caplog.records if r.msg == "api_token_created"] == [
        "token=Dashboard scope=read days=30"
    ]
    # The API takes it.
    api = client.get("/api/v1/programmas", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code == 200


def test_bad_input_keeps_what_was_typed_and_makes_nothing(client, griffie):
    client.force_login(griffie)
    for data, field in (
        ({"naam": "", "scope": "read", "dagen": 30}, "naam"),
        ({"naam": "x", "scope": "alles", "dagen": 30}, "scope"),
        ({"naam": "x", "scope": "read", "dagen": 999}, "dagen"),
        ({"naam": "BSN 123456782", "scope": "read", "dagen": 30}, "naam"),
    ):
        response = client.post(URL, data)
        assert response.status_code == 200
        assert field in response.context["form"].errors
    client.post(URL, {"naam": "Eén", "scope": "read", "dagen": 30})
    response = client.post(URL, {"naam": "Eén", "scope": "write", "dagen": 30})
    assert "al een geldig token met deze naam" in response.content.decode()
    assert ApiToken.objects.count() == 1


def test_the_owner_or_a_coordinator_revokes_others_may_not(
    client, beleidsmedewerker, griffie, coordinator
):
    token, raw = services.api_token_create(
        user=beleidsmedewerker, naam="Koppeling", scope="write"
    )
    url = reverse("beveiliging:api-token-revoke", args=[token.pk])
    client.force_login(griffie)  # another person, no coordinator
    assert client.post(url, {"reden": "Weg"}).status_code == 404
    client.force_login(coordinator)
    page = client.get(URL).content.decode()
    assert "Tokens van anderen" in page and "Koppeling" in page
    assert client.post(url, {"reden": ""}).status_code == 200  # a reason is needed
    token.refresh_from_db()
    assert token.ingetrokken_op is None

    response = client.post(url, {"reden": "Medewerker vertrokken"})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.ingetrokken_door == coordinator
    row = token.history.latest()
    assert (row.history_user, row.history_change_reason) == (
        coordinator,
        "Medewerker vertrokken",
    )
    api = client.get("/api/v1/programmas", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code == 401
    # Its owner sees it revoked; a second revocation is refused.
    client.force_login(beleidsmedewerker)
    assert "ingetrokken op" in client.get(URL).content.decode()
    response = client.post(url, {"reden": "Nog eens"})
    assert "al ingetrokken" in response.content.decode()


def test_without_a_role_no_token_page(client):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403
    assert (
        client.post(URL, {"naam": "x", "scope": "read", "dagen": 1}).status_code == 403
    )
    assert not ApiToken.objects.exists()


def test_the_command_prints_the_token_once(beleidsmedewerker):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "create_api_token", beleidsmedewerker.username, "--name", "iBabs",
        "--scope", "write", "--days", "10", stdout=out, stderr=err,
    )  # fmt: skip
    raw = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert token.sleutel_hash == token_hash(raw) and token.scope == "write"
    assert "shown only now" in err.getvalue()
    with pytest.raises(CommandError):
        call_command("create_api_token", "niemand", "--name", "x", stdout=out)
    with pytest.raises(CommandError, match="365"):
        call_command(
            "create_api_token", beleidsmedewerker.username, "--name", "y",
            "--days", "400", stdout=out,
        )  # fmt: skip
