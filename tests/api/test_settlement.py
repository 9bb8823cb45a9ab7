"""The settlement of a mandate through the API, as on its pages: an officer
proposes, the griffie confirms or gives it back; each step with If-Match,
the role's permission (403) and the mandate's state (409)."""

import pytest

from acties.constants import RaadsopdrachtStatus
from tests.api.conftest import client_for
from tests.factories import RaadsopdrachtFactory

pytestmark = pytest.mark.django_db


def step(api, opdracht, name, body):
    url = f"/api/v1/raadsopdrachten/{opdracht.pk}"
    tag = api.get(url)["ETag"]
    return api.post(f"{url}/{name}", body, format="json", HTTP_IF_MATCH=tag)


def test_proposed_by_an_officer_and_confirmed_by_the_griffie(
    beleidsmedewerker, griffie
):
    opdracht = RaadsopdrachtFactory(status=RaadsopdrachtStatus.IN_UITVOERING)
    officer, clerk = client_for(beleidsmedewerker), client_for(griffie)
    body = {"afgedaan_op": "2026-11-30", "afdoeningsdocument": "RIS.2026.1"}

    assert step(officer, opdracht, "afdoening", body).status_code == 403
    response = step(
        officer, opdracht, "afdoeningsvoorstel", {"afdoening_toelichting": "Gedaan."}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "afdoening_voorgesteld"
    assert (
        step(
            clerk, opdracht, "afdoeningsvoorstel", {"afdoening_toelichting": "x"}
        ).status_code
        == 403
    )

    response = step(clerk, opdracht, "afdoening", body)
    assert response.status_code == 200, response.content
    opdracht.refresh_from_db()
    assert opdracht.status == RaadsopdrachtStatus.AFGEDAAN
    assert opdracht.afdoeningsdocument == "RIS.2026.1"
    assert opdracht.history.latest().history_user == griffie
    # Settled: no step is left, whoever asks (409, nothing changed).
    versions = opdracht.history.count()
    response = step(clerk, opdracht, "teruggave", {"reden": "Toch niet"})
    assert response.status_code == 409
    assert opdracht.history.count() == versions


def test_given_back_with_a_reason_and_a_stale_version_refused(
    beleidsmedewerker, griffie
):
    opdracht = RaadsopdrachtFactory(status=RaadsopdrachtStatus.IN_UITVOERING)
    officer, clerk = client_for(beleidsmedewerker), client_for(griffie)
    url = f"/api/v1/raadsopdrachten/{opdracht.pk}"
    stale = clerk.get(url)["ETag"]
    step(officer, opdracht, "afdoeningsvoorstel", {"afdoening_toelichting": "Klaar."})

    response = clerk.post(
        f"{url}/teruggave", {"reden": "Brief ontbreekt"}, format="json",
        HTTP_IF_MATCH=stale,
    )  # fmt: skip
    assert response.status_code == 412
    response = step(clerk, opdracht, "teruggave", {"reden": ""})
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "reden"
    response = step(clerk, opdracht, "teruggave", {"reden": "Brief ontbreekt"})
    assert response.status_code == 200
    opdracht.refresh_from_db()
    assert opdracht.status == RaadsopdrachtStatus.IN_UITVOERING
    assert "Brief ontbreekt" in opdracht.history.latest().history_change_reason
