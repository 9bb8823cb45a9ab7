"""What a careless or hostile client sends never gives a 500 and changes
nothing; what the API shows is never older than the data."""

import base64
import hashlib
import json

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from acties.models import Actie
from beveiliging.models import Rolbeleid
from evaluatie.constants import EvaluatieStatus
from tests.api.conftest import client_for
from tests.factories import (
    ActieFactory,
    RaadsopdrachtActieFactory,
    RaadsopdrachtFactory,
    TussenevaluatieFactory,
)

pytestmark = pytest.mark.django_db


def test_a_made_up_cursor_is_no_page_not_a_failure(beleidsmedewerker):
    ActieFactory()
    ActieFactory()
    api = client_for(beleidsmedewerker, "read")
    for cursor in (base64.b64encode(b"p=abc").decode(), "cD0=", "niet-base64!"):
        response = api.get("/api/v1/acties", {"cursor": cursor})
        assert response.status_code == 404, cursor
        assert "cursor" in response.json()["detail"]
    # The cursors the API gives out still work.
    first = api.get("/api/v1/acties", {"aantal": 1}).json()
    second = api.get(first["next"])
    assert second.status_code == 200 and len(second.json()["results"]) == 1


def test_deeply_nested_json_and_unknown_fields_are_refused(beleidsmedewerker):
    actie = ActieFactory(titel="Blijft")
    api = client_for(beleidsmedewerker)
    url = f"/api/v1/acties/{actie.pk}"
    tag = api.get(url)["ETag"]
    response = api.patch(url, "[" * 5000, content_type="application/json",
                         HTTP_IF_MATCH=tag)  # fmt: skip
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    for body in ({"titel": "Nieuw", "voortgnag": 50}, {"contactpersoon": 1},
                 {"id": 9}, {"titel": 12}):  # fmt: skip
        response = api.patch(url, body, format="json", HTTP_IF_MATCH=tag)
        assert response.status_code == 400, body
    assert Actie.objects.get(pk=actie.pk).titel == "Blijft"


def test_the_etag_follows_what_the_answer_shows(beleidsmedewerker):
    actie = ActieFactory()
    api = client_for(beleidsmedewerker, "read")
    url = f"/api/v1/acties/{actie.pk}"
    tag = api.get(url)["ETag"]
    assert api.get(url, HTTP_IF_NONE_MATCH=f"W/{tag}").status_code == 304
    # A link changes no row of the action, but it changes what the API says.
    RaadsopdrachtActieFactory(
        raadsopdracht=RaadsopdrachtFactory(programma=actie.programma), actie=actie
    )
    response = api.get(url, HTTP_IF_NONE_MATCH=tag)
    assert response.status_code == 200
    assert response["ETag"] != tag


def test_if_match_compares_strongly_and_a_missing_record_is_404(beleidsmedewerker):
    actie = ActieFactory(titel="Blijft")
    api = client_for(beleidsmedewerker)
    url = f"/api/v1/acties/{actie.pk}"
    tag = api.get(url)["ETag"]
    weak = api.patch(url, {"titel": "x"}, format="json", HTTP_IF_MATCH=f"W/{tag}")
    assert weak.status_code == 412
    assert (
        api.patch("/api/v1/acties/999999", {"titel": "x"}, format="json").status_code
        == 404
    )
    assert Actie.objects.get(pk=actie.pk).titel == "Blijft"


def test_a_remark_on_a_record_that_does_not_exist_is_a_400(griffie):
    response = client_for(griffie).post(
        "/api/v1/opmerkingen",
        {"record_soort": "actie", "record_id": 424242, "tekst": "Vraag?"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "record_id"


def test_the_final_pdf_is_checked_against_its_hash(griffie, coordinator):
    content = b"%PDF-1.7 de vastgelegde tussenevaluatie"
    evaluatie = TussenevaluatieFactory(
        status=EvaluatieStatus.DEFINITIEF,
        definitief_op=timezone.now(),
        definitief_door=coordinator,
        pdf_sha256=hashlib.sha256(content).hexdigest(),
    )
    evaluatie.pdf.save("vast.pdf", ContentFile(content), save=False)
    type(evaluatie).objects.filter(pk=evaluatie.pk).update(pdf=evaluatie.pdf.name)
    api = client_for(griffie, "read")
    url = f"/api/v1/evaluaties/{evaluatie.pk}/pdf"
    response = api.get(url, HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response.content == content
    assert response["Repr-Digest"] == (
        f"sha-256=:{base64.b64encode(hashlib.sha256(content).digest()).decode()}:"
    )
    # The stored file no longer what was recorded: refused, not served.
    with open(evaluatie.pdf.path, "wb") as handle:
        handle.write(b"%PDF-1.7 iets anders")
    response = api.get(url)
    assert response.status_code == 500
    assert "SHA-256" in json.loads(response.content)["detail"]


def test_a_token_waits_for_the_second_factor_its_role_requires(beleidsmedewerker):
    api = client_for(beleidsmedewerker, "read")
    assert api.get("/api/v1/programmas").status_code == 200
    Rolbeleid.objects.create(
        rol=Group.objects.get(name="beleidsmedewerker"), tweestaps_verplicht=True
    )
    response = api.get("/api/v1/programmas")
    assert response.status_code == 401
    assert "tweestapsverificatie" in response.json()["detail"]


def test_a_failure_inside_the_api_is_a_problem_not_a_page(
    beleidsmedewerker, monkeypatch
):
    from api.views import ProgrammaViewSet

    def broken(self, request, *args, **kwargs):
        raise RuntimeError("kapot")

    monkeypatch.setattr(ProgrammaViewSet, "list", broken)
    api = client_for(beleidsmedewerker, "read")
    api.raise_request_exception = False
    response = api.get("/api/v1/programmas")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert response["API-Version"] == "1.0.0"
