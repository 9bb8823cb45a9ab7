"""The optional public page of a programme: off by default, no internal fields."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from acties import services
from pijlers.models import Programma
from tests.factories import ProgrammaFactory, RaadsopdrachtFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def internal(world, beleidsmedewerker):
    """Internal data that the public must never see, each a findable string."""
    beleidsmedewerker.first_name, beleidsmedewerker.last_name = "Ingrid", "Intern"
    beleidsmedewerker.save()
    services.actie_update(
        actie=world["actie"], versie=None, user=beleidsmedewerker,
        reason="Reden-alleen-voor-intern", budget=Decimal("98765.43"),
    )  # fmt: skip
    services.voortgangsupdate_create(
        actie=world["actie"], datum="2026-02-02", user=beleidsmedewerker,
        tekst="Vertrouwelijk-overleg-met-de-politie",
    )  # fmt: skip
    return {
        "budget": ["98765", "98.765"],
        "voortgangstekst": ["Vertrouwelijk-overleg-met-de-politie"],
        "auteur": [beleidsmedewerker.username, "Ingrid", "Intern"],
        "reden in de historie": ["Reden-alleen-voor-intern"],
    }


def switch(client, programma, on: bool, reason="Voor de raad en de inwoners"):
    return client.post(
        reverse("programma-openbaar", args=[programma.pk]),
        {"openbaar": "on" if on else "", "reden": reason},
    )


def public_urls(programma):
    return [
        reverse("openbaar", args=[programma.slug]),
        reverse("openbaar-data", args=[programma.slug, "json"]),
        reverse("openbaar-data", args=[programma.slug, "zip"]),
    ]


def test_off_by_default_and_then_unreachable_for_everyone(client, coordinator, world):
    assert world["programma"].openbaar is False
    for url in public_urls(world["programma"]):
        assert Client().get(url).status_code == 404
        client.force_login(coordinator)
        assert client.get(url).status_code == 404


def test_a_coordinator_switches_it_on_and_off_with_history(client, coordinator, world):
    programma = world["programma"]
    client.force_login(coordinator)
    response = switch(client, programma, True)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "De openbare pagina staat aan." in page
    programma.refresh_from_db()
    assert programma.openbaar is True
    latest = programma.history.first()
    assert (latest.history_change_reason, latest.history_user) == (
        "Voor de raad en de inwoners", coordinator,
    )  # fmt: skip
    anonymous = Client()
    for url in public_urls(programma):
        assert anonymous.get(url).status_code == 200, url
    assert switch(client, programma, False, "Tijdelijk uit").status_code == 302
    for url in public_urls(programma):
        assert anonymous.get(url).status_code == 404, url


def test_a_reason_is_required(client, coordinator, world):
    client.force_login(coordinator)
    response = switch(client, world["programma"], True, reason="")
    assert response.status_code == 200
    assert Programma.objects.get(pk=world["programma"].pk).openbaar is False


@pytest.mark.parametrize("role", ["beleidsmedewerker", "griffie"])
def test_only_coordinators_may_switch(client, request, world, role):
    client.force_login(request.getfixturevalue(role))
    assert switch(client, world["programma"], True).status_code == 403
    assert Programma.objects.get(pk=world["programma"].pk).openbaar is False


def test_the_page_shows_the_programme_and_no_internal_field(
    client, coordinator, world, internal
):
    client.force_login(coordinator)
    switch(client, world["programma"], True)
    anonymous = Client()
    page = anonymous.get(public_urls(world["programma"])[0]).content.decode()
    for shown in (world["programma"].titel, world["pijler"].naam,
                  world["actielijn"].naam, world["actie"].titel, world["actie"].code,
                  world["raadsopdracht"].nummer, world["raadsopdracht"].titel,
                  "Open data"):  # fmt: skip
        assert shown in page, shown
    documents = {
        "page": page,
        "json": anonymous.get(public_urls(world["programma"])[1]).content.decode(),
    }
    with zipfile.ZipFile(
        io.BytesIO(anonymous.get(public_urls(world["programma"])[2]).content)
    ) as archive:
        for name in archive.namelist():
            documents[name] = archive.read(name).decode()
    for field, markers in internal.items():
        for name, text in documents.items():
            for marker in markers:
                assert marker not in text, (field, marker, name)


def test_the_internal_export_does_have_them(client, coordinator, world, internal):
    client.force_login(coordinator)
    url = reverse("acties:programma-export", args=[world["programma"].pk, "json"])
    assert "98765.43" in client.get(url).content.decode()


def test_a_signed_in_superuser_sees_the_same_public_page(client, world, internal):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    switch(client, world["programma"], True)
    page = client.get(public_urls(world["programma"])[0]).content.decode()
    assert "98765" not in page


def public_documents(programma) -> dict[str, str]:
    """What anyone can fetch: the page, the JSON and every CSV in the zip."""
    anonymous = Client()
    page, json_url, zip_url = public_urls(programma)
    documents = {
        "page": anonymous.get(page).content.decode(),
        "json": anonymous.get(json_url).content.decode(),
    }
    with zipfile.ZipFile(io.BytesIO(anonymous.get(zip_url).content)) as archive:
        for name in archive.namelist():
            documents[name] = archive.read(name).decode()
    return documents


def test_a_mandate_of_a_programme_that_is_not_public_never_shows(
    client, coordinator, world
):
    """Even one that spans programmes and is linked to a public action, with a
    note marked public: the programme it belongs to is not public."""
    geheim = ProgrammaFactory(titel="Geheim-programma")
    opdracht = RaadsopdrachtFactory(
        nummer="G.7", titel="Geheime-opdracht-van-elders", programma=geheim,
        programmaoverstijgend=True,
    )  # fmt: skip
    services.raadsopdracht_actie_link(
        raadsopdracht=opdracht, actie=world["actie"], user=coordinator,
        toelichting="Koppelnotitie-van-elders", toelichting_openbaar=True,
    )  # fmt: skip
    client.force_login(coordinator)
    switch(client, world["programma"], True)

    documents = public_documents(world["programma"])

    assert world["raadsopdracht"].titel in documents["page"]
    assert "raadsopdracht/H.4" in documents["json"]
    for name, text in documents.items():
        for marker in ("Geheime-opdracht-van-elders", "G.7", "Geheim-programma",
                       "Koppelnotitie-van-elders"):  # fmt: skip
            assert marker not in text, (marker, name)
    # Inside, the mandate is there with its link.
    url = reverse("acties:programma-export", args=[world["programma"].pk, "json"])
    assert "Geheime-opdracht-van-elders" in client.get(url).content.decode()


def test_notes_are_internal_unless_marked_public(client, coordinator, world):
    services.meting_update(
        meting=world["meting"], toelichting="Interne-meetnotitie",
        user=coordinator, reason="Toelichting",
    )  # fmt: skip
    services.meting_create(
        indicator=world["indicator"], datum=datetime.date(2026, 2, 1),
        waarde=Decimal(6), toelichting="Openbare-meetnotitie",
        toelichting_openbaar=True, user=coordinator, reason="Telling",
    )  # fmt: skip
    services.raadsopdracht_actie_unlink(
        koppeling=world["koppeling"], user=coordinator, reason="Opnieuw"
    )
    services.raadsopdracht_actie_link(
        raadsopdracht=world["raadsopdracht"], actie=world["actie"],
        toelichting="Interne-koppelnotitie", user=coordinator,
    )  # fmt: skip
    tweede = RaadsopdrachtFactory(nummer="I", programma=world["programma"])
    services.raadsopdracht_actie_link(
        raadsopdracht=tweede, actie=world["actie"], user=coordinator,
        toelichting="Openbare-koppelnotitie", toelichting_openbaar=True,
    )  # fmt: skip
    client.force_login(coordinator)
    switch(client, world["programma"], True)

    documents = public_documents(world["programma"])

    for name, text in documents.items():
        assert "Interne-meetnotitie" not in text, name
        assert "Interne-koppelnotitie" not in text, name
    for name in ("json", "metingen.csv"):
        assert "Openbare-meetnotitie" in documents[name], name
    for name in ("json", "koppelingen.csv"):
        assert "Openbare-koppelnotitie" in documents[name], name
    # The links themselves are public; only the internal note is left out.
    assert documents["koppelingen.csv"].count("\n") == 3
    url = reverse("acties:programma-export", args=[world["programma"].pk, "json"])
    internal = client.get(url).content.decode()
    assert "Interne-meetnotitie" in internal
    assert "Interne-koppelnotitie" in internal


def test_a_settlement_proposal_stays_internal_until_the_mandate_is_settled(
    client, coordinator, beleidsmedewerker, griffie, world
):
    opdracht = world["raadsopdracht"]
    opdracht.programma = world["programma"]
    opdracht.save()
    client.force_login(coordinator)
    switch(client, world["programma"], True)
    services.raadsopdracht_propose_settlement(
        raadsopdracht=opdracht,
        toelichting="Concept van de ambtenaar: nog niet besproken",
        user=beleidsmedewerker,
    )
    for name, text in public_documents(world["programma"]).items():
        assert "nog niet besproken" not in text, name

    services.raadsopdracht_settle(
        raadsopdracht=opdracht,
        afgedaan_op=datetime.date(2026, 11, 1),
        afdoeningsdocument="BOW/2026.7",
        afdoening_toelichting="Uitgevoerd met acties 3.1 en 3.2",
        user=griffie,
        reason="Afgedaan; de acties lopen door",
    )
    documents = public_documents(world["programma"])
    assert "Uitgevoerd met acties 3.1 en 3.2" in documents["json"]
