"""Jobs in the process (no broker configured): "maak PDF" for a concept, the
job's page and file, who may see them, and a job that fails."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from taken import services
from taken.models import Taak, TaakStatus
from tests.factories import TussenevaluatieFactory, UserFactory

pytestmark = pytest.mark.django_db


@services.register("test_breekt")
def _breaks(taak, voortgang):
    voortgang(50, "Halverwege")
    raise RuntimeError("kapot")


@services.register("test_weigert")
def _refuses(taak, voortgang):
    raise ValidationError("Op de peildatum bestond het programma nog niet.")


def make_pdf(client, evaluatie, capture):
    with capture(execute=True):
        return client.post(reverse("evaluatie:pdf-job", args=[evaluatie.pk]))


def test_make_pdf_runs_a_job_whose_page_offers_the_file(
    client, griffie, django_capture_on_commit_callbacks
):
    evaluatie = TussenevaluatieFactory()
    client.force_login(griffie)
    detail = client.get(reverse("evaluatie:detail", args=[evaluatie.pk]))
    assert "Maak PDF (concept)" in detail.content.decode()

    response = make_pdf(client, evaluatie, django_capture_on_commit_callbacks)
    taak = Taak.objects.get()
    assert response.url == reverse("taken:detail", args=[taak.pk])
    assert (taak.status, taak.voortgang, taak.gebruiker) == (
        TaakStatus.KLAAR,
        100,
        griffie,
    )
    assert taak.gestart_op <= taak.klaar_op

    page = client.get(response.url).content.decode()
    name = f"{evaluatie.programma.slug}-{evaluatie.peildatum}-concept.pdf"
    assert f"Download {name}" in page
    assert "taak.js" not in page  # nothing left to follow
    download = client.get(reverse("taken:bestand", args=[taak.pk]))
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF")
    assert name in download["Content-Disposition"]
    status = client.get(reverse("taken:status", args=[taak.pk])).json()
    assert status["status"] == "klaar" and status["afgelopen"] is True
    assert evaluatie.titel in client.get(reverse("taken:list")).content.decode()


def test_only_the_one_who_asked_sees_the_job(
    client, griffie, beleidsmedewerker, django_capture_on_commit_callbacks
):
    evaluatie = TussenevaluatieFactory()
    client.force_login(griffie)
    make_pdf(client, evaluatie, django_capture_on_commit_callbacks)
    taak = Taak.objects.get()
    urls = [
        reverse(name, args=[taak.pk])
        for name in ("taken:detail", "taken:status", "taken:bestand")
    ]
    client.force_login(beleidsmedewerker)
    for url in urls:
        assert client.get(url).status_code == 404
    assert evaluatie.titel not in client.get(reverse("taken:list")).content.decode()
    client.logout()
    for url in [*urls, reverse("taken:list")]:
        assert client.get(url)["Location"].startswith("/accounts/login/")


def test_make_pdf_needs_the_right_to_read_evaluations_and_a_post(
    client, griffie, django_capture_on_commit_callbacks
):
    evaluatie = TussenevaluatieFactory()
    url = reverse("evaluatie:pdf-job", args=[evaluatie.pk])
    assert client.post(url)["Location"].startswith("/accounts/login/")
    client.force_login(UserFactory())  # no role
    assert client.post(url).status_code == 403
    client.force_login(griffie)
    assert client.get(url).status_code == 405
    assert client.post(reverse("evaluatie:pdf-job", args=[98765])).status_code == 404
    assert not Taak.objects.exists()


def test_the_right_is_checked_again_when_the_job_runs(
    client, griffie, django_capture_on_commit_callbacks
):
    evaluatie = TussenevaluatieFactory()
    client.force_login(griffie)
    client.post(reverse("evaluatie:pdf-job", args=[evaluatie.pk]))
    taak = Taak.objects.get()
    griffie.groups.clear()
    griffie.user_permissions.remove(*Permission.objects.all())
    services.run(taak.pk)
    taak.refresh_from_db()
    assert taak.status == TaakStatus.MISLUKT
    assert "geen recht" in taak.melding
    assert not taak.bestand


def test_a_job_that_raises_is_shown_as_failed_with_its_number(
    client, griffie, django_capture_on_commit_callbacks
):
    client.force_login(griffie)
    with django_capture_on_commit_callbacks(execute=True):
        taak = services.start(
            soort="test_breekt", titel="Iets dat breekt", user=griffie
        )
    taak.refresh_from_db()
    assert taak.status == TaakStatus.MISLUKT
    page = client.get(taak.get_absolute_url()).content.decode()
    assert "De taak is mislukt." in page
    assert f"met het nummer van deze taak ({taak.pk})" in page
    assert "kapot" not in page  # the exception is in the log, not on the page
    with django_capture_on_commit_callbacks(execute=True):
        refused = services.start(soort="test_weigert", titel="Weigert", user=griffie)
    refused.refresh_from_db()
    assert refused.melding == "Op de peildatum bestond het programma nog niet."
    assert client.get(reverse("taken:bestand", args=[refused.pk])).status_code == 404


def test_a_job_runs_once_even_if_handed_out_twice(griffie):
    taak = Taak.objects.create(soort="test_breekt", titel="x", gebruiker=griffie)
    services.run(taak.pk)
    first = Taak.objects.get(pk=taak.pk)
    services.run(taak.pk)  # a second delivery of the same message
    assert Taak.objects.get(pk=taak.pk).klaar_op == first.klaar_op


def test_old_files_are_cleaned_up_and_the_page_says_so(
    client, griffie, settings, django_capture_on_commit_callbacks
):
    evaluatie = TussenevaluatieFactory()
    client.force_login(griffie)
    make_pdf(client, evaluatie, django_capture_on_commit_callbacks)
    taak = Taak.objects.get()
    path = taak.bestand.path
    Taak.objects.filter(pk=taak.pk).update(
        klaar_op=timezone.now() - timezone.timedelta(days=settings.JOB_FILE_DAYS + 1)
    )
    assert services.clean_up() == 1
    import os

    assert not os.path.exists(path)
    page = client.get(taak.get_absolute_url()).content.decode()
    assert "opgeruimd" in page
