"""The journeys people make, from login to result, with the keyboard alone.

Links and buttons are followed with Enter, checkboxes toggled with Space, text
typed; native selects are set through the browser's own option choice.
"""

import datetime
import hashlib
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from acties.models import Actie, Raadsopdracht
from evaluatie import services as evaluatie_services
from evaluatie.models import Tussenevaluatie
from pijlers.models import Programma

from .conftest import activate, menu
from .test_accessibility import describe, scan

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]


def test_officer_updates_an_action_and_sees_it_in_history_and_dashboard(open_as):
    page = open_as("beleidsmedewerker")
    actie = Actie.objects.get(code="3.2")  # 'Eén meldpunt', lopend in the demo data
    activate(menu(page, "Acties"))
    expect(page.get_by_role("heading", name="Acties", level=1)).to_be_visible()

    # Filter by action line and status; the list updates in place.
    page.get_by_label("Actielijn").select_option(label=str(actie.actielijn))
    status = page.get_by_role("checkbox", name="vertraagd")
    status.focus()
    page.keyboard.press("Space")
    results = page.locator("#resultaten")
    expect(results).to_contain_text("1 actie gevonden")
    expect(page).to_have_url(re.compile(r"status=vertraagd"))

    activate(results.get_by_role("link", name=actie.titel))
    expect(page.get_by_role("heading", level=1)).to_contain_text(actie.titel)

    # Change status and progress, with a reason.
    activate(page.get_by_role("link", name="Actie bewerken"))
    page.get_by_label("Status").select_option(label="lopend")
    page.get_by_label("Voortgang (%)").fill("85")
    page.get_by_label("Reden van de wijziging").focus()
    page.keyboard.type("Koppeling met de politie werkt nu")
    activate(page.get_by_role("button", name="Opslaan"))
    expect(page.get_by_role("status")).to_contain_text(
        "De wijzigingen zijn opgeslagen."
    )

    # A progress update.
    activate(page.get_by_role("link", name="Voortgangsupdate toevoegen"))
    page.get_by_label("Tekst").focus()
    page.keyboard.type("Het meldpunt is open voor alle partners.")
    activate(page.get_by_role("button", name="Opslaan"))
    expect(page.get_by_role("status")).to_contain_text("voortgangsupdate is toegevoegd")

    # Link it to motion H.4, with a reason.
    activate(page.get_by_role("link", name="Koppelen aan raadsopdracht"))
    h4 = Raadsopdracht.objects.get(nummer="H.4")
    page.get_by_label("Raadsopdracht").select_option(label=str(h4))
    page.get_by_label("Waarom voert deze actie de opdracht uit?").focus()
    page.keyboard.type("Signalen leiden naar re-integratietrajecten")
    activate(page.get_by_role("button", name="Koppelen"))
    expect(page.get_by_role("status")).to_contain_text("De koppeling is vastgelegd.")

    history = page.locator("#historie").locator("xpath=..")
    expect(history).to_contain_text("Koppeling met de politie werkt nu")
    expect(history).to_contain_text("Raadsopdracht: H.4")
    expect(history).to_contain_text("Signalen leiden naar re-integratietrajecten")
    expect(page.locator(".timeline").first).to_contain_text("open voor alle partners")

    activate(menu(page, "Dashboard"))
    recent = page.locator("#recent").locator("xpath=..")
    expect(recent).to_contain_text("Koppeling met de politie werkt nu")
    actie.refresh_from_db()
    assert (actie.status, actie.voortgang) == ("lopend", 85)


