"""Import from a spreadsheet in a real browser: upload, preview, confirm.

The keyboard drives it, as in the other journeys (a file is chosen through the
browser's own file chooser); axe scans each page of the journey, its error
states included.
"""

import pytest
from playwright.sync_api import expect

from acties.models import Actie

from .conftest import activate, menu
from .test_accessibility import describe, scan

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]


def csv_file(name: str, rows: list[list[str]]) -> dict:
    text = "\ufeff" + "\r\n".join(";".join(row) for row in rows) + "\r\n"
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode()}


def upload(page, file: dict, reason: str) -> None:
    page.get_by_label("Bestand").set_input_files(file)
    page.get_by_label("Reden van de wijzigingen").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(reason)
    activate(page.get_by_role("button", name="Controleren"))


def test_officer_imports_a_spreadsheet_after_checking_the_preview(open_as):
    actie = Actie.objects.get(code="3.2")
    results = []
    page = open_as("beleidsmedewerker")
    activate(menu(page, "Acties"))
    activate(page.get_by_role("link", name="Importeren uit spreadsheet"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Importeren uit een spreadsheet"
    )
    scan(page, "import form", results)

    # Nothing chosen: the form says what is missing.
    activate(page.get_by_role("button", name="Controleren"))
    errors = page.get_by_role("alert")
    expect(errors).to_contain_text("Het formulier is niet opgeslagen")
    scan(page, "import form with errors", results)

    # A file with an error in its last row: the preview lists it, no save button.
    rows = [
        ["code", "status", "voortgang"],
        [actie.code, "lopend", "90"],
        ["3.3", "lopend", "120"],
    ]
    upload(page, csv_file("fout.csv", rows), "Kwartaalcijfers partners")
    expect(page.get_by_role("alert")).to_contain_text("Rij 3, kolom voortgang")
    expect(page.get_by_role("button", name="opslaan")).to_have_count(0)
    scan(page, "import preview with errors", results)
    assert Actie.objects.get(pk=actie.pk).voortgang != 90

    # The corrected file: the preview shows old and new, then it is saved.
    activate(page.get_by_role("link", name="Verbeterd bestand uploaden"))
    upload(page, csv_file("goed.csv", rows[:2]), "Kwartaalcijfers partners")
    preview = page.get_by_role("table", name="Per rij wat er gebeurt")
    expect(preview).to_contain_text("Wijzigen")
    expect(preview).to_contain_text("→ 90")
    scan(page, "import preview", results)
    assert Actie.objects.get(pk=actie.pk).voortgang != 90  # nothing written yet

    activate(page.get_by_role("button", name="1 rij opslaan"))
    expect(page.get_by_role("status")).to_contain_text("1 rij opgeslagen")
    saved = Actie.objects.get(pk=actie.pk)
    assert saved.voortgang == 90
    latest = saved.history.first()
    assert latest.history_change_reason == "Kwartaalcijfers partners"
    assert latest.history_user.username == "e2e-beleidsmedewerker"

    failures = [(label, v) for label, _url, _r, _a, v in results if v]
    assert failures == [], "\n".join(f"{label}: {describe(v)}" for label, v in failures)
    assert len(results) == 4


def test_coordinator_opens_the_public_page_and_anyone_can_read_it(
    open_as, browser, live_server
):
    results = []
    page = open_as("coordinator")
    activate(menu(page, "Programma"))
    activate(page.get_by_role("link", name="Actieprogramma mensenhandel").first)
    activate(page.get_by_role("link", name="Aanzetten van de openbare pagina"))
    scan(page, "public page switch", results)
    page.get_by_label("Openbare pagina aan").focus()
    page.keyboard.press("Space")
    page.get_by_label("Reden").focus()
    page.keyboard.type("Verantwoording aan raad en inwoners")
    activate(page.get_by_role("button", name="Opslaan"))
    expect(page.get_by_role("status")).to_contain_text("De openbare pagina staat aan")

    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    anonymous = context.new_page()
    anonymous.goto("/openbaar/mensenhandel-2025-2028/")
    expect(anonymous.get_by_role("heading", level=1)).to_contain_text(
        "Actieprogramma mensenhandel"
    )
    expect(anonymous.get_by_role("link", name="JSON")).to_be_visible()
    scan(anonymous, "public page", results)
    context.close()

    failures = [(label, v) for label, _url, _r, _a, v in results if v]
    assert failures == [], "\n".join(f"{label}: {describe(v)}" for label, v in failures)
