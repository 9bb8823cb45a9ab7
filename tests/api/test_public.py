"""The public read API (/api/v1/openbaar/): without a token, only programmes
whose public page is on, only what their public open data shows, cacheable."""

import datetime
import json
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from acties import services
from acties.constants import RaadsopdrachtStatus
from acties.models import Meting, RaadsopdrachtActie
from acties.opendata import export_programme
from historie.records import save_with_history, system_user
from pijlers import services as pijler_services
from tests.api.conftest import client_for
from tests.factories import (
    ActieFactory,
    ActielijnFactory,
    IndicatorFactory,
    PijlerFactory,
    ProgrammaFactory,
    RaadsopdrachtActieFactory,
    RaadsopdrachtFactory,
)

pytestmark = pytest.mark.django_db

RESOURCES = ["programmas", "pijlers", "actielijnen", "acties", "indicatoren",
             "raadsopdrachten", "koppelingen"]  # fmt: skip


def everything(client=None) -> dict[str, list[dict]]:
    client = client or APIClient()
    answers = {}
    for name in RESOURCES:
        response = client.get(f"/api/v1/openbaar/{name}")
        assert response.status_code == 200, (name, response.content)
        answers[name] = response.json()["results"]
    return answers


@pytest.fixture
def programmes(beleidsmedewerker):
    """A public programme and a closed one, with internal data in both that
    the public must never see, each a findable string."""
    beleidsmedewerker.first_name, beleidsmedewerker.last_name = "Ingrid", "Intern"
    beleidsmedewerker.save()
    user = system_user()
    records = {}
    for name, public in (("open", True), ("dicht", False)):
        programma = ProgrammaFactory(slug=f"programma-{name}", titel=f"P-{name}")
        lijn = ActielijnFactory(programma=programma, nummer=1)
        PijlerFactory(programma=programma, volgorde=1, naam=f"Pijler-{name}")
        actie = ActieFactory(actielijn=lijn, code="1.1", titel=f"Actie-{name}")
        services.actie_update(
            actie=actie, versie=None, user=beleidsmedewerker,
            reason=f"Reden-intern-{name}", budget=Decimal("98765.43"),
        )  # fmt: skip
        services.voortgangsupdate_create(
            actie=actie, datum=datetime.date(2026, 2, 2), user=beleidsmedewerker,
            tekst=f"Vertrouwelijk-overleg-{name}",
        )  # fmt: skip
        indicator = IndicatorFactory(actie=actie, naam=f"Indicator-{name}")
        save_with_history(
            Meting(indicator=indicator, datum=datetime.date(2026, 1, 1),
                   waarde=Decimal(5), toelichting=f"Meetnotitie-intern-{name}"),
            user=user, reason="Testgegevens",
        )  # fmt: skip
        opdracht = RaadsopdrachtFactory(
            nummer=f"M-{name}", titel=f"Motie-{name}", programma=programma
        )
        RaadsopdrachtActieFactory(
            raadsopdracht=opdracht, actie=actie, toelichting=f"Koppelnotitie-{name}"
        )
        if public:
            pijler_services.programma_set_public(
                programma=programma, openbaar=True, user=user, reason="Voor iedereen"
            )
        records[name] = {"programma": programma, "actie": actie, "opdracht": opdracht}
    # A mandate of the closed programme that an open action carries out: the
    # public never sees it, not even through the open action.
    RaadsopdrachtActieFactory(
        raadsopdracht=records["dicht"]["opdracht"], actie=records["open"]["actie"]
    )
    # A mandate of no programme, carried out by the open action: public.
    los = RaadsopdrachtFactory(nummer="M-los", titel="Motie-los", programma=None)
    RaadsopdrachtActieFactory(raadsopdracht=los, actie=records["open"]["actie"])
    # An officer's settlement proposal is not public until the griffie settles.
    services.raadsopdracht_propose_settlement(
        raadsopdracht=records["open"]["opdracht"],
        toelichting="Voorstel-van-de-ambtenaar",
        user=beleidsmedewerker,
    )
    records["los"] = los
    return records


INTERNAL = ["98765", "Vertrouwelijk-overleg", "Reden-intern", "Ingrid", "Intern",
            "Meetnotitie-intern", "Koppelnotitie", "Voorstel-van-de-ambtenaar",
            "dicht", "budget"]  # fmt: skip


def test_only_public_programmes_and_only_their_public_fields(programmes):
    answers = everything()
    text = json.dumps(answers, ensure_ascii=False)
    for marker in INTERNAL:
        assert marker not in text, marker
    assert [p["slug"] for p in answers["programmas"]] == ["programma-open"]
    assert [a["titel"] for a in answers["acties"]] == ["Actie-open"]
    assert sorted(r["nummer"] for r in answers["raadsopdrachten"]) == [
        "M-los", "M-open",
    ]  # fmt: skip
    open_actie = programmes["open"]["actie"]
    assert {k["raadsopdracht"] for k in answers["koppelingen"]} == {
        programmes["open"]["opdracht"].pk, programmes["los"].pk,
    }  # fmt: skip
    for opdracht in answers["raadsopdrachten"]:
        assert opdracht["actie_ids"] == [open_actie.pk]
        assert opdracht["afdoening_toelichting"] == ""
    # No detail of a closed record either: 404, as if it did not exist.
    closed = programmes["dicht"]
    for path in (f"programmas/{closed['programma'].pk}",
                 f"acties/{closed['actie'].pk}",
                 f"raadsopdrachten/{closed['opdracht'].pk}"):  # fmt: skip
        response = APIClient().get(f"/api/v1/openbaar/{path}")
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/problem+json"