def test_two_people_edit_one_action_and_both_changes_are_kept(open_as, live_server):
    actie = Actie.objects.get(code="2.1")
    titel = actie.titel
    first, second = open_as("beleidsmedewerker"), open_as("coordinator")
    url = reverse("acties:actie-update", args=[actie.pk])
    for page in (first, second):
        page.goto(url)

    first.get_by_label("Voortgang (%)").fill("55")
    first.get_by_label("Reden van de wijziging").fill("Schooljaar loopt goed")
    activate(first.get_by_role("button", name="Opslaan"))
    expect(first.get_by_role("status")).to_contain_text("opgeslagen")

    # The second person changed the title, and the progress differently.
    second.get_by_label("Titel").fill("Voorlichting op alle Haagse scholen")
    second.get_by_label("Voortgang (%)").fill("60")
    second.get_by_label("Reden van de wijziging").fill("Mijn eigen inschatting")
    activate(second.get_by_role("button", name="Opslaan"))
    expect(
        second.get_by_role(
            "heading", name="Iemand anders heeft intussen dezelfde gegevens gewijzigd"
        )
    ).to_be_visible()
    conflicts = second.get_by_role("table", name="Velden die u allebei wijzigde")
    expect(conflicts).to_contain_text("Voortgang (%)")
    expect(conflicts).to_contain_text("55")
    expect(conflicts).to_contain_text("60")
    # Nothing the second person typed is lost, and nothing is saved yet.
    expect(second.get_by_label("Titel")).to_have_value(
        "Voorlichting op alle Haagse scholen"
    )
    expect(second.get_by_label("Reden van de wijziging")).to_have_value(
        "Mijn eigen inschatting"
    )
    actie.refresh_from_db()
    assert (actie.voortgang, actie.titel) == (55, titel)
    results = []
    scan(second, "Actie bewerken, met een conflict", results)
    assert results[0][4] == [], describe(results[0][4])

    # The second person keeps the first person's progress, and their own title.
    second.get_by_role("radio", name="De waarde van").check()
    activate(second.get_by_role("button", name="Opslaan"))
    expect(second.get_by_role("status")).to_contain_text("opgeslagen")
    actie.refresh_from_db()
    assert (actie.voortgang, actie.titel) == (55, "Voorlichting op alle Haagse scholen")


