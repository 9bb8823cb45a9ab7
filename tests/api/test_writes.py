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


# --- the records of the structure: PATCH ------------------------------------------


def structure(actie) -> dict:
    """(resource, record, a change, the field and value the record then has)."""
    from acties.models import Meting
    from historie.records import save_with_history, system_user
    from tests.factories import IndicatorFactory, PijlerFactory

    pijler = PijlerFactory(programma=actie.programma, volgorde=7)
    indicator = IndicatorFactory(actie=actie, naam="Meldingen")
    meting = save_with_history(
        Meting(indicator=indicator, datum="2026-01-01", waarde=5),
        user=system_user(),
        reason="Testgegevens",
    )
    return {
        "programmas": (actie.programma, {"titel": "Nieuwe titel"}),
        "pijlers": (pijler, {"naam": "Voorkomen"}),
        "actielijnen": (
            actie.actielijn,
            {"naam": "Signaleren", "pijlers": [pijler.pk]},
        ),
        "organisaties": (OrganisatieFactory(naam="Oud"), {"afkorting": "PDH"}),
        "indicatoren": (indicator, {"streefwaarde": "40.00"}),
        "metingen": (meting, {"waarde": "7.00", "toelichting": "Na de campagne"}),
    }


@pytest.mark.parametrize(
    "resource",
    ["programmas", "pijlers", "actielijnen", "organisaties", "indicatoren", "metingen"],
)
def test_a_record_of_the_structure_changes_with_if_match_and_history(
    coordinator, resource
):
    record, change = structure(ActieFactory())[resource]
    url = f"/api/v1/{resource}/{record.pk}"
    api = client_for(coordinator)
    tag = api.get(url)["ETag"]
    before = record.history.count()

    assert api.patch(url, change, format="json").status_code == 428
    stale = api.patch(url, change, format="json", HTTP_IF_MATCH='"oud"')
    assert stale.status_code == 412
    assert record.history.count() == before

    response = api.patch(
        url, {**change, "reden": "Afgesproken in het overleg"}, format="json",
        HTTP_IF_MATCH=tag,
    )  # fmt: skip
    assert response.status_code == 200, response.content
    for name, value in change.items():
        assert response.json()[name] == value, name
    assert response["ETag"] != tag
    latest = type(record).objects.get(pk=record.pk).history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        coordinator, "Afgesproken in het overleg",
    )  # fmt: skip
    # The same change again changes nothing: no new history.
    count = record.history.count()
    again = api.patch(url, change, format="json", HTTP_IF_MATCH=response["ETag"])
    assert again.status_code == 200
    assert record.history.count() == count


def test_a_structure_change_keeps_the_forms_rules(coordinator):
    actie = ActieFactory()
    pijler = structure(actie)["pijlers"][0]
    other = ActieFactory()
    api = client_for(coordinator)
    url = f"/api/v1/pijlers/{pijler.pk}"
    tag = api.get(url)["ETag"]
    for body, field in (
        ({"naam": "Cliënt met BSN 123456782."}, "naam"),
        ({"programma": other.programma_id}, "programma"),  # it stays where it is
        ({"naam": "x" * 300}, "naam"),
        ({"volgorde": "7"}, "volgorde"),
    ):
        response = api.patch(url, body, format="json", HTTP_IF_MATCH=tag)
        assert response.status_code == 400, body
        assert field in {p["name"] for p in response.json()["invalidParams"]}, body
    assert api.get(url)["ETag"] == tag
    # Without a reason the history names the fields changed.
    response = api.patch(url, {"naam": "Opsporen"}, format="json", HTTP_IF_MATCH=tag)
    assert response.status_code == 200
    assert pijler.history.first().history_change_reason == "Gewijzigd via de API: Naam"


def test_removing_a_link_asks_a_reason_and_the_current_version(beleidsmedewerker):
    from acties.models import RaadsopdrachtActie
    from tests.factories import RaadsopdrachtActieFactory

    actie = ActieFactory()
    koppeling = RaadsopdrachtActieFactory(
        raadsopdracht=RaadsopdrachtFactory(programma=actie.programma), actie=actie
    )
    url = f"/api/v1/koppelingen/{koppeling.pk}"
    api = client_for(beleidsmedewerker)
    tag = api.get(url)["ETag"]
    refused = [
        api.delete(url, {"reden": "Past niet."}, format="json").status_code,
        api.delete(url, {"reden": "Past niet."}, format="json",
                   HTTP_IF_MATCH='"oud"').status_code,
        api.delete(url, {}, format="json", HTTP_IF_MATCH=tag).status_code,
        api.delete(url, {"reden": "BSN 123456782"}, format="json",
                   HTTP_IF_MATCH=tag).status_code,
    ]  # fmt: skip
    assert refused == [428, 412, 400, 400]
    assert RaadsopdrachtActie.objects.filter(pk=koppeling.pk).exists()

    response = api.delete(
        url, {"reden": "Past niet bij deze motie."}, format="json", HTTP_IF_MATCH=tag
    )
    assert (response.status_code, response.content) == (204, b"")
    assert not RaadsopdrachtActie.objects.filter(pk=koppeling.pk).exists()
    gone = RaadsopdrachtActie.history.filter(id=koppeling.pk).first()
    assert (gone.history_type, gone.history_change_reason, gone.history_user) == (
        "-", "Past niet bij deze motie.", beleidsmedewerker,
    )  # fmt: skip
    assert api.get(url).status_code == 404
