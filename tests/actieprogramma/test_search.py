"""One search box over everything a reader may see."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from acties import services
from acties.models import Actie

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_programme", "--demo", stdout=io.StringIO())


def titles(response, kind: str) -> list[str]:
    return [
        hit.titel
        for source, hits, _total in response.context["resultaten"]
        if source.key == kind
        for hit in hits
    ]


def test_grinwis_finds_motion_h4(client, griffie, demo):
    client.force_login(griffie)
    response = client.get("/zoeken/", {"q": "Grinwis"})
    assert response.status_code == 200
    assert titles(response, "raadsopdracht") == [
        "Motie H.4: Slachtoffers mensenhandel beter re-integreren"
    ]


def test_an_action_is_found_by_a_word_of_its_description(client, griffie, demo):
    actie = Actie.objects.get(code="4.2")
    services.actie_update(
        actie=actie,
        versie=actie.versie,
        omschrijving="Verkenning met de Koninklijke Horeca over een certificaatplicht.",
        user=griffie,
        reason="Omschrijving aangevuld",
    )
    client.force_login(griffie)
    response = client.get("/zoeken/", {"q": "horeca"})
    assert [t[:4] for t in titles(response, "actie")] == ["4.2 "]
    page = response.content.decode()
    assert "Acties (1)" in page
    assert "Koninklijke Horeca" in page
    assert "Actieprogramma mensenhandel Den Haag 2025-2028" in page  # its programme


def test_nothing_is_shown_that_the_reader_may_not_see(client, demo):
    # An account without a role may see no records, and the search shows none.
    nobody = get_user_model().objects.create_user("zonder_rol", password="x" * 16)
    client.force_login(nobody)
    response = client.get("/zoeken/", {"q": "Grinwis"})
    assert response.status_code == 200
    assert response.context["resultaten"] == []
    assert "H.4" not in response.content.decode()
    client.logout()
    assert client.get("/zoeken/", {"q": "Grinwis"}).status_code == 302  # to login


def test_empty_long_and_odd_queries_are_answered(client, griffie, demo):
    client.force_login(griffie)
    assert client.get("/zoeken/").status_code == 200
    for q in ("'", '"', "&|!", "a" * 5000, "<script>", "\x00"):
        response = client.get("/zoeken/", {"q": q})
        assert response.status_code == 200, q
    assert (
        "Alleen de eerste 200 tekens"
        in client.get("/zoeken/", {"q": "a" * 300}).content.decode()
    )


@pytest.mark.postgresql
def test_postgresql_searches_with_the_dutch_index(demo):
    from actieprogramma.search import SOURCES, matches

    actie = next(s for s in SOURCES if s.key == "actie")
    rows = matches(actie, "voorlichting")
    # Dutch stemming: "voorlichting" also finds the plural.
    assert rows.exists()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = rows.explain()
        cursor.execute("RESET enable_seqscan")
    assert "acties_actie_zoeken" in plan, plan
