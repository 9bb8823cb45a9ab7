"""The griffie's council cycle in a real browser, with the keyboard: a meeting
recorded, the existing register imported, what is due before the meeting,
one proposed settlement returned, another confirmed with the letter uploaded.
axe scans every page of the journey."""

import hashlib
import re

import pytest
from playwright.sync_api import expect

from acties import services
from acties.constants import RaadsopdrachtStatus
from acties.models import Raadsopdracht
from tests.documents import docx_bytes, pdf_bytes

from .conftest import activate, menu
from .test_accessibility import describe, scan

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]

# As an iBabs overview exports it: Dutch headers, semicolons, day-month-year.
REGISTER = (
    "Nummer;Soort;Titel;Tekst;Indieners;Fractie;Datum vergadering;RIS-nummer;"
    "Status;Afgedaan op;Afdoeningsdocument;Termijn\r\n"
    "M.2026.41;Motie;Meldpunt arbeidsuitbuiting;Verzoekt het college een "
    "meldpunt in te richten.;Jansen;GroenLinks;12-11-2026;RIS330041;"
    "In behandeling;;;31-12-2026\r\n"
    "T.2026.7;Toezegging;Rapportage hotelbranche;De wethouder zegt toe te "
    "rapporteren.;;;12-11-2026;RIS330042;In behandeling;;;1-3-2027\r\n"
)