def test_a_public_note_and_a_settled_mandate_are_shown(programmes, griffie):
    koppeling = RaadsopdrachtActie.objects.get(
        raadsopdracht=programmes["open"]["opdracht"], actie=programmes["open"]["actie"]
    )
    koppeling.toelichting_openbaar = True
    save_with_history(koppeling, user=system_user(), reason="Toelichting openbaar")
    services.raadsopdracht_settle(
        raadsopdracht=programmes["open"]["opdracht"],
        afgedaan_op=datetime.date(2026, 6, 1),
        afdoeningsdocument="RIS999999",
        reason="De raad besloot het zo",
        afdoening_toelichting="Afgedaan-met-de-raadsbrief",
        user=griffie,
    )
    answers = everything()
    notes = {k["id"]: k["toelichting"] for k in answers["koppelingen"]}
    assert notes[koppeling.pk] == "Koppelnotitie-open"
    settled = next(r for r in answers["raadsopdrachten"] if r["nummer"] == "M-open")
    assert settled["status"] == RaadsopdrachtStatus.AFGEDAAN
    assert settled["afdoening_toelichting"] == "Afgedaan-met-de-raadsbrief"


def test_an_action_says_what_the_public_open_data_says(programmes):
    programma = programmes["open"]["programma"]
    exported = {a["id"]: a for a in export_programme(programma)["acties"]}
    for actie in everything()["acties"]:
        record = exported[actie["sleutel"]]
        for key, value in record.items():
            if key != "id":
                assert actie[key] == value, key


def test_answers_are_cacheable_and_revalidated_by_etag(programmes, beleidsmedewerker):
    client = APIClient()
    url = f"/api/v1/openbaar/acties/{programmes['open']['actie'].pk}"
    first = client.get(url)
    assert first.status_code == 200
    cache_control = {d.strip() for d in first["Cache-Control"].split(",")}
    assert {"public", "max-age=60"} <= cache_control
    assert "no-store" not in first["Cache-Control"]
    assert "Set-Cookie" not in first
    assert first["API-Version"] == "1.0.0"
    tag = first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", tag)
    listed = client.get("/api/v1/openbaar/acties")
    assert (
        client.get(
            "/api/v1/openbaar/acties", HTTP_IF_NONE_MATCH=f"W/{listed['ETag']}"
        ).status_code
        == 304
    )
    services.actie_update(
        actie=programmes["open"]["actie"], versie=None, user=beleidsmedewerker,
        reason="Titel scherper", titel="Actie-open, scherper",
    )  # fmt: skip
    changed = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200
    assert changed["ETag"] != tag
    assert changed.json()["titel"] == "Actie-open, scherper"
    # An error is not for keeping.
    missing = client.get("/api/v1/openbaar/acties/999999")
    assert "no-store" in missing["Cache-Control"]


def test_a_token_sees_no_more_and_nothing_can_be_written(programmes, coordinator):
    with_token = client_for(coordinator)
    assert "98765" not in json.dumps(everything(with_token))
    actie = programmes["open"]["actie"]
    for method in ("post", "patch", "put", "delete"):
        for client in (APIClient(), with_token):
            response = getattr(client, method)(
                f"/api/v1/openbaar/acties/{actie.pk}", {"titel": "x"}, format="json"
            )
            assert response.status_code == 405, method
            assert response["Content-Type"] == "application/problem+json"
    actie.refresh_from_db()
    assert actie.titel == "Actie-open"


def test_filters_and_their_errors(programmes):
    client = APIClient()
    programma = programmes["open"]["programma"]
    mandates = client.get(f"/api/v1/openbaar/raadsopdrachten?programma={programma.pk}")
    assert sorted(r["nummer"] for r in mandates.json()["results"]) == [
        "M-los", "M-open",
    ]  # fmt: skip
    closed = programmes["dicht"]["programma"].pk
    assert (
        client.get(f"/api/v1/openbaar/acties?programma={closed}").json()["results"]
        == []
    )
    wrong = client.get("/api/v1/openbaar/acties?programma=een")
    assert wrong.status_code == 400
    assert wrong.json()["invalidParams"][0]["name"] == "programma"


def test_the_rate_limit_counts_per_address(programmes, settings):
    settings.API_PUBLIC_RATE_LIMIT = 3
    client = APIClient(REMOTE_ADDR="192.0.2.7")
    codes = [client.get("/api/v1/openbaar/programmas").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get("/api/v1/openbaar/programmas")
    assert int(refused["Retry-After"]) > 0
    assert refused["Content-Type"] == "application/problem+json"
    # A forwarded-for header of the client's own making changes nothing ...
    assert (
        client.get(
            "/api/v1/openbaar/programmas", HTTP_X_FORWARDED_FOR="198.51.100.1"
        ).status_code
        == 429
    )
    # ... another address has its own count.
    other = APIClient(REMOTE_ADDR="192.0.2.8")
    assert other.get("/api/v1/openbaar/programmas").status_code == 200


def test_the_document_names_no_token_for_the_public_paths(client):
    document = client.get("/api/v1/openapi.json").json()
    public = [p for p in document["paths"] if p.startswith("/api/v1/openbaar/")]
    assert len(public) == 2 * len(RESOURCES)
    for path in public:
        operation = document["paths"][path]["get"]
        assert "security" not in operation, path
        assert "openbaar" in operation["tags"]
    assert document["paths"]["/api/v1/acties"]["get"]["security"] == [{"apiToken": []}]
    assert (
        "budget" not in document["components"]["schemas"]["PubliekActie"]["properties"]
    )
