"""Each operation of the API for each role, as in the browser (the pages'
route × role table): who may, and for who may not, 403 with nothing changed.
A read token never writes."""

import pytest
from django.apps import apps

from acties.models import Actie, Meting, Opmerking, Raadsopdracht
from acties.services import raadsopdracht_propose_settlement
from beveiliging.constants import Rol
from historie.records import save_with_history, system_user
from tests.api.conftest import client_for
from tests.factories import (
    ActieFactory,
    IndicatorFactory,
    OrganisatieFactory,
    PijlerFactory,
    RaadsopdrachtActieFactory,
    RaadsopdrachtFactory,
    TussenevaluatieFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = [Rol.BELEIDSMEDEWERKER, Rol.GRIFFIE, Rol.COORDINATOR]
OFFICERS = {Rol.BELEIDSMEDEWERKER, Rol.COORDINATOR}
REGISTER = {Rol.GRIFFIE, Rol.COORDINATOR}

READS = [
    "/api/v1/programmas",
    "/api/v1/pijlers",
    "/api/v1/actielijnen",
    "/api/v1/organisaties",
    "/api/v1/acties",
    "/api/v1/voortgangsupdates",
    "/api/v1/indicatoren",
    "/api/v1/raadsopdrachten",
    "/api/v1/koppelingen",
    "/api/v1/vergaderingen",
    "/api/v1/evaluaties",
    "/api/v1/opmerkingen",
]


def proposed(opdracht):
    """A mandate with an officer's settlement proposal, for the griffie."""
    return raadsopdracht_propose_settlement(
        raadsopdracht=opdracht,
        toelichting="Uitgevoerd.",
        user=UserFactory(role=Rol.BELEIDSMEDEWERKER),
    )


@pytest.fixture
def world(db):
    actie = ActieFactory()
    indicator = IndicatorFactory(actie=actie)
    opdracht = RaadsopdrachtFactory(programma=actie.programma)
    return {
        "actie": actie,
        "lijn": actie.actielijn,
        "opdracht": opdracht,
        "evaluatie": TussenevaluatieFactory(programma=actie.programma),
        "pijler": PijlerFactory(programma=actie.programma),
        "organisatie": OrganisatieFactory(),
        "indicator": indicator,
        "meting": save_with_history(
            Meting(indicator=indicator, datum="2026-01-01", waarde=5),
            user=system_user(),
            reason="Testgegevens",
        ),
        "voorstel": proposed(RaadsopdrachtFactory(programma=actie.programma)),
        "koppeling": RaadsopdrachtActieFactory(
            raadsopdracht=RaadsopdrachtFactory(programma=actie.programma),
            actie=actie,
        ),
    }


def snapshot() -> dict:
    """Every row of the domain's tables, to see that a refusal changed none."""
    return {
        model._meta.label: sorted(model._default_manager.values_list("pk", flat=True))
        for model in apps.get_app_config("acties").get_models()
    } | {
        "actie": list(Actie.objects.values()),
        "raadsopdracht": list(Raadsopdracht.objects.values()),
    }


def writes(w):
    """(name, method, url, body, needs If-Match, roles that may)."""
    a, o, e = w["actie"], w["opdracht"], w["evaluatie"]
    return [
        ("actie maken", "post", "/api/v1/acties",
         {"actielijn_id": w["lijn"].pk, "code": "8.8", "titel": "Via API"},
         False, OFFICERS),
        ("actie wijzigen", "patch", f"/api/v1/acties/{a.pk}",
         {"titel": "Gewijzigd"}, True, OFFICERS),
        ("raadsopdracht registreren", "post", "/api/v1/raadsopdrachten",
         {"soort": "motie", "nummer": "M.88", "titel": "Via API"},
         False, REGISTER),
        ("raadsopdracht wijzigen", "patch", f"/api/v1/raadsopdrachten/{o.pk}",
         {"titel": "Gewijzigd"}, True, REGISTER),
        ("opmerking bij actie", "post", "/api/v1/opmerkingen",
         {"record_soort": "actie", "record_id": a.pk, "tekst": "Vraag?"},
         False, set(ROLES)),
        ("opmerking bij evaluatie", "post", "/api/v1/opmerkingen",
         {"record_soort": "tussenevaluatie", "record_id": e.pk, "tekst": "Vraag?"},
         False, set(ROLES)),
        ("programma maken", "post", "/api/v1/programmas",
         {"titel": "Nieuw", "slug": "nieuw-2029", "gemeente": "Den Haag",
          "periode_start": "2029-01-01",
          "periode_eind": "2032-12-31", "doelstelling": "Doel"},
         False, {Rol.COORDINATOR}),
        ("pijler maken", "post", "/api/v1/pijlers",
         {"programma": a.programma_id, "volgorde": 9, "naam": "Extra"},
         False, {Rol.COORDINATOR}),
        ("actielijn maken", "post", "/api/v1/actielijnen",
         {"programma": a.programma_id, "nummer": 9, "naam": "Extra"},
         False, {Rol.COORDINATOR}),
        ("organisatie maken", "post", "/api/v1/organisaties",
         {"naam": "Nieuwe partner", "soort": "overig"}, False, OFFICERS),
        ("voortgangsupdate", "post", "/api/v1/voortgangsupdates",
         {"actie": a.pk, "datum": "2026-11-30", "tekst": "Gesprek gevoerd."},
         False, OFFICERS),
        ("indicator maken", "post", "/api/v1/indicatoren",
         {"actie": a.pk, "naam": "Hotels", "nulwaarde": "0"}, False, OFFICERS),
        ("koppeling maken", "post", "/api/v1/koppelingen",
         {"raadsopdracht": o.pk, "actie": a.pk, "toelichting": "Voert uit."},
         False, set(ROLES)),
        ("afdoening voorstellen", "post",
         f"/api/v1/raadsopdrachten/{o.pk}/afdoeningsvoorstel",
         {"afdoening_toelichting": "Uitgevoerd."}, True, OFFICERS),
        ("afdoening bevestigen", "post", f"/api/v1/raadsopdrachten/{o.pk}/afdoening",
         {"afgedaan_op": "2026-11-30", "afdoeningsdocument": "RIS.1"}, True, REGISTER),
        ("programma wijzigen", "patch", f"/api/v1/programmas/{a.programma_id}",
         {"titel": "Gewijzigd"}, True, {Rol.COORDINATOR}),
        ("pijler wijzigen", "patch", f"/api/v1/pijlers/{w['pijler'].pk}",
         {"naam": "Gewijzigd"}, True, {Rol.COORDINATOR}),
        ("actielijn wijzigen", "patch", f"/api/v1/actielijnen/{w['lijn'].pk}",
         {"naam": "Gewijzigd"}, True, {Rol.COORDINATOR}),
        ("organisatie wijzigen", "patch",
         f"/api/v1/organisaties/{w['organisatie'].pk}", {"afkorting": "GW"}, True,
         OFFICERS),
        ("indicator wijzigen", "patch", f"/api/v1/indicatoren/{w['indicator'].pk}",
         {"naam": "Gewijzigd"}, True, OFFICERS),
        ("meting wijzigen", "patch", f"/api/v1/metingen/{w['meting'].pk}",
         {"waarde": "9.00"}, True, OFFICERS),
        ("meting toevoegen", "post", "/api/v1/metingen",
         {"indicator": w["indicator"].pk, "datum": "2026-02-01", "waarde": "6"},
         False, OFFICERS),
        ("afdoeningsvoorstel teruggeven", "post",
         f"/api/v1/raadsopdrachten/{w['voorstel'].pk}/teruggave",
         {"reden": "Nog niet af."}, True, REGISTER),
        ("koppeling verwijderen", "delete",
         f"/api/v1/koppelingen/{w['koppeling'].pk}", {"reden": "Past niet."}, True,
         set(ROLES)),
    ]  # fmt: skip


WRITES = 24


def test_the_table_has_every_write_of_the_document(world, client):
    """Each write operation of the published document is a row of the table."""
    document = client.get("/api/v1/openapi.json").json()
    operations = {
        (method, path.replace("{id}", "*"))
        for path, methods in document["paths"].items()
        for method in methods
        if method in ("post", "patch", "delete")
    }
    rows = {
        (method, "/".join("*" if part.isdigit() else part for part in url.split("/")))
        for _name, method, url, *_rest in writes(world)
    }
    assert len(writes(world)) == WRITES
    assert operations == rows


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_every_resource(world, role):
    api = client_for(UserFactory(role=role), "read")
    for url in READS:
        response = api.get(url)
        assert response.status_code == 200, url
        assert "results" in response.json(), url


def test_a_signed_in_user_without_a_role_reads_nothing(world):
    api = client_for(UserFactory(), "read")
    for url in READS:
        assert api.get(url).status_code == 403, url


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("index", range(WRITES))
def test_each_write_for_each_role(world, role, index):
    name, method, url, body, conditional, allowed = writes(world)[index]
    api = client_for(UserFactory(role=role))
    headers = {}
    if conditional:
        record = url.rsplit("/", 1)[0] if url.count("/") > 4 else url
        headers["HTTP_IF_MATCH"] = api.get(record)["ETag"]
    before = snapshot()

    response = getattr(api, method)(url, body, format="json", **headers)

    if role in allowed:
        assert response.status_code in (200, 201, 204), (name, response.content)
    else:
        assert response.status_code == 403, name
        assert response["Content-Type"] == "application/problem+json"
        assert snapshot() == before, name


@pytest.mark.parametrize("index", range(WRITES))
def test_a_read_token_never_writes(world, index):
    name, method, url, body, conditional, _allowed = writes(world)[index]
    api = client_for(UserFactory(role=Rol.COORDINATOR), "read")
    record = url.rsplit("/", 1)[0] if url.count("/") > 4 else url
    headers = {"HTTP_IF_MATCH": api.get(record)["ETag"]} if conditional else {}
    before = snapshot()
    response = getattr(api, method)(url, body, format="json", **headers)
    assert response.status_code == 403, name
    assert "alleen lezen" in response.json()["detail"]
    assert snapshot() == before


def test_the_griffie_is_refused_on_every_action_write_with_nothing_changed(world):
    griffie = UserFactory(role=Rol.GRIFFIE)
    api = client_for(griffie)
    actie = world["actie"]
    tag = api.get(f"/api/v1/acties/{actie.pk}")["ETag"]
    before = snapshot()
    for method, url, body in (
        ("post", "/api/v1/acties",
         {"actielijn_id": world["lijn"].pk, "code": "1", "titel": "x"}),
        ("patch", f"/api/v1/acties/{actie.pk}", {"titel": "Door de griffie"}),
        ("patch", f"/api/v1/acties/{actie.pk}", {"status": "gestopt", "reden": "x"}),
    ):  # fmt: skip
        response = getattr(api, method)(url, body, format="json", HTTP_IF_MATCH=tag)
        assert response.status_code == 403
    assert snapshot() == before
    # A remark is not an edit: the griffie asks, and the action stays as it was.
    response = api.post(
        "/api/v1/opmerkingen",
        {"record_soort": "actie", "record_id": actie.pk, "tekst": "Wanneer?"},
        format="json",
    )
    assert response.status_code == 201
    assert Opmerking.objects.get().record == actie
    assert list(Actie.objects.values()) == before["actie"]