def test_griffie_imports_the_register_and_works_through_the_next_meeting(
    open_as, programme
):
    for nummer in ("I", "II"):
        services.raadsopdracht_propose_settlement(
            raadsopdracht=Raadsopdracht.objects.get(nummer=nummer),
            toelichting=f"Beslispunt {nummer} is uitgevoerd.",
            user=programme["beleidsmedewerker"],
        )
    results = []
    page = open_as("griffie")

    # The next committee meeting.
    activate(menu(page, "Vergaderingen"))
    activate(page.get_by_role("link", name="Nieuwe vergadering"))
    page.get_by_label("Soort").select_option(label="commissievergadering")
    page.get_by_label("Commissie").fill("Samenleving")
    page.get_by_label("Datum").fill("2027-01-14")
    page.get_by_label("Omschrijving").fill("Commissie Samenleving")
    scan(page, "Nieuwe vergadering", results)
    activate(page.get_by_role("button", name="Opslaan"))
    expect(page.get_by_role("status")).to_contain_text("De vergadering is vastgelegd.")

    # The register as the council information system exported it.
    activate(menu(page, "Raadsopdrachten"))
    activate(page.get_by_role("link", name="Register importeren (CSV of Excel)"))
    page.get_by_label("Bestand").set_input_files(
        {
            "name": "toezeggingen-ibabs.csv",
            "mimeType": "text/csv",
            "buffer": REGISTER.encode("utf-8-sig"),
        }
    )
    page.get_by_label("Reden van de wijzigingen").fill("Register uit iBabs overgenomen")
    scan(page, "Register importeren", results)
    activate(page.get_by_role("button", name="Controleren"))
    preview = page.get_by_role("table", name="Per rij wat er gebeurt")
    expect(preview).to_contain_text("M.2026.41")
    scan(page, "Register importeren, voorbeeld", results)
    assert not Raadsopdracht.objects.filter(nummer="M.2026.41").exists()
    activate(page.get_by_role("button", name="2 rijen opslaan"))
    expect(page.get_by_role("status")).to_contain_text("2 rijen opgeslagen")
    assert Raadsopdracht.objects.get(nummer="M.2026.41").indieners == "Jansen"

    # What is due before that meeting: the imported motion, the commitment
    # that is overdue, the two proposals.
    activate(menu(page, "Wat komt eraan"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("14 januari 2027")
    due = page.locator("#voor-de-datum").locator("..")
    expect(due).to_contain_text("Meldpunt arbeidsuitbuiting")
    expect(due).not_to_contain_text("Rapportage hotelbranche")  # due in March
    overdue = page.locator("#te-laat").locator("..")
    expect(overdue).to_contain_text("verplicht")
    proposals = page.locator("#voorstellen").locator("..")
    expect(proposals).to_contain_text("Beslispunt I:")
    expect(proposals).to_contain_text("Beslispunt II:")
    scan(page, "Wat komt eraan", results)

    # Decision point I goes back to the officers, with the reason.
    activate(proposals.get_by_role("link", name="Beslispunt I:", exact=False).first)
    activate(page.get_by_role("link", name="Voorstel teruggeven"))
    page.get_by_label("Waarom gaat het voorstel terug?").fill(
        "Graag de verwijzing naar het raadsbesluit toevoegen."
    )
    scan(page, "Voorstel teruggeven", results)
    activate(page.get_by_role("button", name="Afdoeningsvoorstel teruggeven"))
    expect(page.get_by_role("status")).to_be_visible()
    eerste = Raadsopdracht.objects.get(nummer="I")
    assert eerste.status == RaadsopdrachtStatus.IN_UITVOERING
    assert eerste.history.first().history_change_reason.endswith(
        "Graag de verwijzing naar het raadsbesluit toevoegen."
    )

    # Decision point II is confirmed, with the college's letter as a file.
    activate(menu(page, "Wat komt eraan"))
    activate(
        page.locator("#voorstellen")
        .locator("..")
        .get_by_role("link", name="Beslispunt II:", exact=False)
        .first
    )
    activate(page.get_by_role("link", name="Afdoening bevestigen"))
    page.get_by_label("Afgedaan op").fill("2026-11-26")
    page.get_by_role("textbox", name=re.compile("^Afdoeningsdocument")).fill(
        "BOW/2026.88"
    )
    # First the wrong file: a Word document under a PDF's name.
    letter = pdf_bytes("Brief BOW/2026.88")
    page.get_by_label("Het afdoeningsdocument als bestand").set_input_files(
        {
            "name": "BOW 2026.88.pdf",
            "mimeType": "application/pdf",
            "buffer": docx_bytes(),
        }
    )
    page.get_by_label("Reden van de wijziging").fill(
        "Uitgevoerd volgens de collegebrief; de acties lopen door."
    )
    activate(page.get_by_role("button", name="Afdoening bevestigen"))
    expect(page.locator(".form-errors")).to_contain_text("geen PDF-bestand")
    scan(page, "Afdoening bevestigen, verkeerd bestand", results)
    assert Raadsopdracht.objects.get(nummer="II").status != RaadsopdrachtStatus.AFGEDAAN
    page.get_by_label("Het afdoeningsdocument als bestand").set_input_files(
        {"name": "BOW 2026.88.pdf", "mimeType": "application/pdf", "buffer": letter}
    )
    activate(page.get_by_role("button", name="Afdoening bevestigen"))
    expect(page.get_by_role("status")).to_contain_text("De raadsopdracht is afgedaan.")
    documents = page.get_by_role("region", name="Documenten")
    expect(documents).to_contain_text("Afdoeningsdocument BOW/2026.88")
    expect(documents).to_contain_text(hashlib.sha256(letter).hexdigest())
    scan(page, "Raadsopdracht afgedaan, met document", results)
    with page.expect_download() as download:
        activate(
            documents.get_by_role(
                "link", name="Afdoeningsdocument BOW/2026.88 downloaden"
            )
        )
    assert download.value.suggested_filename == "BOW 2026.88.pdf"
    assert download.value.path().read_bytes() == letter
    tweede = Raadsopdracht.objects.get(nummer="II")
    assert tweede.status == RaadsopdrachtStatus.AFGEDAAN
    assert tweede.documenten.get().history.first().history_user.username == (
        "e2e-griffie"
    )

    failures = [(label, v) for label, _url, _r, _a, v in results if v]
    assert failures == [], "\n".join(f"{label}: {describe(v)}" for label, v in failures)
    assert len(results) == 7
