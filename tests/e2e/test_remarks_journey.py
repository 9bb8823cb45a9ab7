"""A question about an action, in a real browser with the keyboard: the griffie
asks, the officer answers, the griffie marks it answered; while it is open,
the concept evaluation lists it. axe scans every page of the journey."""

import datetime

import pytest
from playwright.sync_api import expect

from acties.models import Actie, Opmerking
from evaluatie import services as evaluatie_services
from pijlers.models import Programma

from .conftest import activate, menu
from .test_accessibility import describe, scan

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]

VRAAG = "Wanneer start het onderzoek naar verplichte certificering?"
ANTWOORD = "Na het overleg met de hotelbranche in januari."


def test_griffie_asks_officer_answers_griffie_marks_it_answered(open_as, programme):
    actie = Actie.objects.get(code="4.2")
    titel = actie.titel
    evaluatie = evaluatie_services.tussenevaluatie_create(
        programma=Programma.objects.get(slug="mensenhandel-2025-2028"),
        titel="Tussenevaluatie 2026",
        peildatum=datetime.date(2026, 11, 30),
        user=programme["coordinator"],
        reason="Voor de commissie",
    )
    results = []

    # The griffie, read-only on actions, asks a question on the action's page.
    griffie = open_as("griffie")
    griffie.goto(actie.get_absolute_url())
    expect(griffie.get_by_role("link", name="Actie bewerken")).to_have_count(0)
    section = griffie.get_by_role("region", name="Vragen en opmerkingen")
    section.get_by_label("Uw vraag of opmerking").fill(VRAAG)
    activate(section.get_by_role("button", name="Vraag of opmerking plaatsen"))
    expect(griffie.get_by_role("status")).to_contain_text("Uw opmerking is geplaatst.")
    expect(section).to_contain_text(VRAAG)
    expect(section).to_contain_text("open vraag")
    scan(griffie, "Actie met een open vraag", results)

    # The concept evaluation lists it among the open questions.
    griffie.goto(f"/evaluaties/{evaluatie.pk}/voorbeeld/")
    annex = griffie.locator("#open-vragen")
    expect(annex).to_contain_text("actie 4.2")
    expect(annex).to_contain_text(VRAAG)

    # The officer finds it under open questions and answers in the thread.
    officer = open_as("beleidsmedewerker")
    activate(officer.get_by_role("link", name="Open vragen", exact=True))
    expect(officer.get_by_role("heading", level=1)).to_have_text("Open vragen")
    scan(officer, "Open vragen", results)
    activate(officer.get_by_role("link", name=VRAAG))
    activate(officer.get_by_role("link", name="Reageren", exact=False).first)
    officer.get_by_label("Uw reactie").fill(ANTWOORD)
    scan(officer, "Reageren", results)
    activate(officer.get_by_role("button", name="Reageren"))
    expect(officer.get_by_role("status")).to_contain_text("Uw reactie is geplaatst.")
    # Not the officer's question: no button to mark it answered.
    expect(officer.get_by_role("button", name="Markeer als beantwoord")).to_have_count(
        0
    )

    # The griffie reads the answer and marks the question answered.
    griffie.goto(actie.get_absolute_url())
    section = griffie.get_by_role("region", name="Vragen en opmerkingen")
    expect(section).to_contain_text(ANTWOORD)
    activate(section.get_by_role("button", name="Markeer als beantwoord"))
    expect(griffie.get_by_role("status")).to_contain_text("beantwoord")
    expect(section.get_by_text("beantwoord", exact=True)).to_be_visible()
    scan(griffie, "Actie met een beantwoorde vraag", results)
    activate(menu(griffie, "Acties"))  # and the list still shows the action
    griffie.goto("/opmerkingen/?weergave=mijn")
    expect(griffie.get_by_text("Geen open vragen in deze weergave.")).to_be_visible()

    vraag = Opmerking.objects.get(vraag__isnull=True)
    assert vraag.beantwoord and vraag.auteur == programme["griffie"]
    assert vraag.reacties.get().auteur == programme["beleidsmedewerker"]
    actie.refresh_from_db()
    assert actie.titel == titel
    failures = [(label, v) for label, _url, _r, _a, v in results if v]
    assert failures == [], "\n".join(f"{label}: {describe(v)}" for label, v in failures)
    assert len(results) == 4