def test_griffie_reviews_settles_a_mandate_and_downloads_the_evaluation(
    open_as, programme
):
    programma = Programma.objects.get(slug="mensenhandel-2025-2028")
    evaluatie_services.tussenevaluatie_create(
        programma=programma,
        titel="Tussenevaluatie 2026",
        peildatum=datetime.date(2026, 6, 30),
        user=programme["coordinator"],
        reason="Voor de griffie",
    )
    page = open_as("griffie")
    expect(page.get_by_text("Acties alleen lezen")).to_be_visible()
    actie = Actie.objects.get(code="1.2")

    page.goto(actie.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text(actie.titel)
    expect(page.get_by_role("link", name="Actie bewerken")).to_have_count(0)
    expect(page.get_by_role("link", name="Voortgangsupdate toevoegen")).to_have_count(0)

    # Posting to the edit URL directly is refused, and nothing changes.
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    response = page.request.post(
        reverse("acties:actie-update", args=[actie.pk]),
        form={"csrfmiddlewaretoken": token, "titel": "Door de griffie"},
        headers={"Referer": page.url},
    )
    assert response.status == 403
    assert "Geen toegang" in response.text()
    actie.refresh_from_db()
    assert actie.titel != "Door de griffie"

    # Record that decision point III is settled, with its document.
    activate(menu(page, "Raadsopdrachten"))
    activate(page.get_by_role("link", name="(Tussen)evaluatie halverwege de looptijd"))
    activate(page.get_by_role("link", name="Afdoening bevestigen"))
    page.get_by_label("Afgedaan op").fill("2026-11-20")
    page.get_by_role("textbox", name=re.compile("^Afdoeningsdocument")).focus()
    page.keyboard.type("RIS999001")
    # Its action 1.1 is not finished: the page says so, and asks why.
    expect(page.get_by_role("note")).to_contain_text("1.1")
    activate(page.get_by_role("button", name="Afdoening bevestigen"))
    expect(page.locator(".form-errors")).to_contain_text("Geef een reden")
    page.get_by_label("Reden van de wijziging").fill(
        "De raad besprak de evaluatie eerder dan gepland."
    )
    activate(page.get_by_role("button", name="Afdoening bevestigen"))
    expect(page.get_by_role("status")).to_contain_text("De raadsopdracht is afgedaan.")
    expect(page.locator(".detail-grid")).to_contain_text("RIS999001")

    # The programme as of a past date, and what changed between two dates.
    activate(menu(page, "Peildatum"))
    page.get_by_role("textbox", name=re.compile("^Peildatum")).fill("2025-12-31")
    activate(page.get_by_role("button", name="Tonen"))
    expect(page.get_by_role("heading", level=2).first).to_contain_text(
        "op 31 december 2025"
    )
    activate(menu(page, "Vergelijken"))
    page.get_by_role("textbox", name=re.compile("^Van")).fill("2025-12-31")
    page.get_by_role("textbox", name=re.compile("^Tot en met")).fill("2026-11-01")
    activate(page.get_by_role("button", name="Vergelijken"))
    expect(page.get_by_text("Acties gewijzigd")).to_be_visible()

    # Download the evaluation.
    activate(menu(page, "Evaluaties"))
    activate(page.get_by_role("link", name="Tussenevaluatie 2026"))
    # The concept is made by a job; its page offers the file when it is ready.
    activate(page.get_by_role("button", name="Maak PDF (concept)"))
    expect(page.get_by_role("status")).to_contain_text("Klaar")
    with page.expect_download() as download:
        activate(page.get_by_role("link", name=re.compile(r"^Download .*concept\.pdf")))
    content = download.value.path().read_bytes()
    assert content.startswith(b"%PDF")


def test_coordinator_drafts_previews_and_finalises_an_evaluation(open_as):
    page = open_as("coordinator")
    activate(menu(page, "Evaluaties"))
    activate(page.get_by_role("link", name="Nieuwe tussenevaluatie"))
    page.get_by_label("Titel").fill("Tussenevaluatie Actieprogramma mensenhandel")
    page.get_by_role("textbox", name=re.compile("^Peildatum")).fill("2026-11-01")
    activate(page.get_by_role("button", name="Opslaan"))
    expect(page.get_by_role("status")).to_contain_text("aangemaakt als concept")

    activate(page.get_by_role("link", name="Bewerken"))
    page.get_by_label("Samenvatting").fill("De aanpak ligt grotendeels op koers.")
    page.get_by_label("Conclusies").fill("De eerste acties lopen.")
    page.get_by_label("Aanbevelingen").fill("Houd de koers vast.")
    for pijler in page.get_by_label(re.compile("^Bevindingen bij pijler")).all():
        pijler.fill("Op koers.")
    activate(page.get_by_role("button", name="Opslaan"))
    expect(page.get_by_role("status")).to_contain_text("opgeslagen")

    activate(page.get_by_role("link", name="Bekijk in de browser"))
    expect(page.get_by_text("De aanpak ligt grotendeels op koers.")).to_be_visible()
    expect(page.get_by_text("CONCEPT – niet definitief")).to_be_visible()
    activate(page.get_by_role("link", name="Terug naar de evaluatie"))

    activate(page.get_by_role("link", name="Definitief maken"))
    page.get_by_role("checkbox").focus()
    page.keyboard.press("Space")
    activate(page.get_by_role("button", name="Definitief maken"))
    expect(page.get_by_role("status")).to_contain_text("is definitief")
    shown = page.locator("code.hash").inner_text().strip()
    evaluatie = Tussenevaluatie.objects.get()
    assert shown == evaluatie.pdf_sha256

    with page.expect_download() as download:
        activate(page.get_by_role("link", name=re.compile("Download PDF")))
    content = download.value.path().read_bytes()
    assert hashlib.sha256(content).hexdigest() == shown
