"""The check on every request costs ordinary pages nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beveiliging.session import STATE_SESSION_KEY
from tests.beveiliging.conftest import code_for

pytestmark = pytest.mark.django_db


def queries_for(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    # The history's generation (historie.cache) names every history table,
    # beveiliging's too; it is not a query about the second factor.
    return [
        query["sql"]
        for query in ctx.captured_queries
        if not query["sql"].startswith('SELECT (SELECT MAX("history_id")')
    ]


def test_pages_of_users_without_a_second_factor_query_nothing_extra(
    client, beleidsmedewerker
):
    client.force_login(beleidsmedewerker)
    sql = queries_for(client, reverse("acties:actie-list"))
    assert not [q for q in sql if "otp_" in q or "beveiliging_" in q]


def test_verified_users_cost_one_query_for_their_device(
    client, beleidsmedewerker, make_device
):
    device = make_device(beleidsmedewerker)
    client.force_login(beleidsmedewerker)
    client.post(reverse("beveiliging:verify"), {"code": code_for(device)})
    sql = queries_for(client, reverse("acties:actie-list"))
    assert len([q for q in sql if "otp_" in q or "beveiliging_" in q]) == 1


def test_a_session_from_before_the_second_factor_is_checked_once(
    client, beleidsmedewerker, make_device
):
    client.force_login(beleidsmedewerker)
    session = client.session
    del session[STATE_SESSION_KEY]
    session.save()
    make_device(beleidsmedewerker)
    response = client.get("/")
    assert response["Location"].startswith(reverse("beveiliging:verify"))
    assert client.session[STATE_SESSION_KEY] == "verifieren"


def test_anonymous_users_still_go_to_the_login_page(client):
    response = client.get(reverse("beveiliging:verify"))
    assert response["Location"].startswith(reverse("login"))
