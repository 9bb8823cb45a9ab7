"""Finalising an evaluation freezes it for good, so it is guarded: the
peildatum is past, there is one final evaluation per programme and peildatum,
the narrative is written, and a person sees what will be frozen first."""

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from pypdf import PdfReader

from evaluatie import services
from evaluatie.constants import EvaluatieStatus
from evaluatie.models import Tussenevaluatie
from tests.factories import (
    ActieFactory,
    ActielijnFactory,
    PijlerFactory,
    ProgrammaFactory,
    RaadsopdrachtFactory,
    TussenevaluatieFactory,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def programma():
    lijn = ActielijnFactory(nummer=1, naam="Kennis en inzicht")
    programma = lijn.programma
    PijlerFactory(programma=programma, naam="Voorkómen", volgorde=1)
    PijlerFactory(programma=programma, naam="Bestrijden", volgorde=2)
    ActieFactory(actielijn=lijn, code="1.1")
    ActieFactory(actielijn=lijn, code="1.2")
    RaadsopdrachtFactory(programma=programma, nummer="III")
    return programma


@pytest.fixture
def named_coordinator(coordinator):
    coordinator.first_name, coordinator.last_name = "Carla", "Coördinator"
    coordinator.save()
    return coordinator


def draft(programma, user, *, peildatum=None, written=True, **values):
    """A concept evaluation; ``written``: with every required section."""
    if written:
        values = {
            "samenvatting": "Op koers.",
            "conclusies": "Goed begonnen.",
            "aanbevelingen": "Doorgaan.",
            **values,
        }
    evaluatie = services.tussenevaluatie_create(
        programma=programma, titel=values.pop("titel", "Tussenevaluatie"),
        peildatum=peildatum or TODAY(), user=user, reason="Concept", **values,
    )  # fmt: skip
    if written:
        services.bevindingen_save(
            tussenevaluatie=evaluatie,
            teksten={("pijler", p.pk): "Bevinding." for p in programma.pijlers.all()},
            user=user,
            reason="Bevindingen",
        )
    return evaluatie


def assert_still_concept(evaluatie):
    evaluatie.refresh_from_db()
    assert evaluatie.status == EvaluatieStatus.CONCEPT
    assert (evaluatie.definitief_op, evaluatie.pdf_sha256, evaluatie.pdf.name) == (
        None, "", "",
    )  # fmt: skip
    assert not evaluatie.history.filter(status=EvaluatieStatus.DEFINITIEF).exists()


def refusal(evaluatie, user) -> list[str]:
    with pytest.raises(services.FinalisationRefused) as excinfo:
        services.tussenevaluatie_finalise(tussenevaluatie=evaluatie, user=user)
    assert_still_concept(evaluatie)
    return excinfo.value.messages


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


# --- the service --------------------------------------------------------------------


def test_a_peildatum_after_today_is_refused(programma, coordinator):
    tomorrow = TODAY() + datetime.timedelta(days=1)
    evaluatie = draft(programma, coordinator, peildatum=tomorrow)

    assert refusal(evaluatie, coordinator) == [
        f"De peildatum ({date_format(tomorrow, 'j F Y')}) ligt na vandaag. Een "
        "evaluatie wordt definitief gemaakt als de peildatum voorbij is; tot dan "
        "kunnen de cijfers nog veranderen."
    ]


def test_the_missing_sections_are_named(programma, coordinator):
    evaluatie = draft(programma, coordinator, written=False)
    assert refusal(evaluatie, coordinator) == [
        "Nog niet geschreven: de samenvatting, de bevindingen bij pijler Voorkómen, "
        "de bevindingen bij pijler Bestrijden, de conclusies, de aanbevelingen. Een "
        "definitieve evaluatie heeft een samenvatting, bevindingen bij elke pijler, "
        "conclusies en aanbevelingen."
    ]
    # Text of only spaces and invisible characters (a zero-width space, a soft
    # hyphen) is not written; findings per action line are optional.
    services.tussenevaluatie_update(
        tussenevaluatie=evaluatie, samenvatting="Op koers.",
        conclusies=" \u200b\u00ad ",
        aanbevelingen="Doorgaan.", user=coordinator, reason="Tekst",
    )  # fmt: skip
    voorkomen = programma.pijlers.get(naam="Voorkómen")
    services.bevindingen_save(
        tussenevaluatie=evaluatie, teksten={("pijler", voorkomen.pk): "Goed."},
        user=coordinator, reason="Bevinding",
    )  # fmt: skip
    (message,) = refusal(evaluatie, coordinator)
    assert message.startswith(
        "Nog niet geschreven: de bevindingen bij pijler Bestrijden, de conclusies."
    )


def test_one_final_evaluation_per_programme_and_peildatum(programma, coordinator):
    first = draft(programma, coordinator, titel="Eerste")
    services.tussenevaluatie_finalise(tussenevaluatie=first, user=coordinator)
    second = draft(programma, coordinator, titel="Tweede")

    assert refusal(second, coordinator) == [
        "Van dit programma is al een definitieve tussenevaluatie met peildatum "
        f"{date_format(TODAY(), 'j F Y')}: ‘Eerste’. Er is één definitieve "
        "evaluatie per programma en peildatum; kies een andere peildatum."
    ]
    # Concepts with that peildatum may exist alongside it.
    assert Tussenevaluatie.objects.filter(peildatum=TODAY()).count() == 2


def test_the_database_holds_one_final_evaluation_per_programme_and_peildatum():
    programma = ProgrammaFactory()
    final = {
        "programma": programma,
        "peildatum": datetime.date(2026, 6, 30),
        "status": EvaluatieStatus.DEFINITIEF,
        "definitief_op": datetime.datetime(2026, 7, 1, tzinfo=datetime.UTC),
        "pdf_sha256": "a" * 64,
    }
    TussenevaluatieFactory(**final)
    TussenevaluatieFactory(programma=programma, peildatum=final["peildatum"])
    TussenevaluatieFactory(**{**final, "programma": ProgrammaFactory()})
    second = Tussenevaluatie(titel="Tweede", **final)
    with pytest.raises(ValidationError) as excinfo:
        second.full_clean()
    assert excinfo.value.messages == [
        "Van dit programma is al een definitieve tussenevaluatie met deze peildatum."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


# --- the pages ----------------------------------------------------------------------


def test_the_confirmation_page_lists_what_will_be_frozen(
    client, programma, named_coordinator
):
    evaluatie = draft(programma, named_coordinator, titel="Tussenevaluatie 2026")
    client.force_login(named_coordinator)

    response = client.get(reverse("evaluatie:finalise", args=[evaluatie.pk]))

    assert response.status_code == 200
    assert response.context["problems"] == []
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
    for shown in (
        "Titel Tussenevaluatie 2026",
        f"Programma {programma.titel}",
        f"Peildatum {date_format(TODAY(), 'j F Y')}",
        "Basisdatum 22 mei 2025 (de datum van vaststelling van het programma)",
        "Acties op de peildatum 2",
        "Raadsopdrachten 1",
        "De samenvatting: geschreven",
        "De bevindingen bij pijler Voorkómen: geschreven",
        "De conclusies: geschreven",
        "De aanbevelingen: geschreven",
        "Het bestand en zijn SHA-256 worden opgeslagen en veranderen nooit meer",
        "Definitief gemaakt door Carla Coördinator",
    ):
        assert shown in page, shown
    assert "vastgesteld" not in page
    assert 'name="bevestig"' in response.content.decode()
    assert evaluatie.status == EvaluatieStatus.CONCEPT


def test_finalising_by_post_says_definitief_gemaakt_on_cover_and_colophon(
    client, programma, named_coordinator
):
    evaluatie = draft(programma, named_coordinator)
    client.force_login(named_coordinator)
    url = reverse("evaluatie:finalise", args=[evaluatie.pk])

    assert client.post(url, {}).status_code == 200  # the confirmation is required
    assert_still_concept(evaluatie)
    response = client.post(url, {"bevestig": "on"})

    assert response.status_code == 302
    evaluatie.refresh_from_db()
    assert evaluatie.status == EvaluatieStatus.DEFINITIEF
    text = pdf_text(client.get(reverse("evaluatie:pdf", args=[evaluatie.pk])).content)
    vandaag = date_format(TODAY(), "j F Y")
    # The cover, then the colophon (with the time).
    assert f"Definitief gemaakt op {vandaag} door Carla Coördinator" in text
    assert f"Definitief gemaakt op {vandaag}, " in text
    assert "vastgesteld op" not in text.replace("door de raad vastgesteld op", "")
    assert "niet vastgesteld" not in text


@pytest.mark.parametrize("guard", ["peildatum", "dubbel", "tekst"])
def test_the_page_shows_every_guard_and_a_post_freezes_nothing(
    client, programma, coordinator, guard
):
    tomorrow = TODAY() + datetime.timedelta(days=1)
    if guard == "dubbel":
        TussenevaluatieFactory(
            programma=programma, titel="Eerste", peildatum=TODAY(),
            status=EvaluatieStatus.DEFINITIEF, definitief_op=timezone.now(),
            pdf_sha256="a" * 64,
        )  # fmt: skip
    evaluatie = draft(
        programma, coordinator, written=guard != "tekst",
        peildatum=tomorrow if guard == "peildatum" else TODAY(),
    )  # fmt: skip
    expected = {
        "peildatum": "ligt na vandaag",
        "dubbel": "al een definitieve tussenevaluatie met peildatum",
        "tekst": "Nog niet geschreven: de samenvatting",
    }[guard]
    client.force_login(coordinator)
    url = reverse("evaluatie:finalise", args=[evaluatie.pk])

    page = client.get(url).content.decode()
    assert "Deze evaluatie kan nog niet definitief worden gemaakt" in page
    assert expected in page
    assert 'name="bevestig"' not in page  # nothing to confirm

    response = client.post(url, {"bevestig": "on"})
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert_still_concept(evaluatie)


# --- the command --------------------------------------------------------------------


def export(programma, peildatum, tmp_path):
    call_command(
        "export_evaluation", programme=programma.slug,
        peildatum=peildatum.isoformat(), output=str(tmp_path / "final.pdf"),
        final=True, stdout=io.StringIO(),
    )  # fmt: skip


def test_the_command_applies_the_same_guards(programma, coordinator, tmp_path):
    tomorrow = TODAY() + datetime.timedelta(days=1)
    later = draft(programma, coordinator, peildatum=tomorrow)
    with pytest.raises(CommandError, match="ligt na vandaag"):
        export(programma, tomorrow, tmp_path)
    assert_still_concept(later)

    empty = draft(programma, coordinator, written=False)
    with pytest.raises(CommandError, match="Nog niet geschreven: de samenvatting"):
        export(programma, TODAY(), tmp_path)
    assert_still_concept(empty)

    # No evaluation with that peildatum: none is made up without a narrative.
    with pytest.raises(CommandError, match="no evaluation"):
        export(programma, datetime.date(2026, 1, 31), tmp_path)
    assert not Tussenevaluatie.objects.filter(peildatum="2026-01-31").exists()
    assert not (tmp_path / "final.pdf").exists()


def test_the_security_log_names_the_stored_pdf_once_the_finalisation_is_committed(
    client, programma, named_coordinator, caplog, django_capture_on_commit_callbacks
):
    evaluatie = draft(programma, named_coordinator)
    client.force_login(named_coordinator)
    url = reverse("evaluatie:finalise", args=[evaluatie.pk])
    with django_capture_on_commit_callbacks(execute=False) as pending:
        assert client.post(url, {"bevestig": "on"}).status_code == 302
    evaluatie.refresh_from_db()
    logged = [r for r in caplog.records if r.getMessage() == "evaluation_finalise"]
    assert logged == []  # not before the commit: a retried request logs nothing
    for callback in pending:
        callback()
    logged = [r for r in caplog.records if r.getMessage() == "evaluation_finalise"]
    assert [r.object for r in logged] == [
        f"tussenevaluatie={evaluatie.pk} sha256={evaluatie.pdf_sha256}"
    ]
