"""The concept evaluation lists the open questions as an annex; the final one
only when the evaluation says so."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from acties import services as acties_services
from acties.models import Actie, Raadsopdracht
from evaluatie import services
from evaluatie.constants import EvaluatieStatus
from evaluatie.report import build_report, report_html
from evaluatie.selectors import data_json
from pijlers.models import Programma
from tests.factories import ActieFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluatie(coordinator, griffie, beleidsmedewerker):
    call_command("load_programme", "--demo", stdout=io.StringIO())
    actie = Actie.objects.get(code="4.2")
    acties_services.opmerking_place(
        record=actie, tekst="Wanneer start het onderzoek?", user=griffie
    )
    opdracht = Raadsopdracht.objects.get(nummer="III")
    acties_services.opmerking_place(
        record=opdracht, tekst="Is de evaluatie ingepland?", user=beleidsmedewerker
    )
    klaar = acties_services.opmerking_place(
        record=actie, tekst="Al beantwoord?", user=griffie
    )
    acties_services.opmerking_mark_answered(vraag=klaar, user=griffie)
    weg = acties_services.opmerking_place(record=actie, tekst="Vergist", user=griffie)
    acties_services.opmerking_withdraw(opmerking=weg, user=griffie, reason="Dubbel")
    # A question on another programme's action is not this report's.
    acties_services.opmerking_place(
        record=ActieFactory(), tekst="Ander programma?", user=griffie
    )
    return services.tussenevaluatie_create(
        programma=Programma.objects.get(slug="mensenhandel-2025-2028"),
        titel="Tussenevaluatie 2026",
        peildatum=datetime.date(2026, 11, 30),
        user=coordinator,
        reason="Nieuw",
    )


def test_the_concept_lists_the_open_questions(evaluatie, coordinator):
    report = build_report(evaluatie, user=coordinator)
    assert [(v.bij, v.tekst, v.reacties) for v in report.open_vragen] == [
        ("actie 4.2", "Wanneer start het onderzoek?", 0),
        ("Beslispunt III", "Is de evaluatie ingepland?", 0),
    ]
    html = report_html(report, for_pdf=True)
    annex = html.split('id="open-vragen"')[1]
    assert "Bijlage: open vragen" in annex
    assert "Wanneer start het onderzoek?" in annex
    assert "Al beantwoord?" not in html and "Vergist" not in html
    data = json.loads(data_json(report))
    assert [v["vraag"] for v in data["open_vragen"]] == [
        "Wanneer start het onderzoek?",
        "Is de evaluatie ingepland?",
    ]


def test_the_final_lists_them_only_when_chosen(evaluatie, coordinator):
    # Built as for a final (not saved: finalising renders the PDF/A).
    final = evaluatie
    final.status = EvaluatieStatus.DEFINITIEF
    final.definitief_door = coordinator
    final.definitief_op = timezone.now()
    report = build_report(final, user=coordinator)
    assert report.open_vragen is None
    assert 'id="open-vragen"' not in report_html(report, for_pdf=True)
    assert "open_vragen" not in json.loads(data_json(report))

    final.open_vragen_in_definitief = True
    report = build_report(final, user=coordinator)
    assert [v.tekst for v in report.open_vragen] == [
        "Wanneer start het onderzoek?",
        "Is de evaluatie ingepland?",
    ]
