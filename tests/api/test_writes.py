"""Writes through the API: the page's form and service, the version in
If-Match (428 without, 412 when stale, nothing changed either way), the
reason and the BSN guard, only the fields sent."""

import pytest

from acties.models import Actie, Raadsopdracht
from tests.api.conftest import client_for
from tests.factories import ActieFactory, OrganisatieFactory, RaadsopdrachtFactory

pytestmark = pytest.mark.django_db


def read(api, actie):
    response = api.get(f"/api/v1/acties/{actie.pk}")
    return response.json(), response["ETag"]


def test_a_patch_with_the_current_version_writes_what_was_sent(beleidsmedewerker):
    actie = ActieFactory(titel="Oud", omschrijving="Blijft", voortgang=10)
    partner = OrganisatieFactory(naam="Politie")
    api = client_for(beleidsmedewerker)
    _body, tag = read(api, actie)

    response = api.patch(
        f"/api/v1/acties/{actie.pk}",
        {"titel": "Nieuw", "partner_ids": [partner.pk], "uitbuiting": ["arbeid"]},
        format="json",
        HTTP_IF_MATCH=tag,
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["titel"], body["omschrijving"], body["voortgang"]) == (
        "Nieuw",
        "Blijft",
        10,
    )
    assert body["partners"] == ["Politie"] and body["uitbuiting"] == ["arbeid"]
    assert response["ETag"] != tag
    actie.refresh_from_db()
    assert actie.titel == "Nieuw" and actie.arbeidsuitbuiting
    row = actie.history.latest()
    assert row.history_user == beleidsmedewerker
    assert row.history_change_reason.startswith("Gegevens bijgewerkt via de API:")
    # The new version is the one to send next, and a read says the same.
    assert api.get(f"/api/v1/acties/{actie.pk}")["ETag"] == response["ETag"]


def test_without_if_match_428_and_with_a_stale_one_412_nothing_changed(
    beleidsmedewerker,
):
    actie = ActieFactory(titel="Oud")
    api = client_for(beleidsmedewerker)
    _body, stale = read(api, actie)
    url = f"/api/v1/acties/{actie.pk}"
    # Someone else saves in between.
    api.patch(url, {"omschrijving": "Tussendoor"}, format="json", HTTP_IF_MATCH=stale)
    versions = actie.history.count()

    response = api.patch(url, {"titel": "Zonder versie"}, format="json")
    assert response.status_code == 428
    assert response["Content-Type"] == "application/problem+json"
    response = api.patch(
        url, {"titel": "Verouderd"}, format="json", HTTP_IF_MATCH=stale
    )
    assert response.status_code == 412
    assert "niets opgeslagen" in response.json()["detail"]

    actie.refresh_from_db()
    assert actie.titel == "Oud"
    assert actie.history.count() == versions


def test_status_needs_a_reason_and_text_goes_through_the_bsn_guard(
    beleidsmedewerker,
):
    actie = ActieFactory()
    api = client_for(beleidsmedewerker)
    url = f"/api/v1/acties/{actie.pk}"
    _body, tag = read(api, actie)
    versions = actie.history.count()

    response = api.patch(url, {"status": "lopend"}, format="json", HTTP_IF_MATCH=tag)
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalidParams"]] == ["reden"]
    response = api.patch(
        url,
        {"omschrijving": "Cliënt met BSN 123456782."},
        format="json",
        HTTP_IF_MATCH=tag,
    )
    assert response.status_code == 400
    (param,) = response.json()["invalidParams"]
    assert param["name"] == "omschrijving"
    assert "burgerservicenummer" in param["reason"]
    assert actie.history.count() == versions

    response = api.patch(
        url,
        {"status": "lopend", "voortgang": 20, "reden": "Gestart met de pilot"},
        format="json",
        HTTP_IF_MATCH=tag,
    )
    assert response.status_code == 200
    row = Actie.objects.get(pk=actie.pk).history.latest()
    assert (row.status, row.voortgang, row.history_change_reason) == (
        "lopend",
        20,
        "Gestart met de pilot",
    )


def test_creating_an_action_and_a_mandate(beleidsmedewerker, griffie):
    lijn = ActieFactory().actielijn
    response = client_for(beleidsmedewerker).post(
        "/api/v1/acties",
        {"actielijn_id": lijn.pk, "code": "7.1", "titel": "Nieuwe actie"},
        format="json",
    )
    assert response.status_code == 201, response.content
    actie = Actie.objects.get(code="7.1")
    assert response["Location"].endswith(f"/api/v1/acties/{actie.pk}")
    assert actie.history.get().history_user == beleidsmedewerker

    response = client_for(griffie).post(
        "/api/v1/raadsopdrachten",
        {"soort": "motie", "nummer": "M.99", "titel": "Motie opvang"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert (
        Raadsopdracht.objects.get(nummer="M.99").history.get().history_user == griffie
    )


def test_the_griffie_edits_the_register_with_if_match(griffie):
    opdracht = RaadsopdrachtFactory(titel="Oud")
    api = client_for(griffie)
    url = f"/api/v1/raadsopdrachten/{opdracht.pk}"
    tag = api.get(url)["ETag"]
    response = api.patch(
        url, {"titel": "Nieuw", "reden": "Titel uit het besluit"},
        format="json", HTTP_IF_MATCH=tag,
    )  # fmt: skip
    assert response.status_code == 200, response.content
    opdracht.refresh_from_db()
    assert opdracht.titel == "Nieuw"
    assert opdracht.history.latest().history_change_reason == "Titel uit het besluit"


def test_a_conditional_read_gives_304(beleidsmedewerker):
    actie = ActieFactory()
    api = client_for(beleidsmedewerker, "read")
    _body, tag = read(api, actie)
    response = api.get(f"/api/v1/acties/{actie.pk}", HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 304
