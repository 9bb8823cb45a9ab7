"""A large import is written by a job: the person confirms the preview, the
job checks again that the data is what the preview showed, and writes every
row or none; the job's page says what happened."""

import pytest

from acties import services
from acties.models import Actie
from taken.models import Taak, TaakStatus
from tests.acties.test_import import ROWS, confirm, csv_bytes, everything, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, beleidsmedewerker, settings):
    settings.IMPORT_JOB_ROWS = 1  # the two rows of ROWS are "large"
    client.force_login(beleidsmedewerker)
    return beleidsmedewerker


def test_a_large_file_is_written_by_a_job_with_history(
    client, officer, world, django_capture_on_commit_callbacks
):
    preview = upload(client, world, csv_bytes(ROWS))
    assert "op de achtergrond opgeslagen" in preview.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, preview)
    taak = Taak.objects.get()
    assert response.status_code == 302
    assert response.url == f"/taken/{taak.pk}/"
    assert taak.status == TaakStatus.KLAAR
    assert taak.gebruiker == officer
    assert taak.parameters == {}  # the file is not kept once it is written
    assert Actie.objects.get(code="3.7").titel == "Nieuwe actie uit Excel"
    row = Actie.objects.get(code="3.7").history.get()
    assert (row.history_user, row.history_change_reason) == (
        officer,
        "Kwartaalrapportage partners",
    )
    page = client.get(response.url).content.decode()
    assert "Het bestand is verwerkt: 2 rijen opgeslagen" in page
    assert f"/acties/?programma={world['programma'].pk}" in page
    # The file waits in the session no longer.
    assert "acties_import" not in client.session


def test_a_change_while_the_job_waits_writes_nothing_and_says_why(
    client, officer, world, django_capture_on_commit_callbacks
):
    preview = upload(client, world, csv_bytes(ROWS))
    # The job is queued; before a worker takes it, someone edits the action.
    response = confirm(client, preview)
    taak = Taak.objects.get()
    assert taak.status == TaakStatus.WACHTEND
    services.actie_update(
        actie=world["actie"], versie=None, user=officer, reason="Tussendoor",
        titel="Iemand anders",
    )  # fmt: skip
    before = everything()
    from taken.services import run

    run(taak.pk)
    taak.refresh_from_db()
    assert taak.status == TaakStatus.MISLUKT
    assert "niets opgeslagen" in taak.melding
    assert everything() == before
    page = client.get(response.url).content.decode()
    assert "De taak is mislukt." in page
    assert "Upload het bestand opnieuw" in page


def test_a_stale_preview_is_refused_before_any_job_is_made(client, officer, world):
    preview = upload(client, world, csv_bytes(ROWS))
    services.actie_update(
        actie=world["actie"], versie=None, user=officer, reason="Tussendoor",
        titel="Iemand anders",
    )  # fmt: skip
    assert confirm(client, preview).status_code == 409
    assert not Taak.objects.exists()
