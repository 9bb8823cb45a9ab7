"""A large import is checked and written by jobs: the upload starts a job that
checks every row and keeps the preview; the person reads it and confirms; a
second job checks again that the data is what the preview showed and writes
every row or none. Each job's page says what happened."""

import pytest
from django.urls import reverse

from acties import services
from acties.models import Actie
from taken.models import Taak, TaakStatus
from taken.services import run
from tests.acties.test_import import ROWS, URL, csv_bytes, everything, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, beleidsmedewerker, settings):
    settings.IMPORT_JOB_ROWS = 1  # the two rows of ROWS are "large"
    client.force_login(beleidsmedewerker)
    return beleidsmedewerker


def preview_by_job(client, world, capture, content=None):
    with capture(execute=True):
        response = upload(client, world, content or csv_bytes(ROWS))
    check = Taak.objects.get(soort="import_voorvertoning")
    assert response.url == check.get_absolute_url()
    assert check.status == TaakStatus.KLAAR, check.melding
    assert check.parameters == {}  # the file is not kept in the job
    page = client.get(check.get_absolute_url()).content.decode()
    assert "1 nieuw, 1 gewijzigd, 0 met fouten" in page
    preview = client.get(reverse("acties:import-voorvertoning", args=[check.pk]))
    assert preview.status_code == 200
    return preview


def test_a_large_file_is_checked_then_written_by_jobs_with_history(
    client, officer, world, django_capture_on_commit_callbacks
):
    before = everything()
    preview = preview_by_job(client, world, django_capture_on_commit_callbacks)
    html = preview.content.decode()
    assert "Nieuwe actie uit Excel" in html
    assert "op de achtergrond opgeslagen" in html
    assert everything() == before  # checking wrote nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"controle": preview.context["plan"].fingerprint})
    taak = Taak.objects.get(soort="import")
    assert response.status_code == 302
    assert response.url == f"/taken/{taak.pk}/"
    assert taak.status == TaakStatus.KLAAR
    assert taak.gebruiker == officer
    assert taak.parameters == {}
    row = Actie.objects.get(code="3.7").history.get()
    assert (row.history_user, row.history_change_reason) == (
        officer,
        "Kwartaalrapportage partners",
    )
    page = client.get(response.url).content.decode()
    assert "Het bestand is verwerkt: 2 rijen opgeslagen" in page
    assert f"/acties/?programma={world['programma'].pk}" in page
    assert "acties_import" not in client.session


def test_a_change_after_the_preview_writes_nothing_and_says_why(
    client, officer, world, django_capture_on_commit_callbacks
):
    preview = preview_by_job(client, world, django_capture_on_commit_callbacks)
    # The job is queued; before a worker takes it, someone edits the action.
    response = client.post(URL, {"controle": preview.context["plan"].fingerprint})
    taak = Taak.objects.get(soort="import")
    assert taak.status == TaakStatus.WACHTEND
    services.actie_update(
        actie=world["actie"], versie=None, user=officer, reason="Tussendoor",
        titel="Iemand anders",
    )  # fmt: skip
    before = everything()
    run(taak.pk)
    taak.refresh_from_db()
    assert taak.status == TaakStatus.MISLUKT
    assert "niets opgeslagen" in taak.melding
    assert everything() == before
    page = client.get(response.url).content.decode()
    assert "De taak is mislukt." in page
    assert "Upload het bestand opnieuw" in page


def test_the_preview_belongs_to_its_person_and_its_file(
    client, officer, world, griffie, django_capture_on_commit_callbacks
):
    preview_by_job(client, world, django_capture_on_commit_callbacks)
    check = Taak.objects.get(soort="import_voorvertoning")
    url = reverse("acties:import-voorvertoning", args=[check.pk])
    # Another file uploaded since: the old preview is not offered for it.
    small = csv_bytes(ROWS[:2])
    client.post(URL, {**upload_fields(world), "bestand": _file(small)})
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == URL
    # Someone else's preview is not found; without the right, 403.
    client.force_login(griffie)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url)["Location"].startswith("/accounts/login/")


def upload_fields(world):
    return {
        "soort": "acties",
        "programma": world["programma"].pk,
        "reden": "Een ander bestand",
    }


def _file(content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("klein.csv", content)
