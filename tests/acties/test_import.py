"""Bulk import from CSV and XLSX: the dry run, all-or-nothing, history, limits."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from acties import imports, services
from acties.exchange import IMPORT_KINDS
from acties.models import Actie, Meting, Voortgangsupdate
from historie.records import tracked_models

pytestmark = pytest.mark.django_db

URL = reverse("acties:import")


def everything() -> dict:
    """Rows of every tracked table and of its history."""
    counts = {}
    for model in tracked_models():
        counts[model._meta.label] = model.objects.count()
        counts[f"{model._meta.label} history"] = model.history.count()
    return counts


def upload(client, world, content: bytes, name="acties.csv", soort="acties", **extra):
    return client.post(
        URL,
        {
            "soort": soort,
            "programma": world["programma"].pk,
            "bestand": SimpleUploadedFile(name, content),
            "reden": "Kwartaalrapportage partners",
            **extra,
        },
    )


def confirm(client, preview):
    return client.post(URL, {"controle": preview.context["plan"].fingerprint})


def csv_bytes(rows, delimiter=",", bom=False) -> bytes:
    text = "\r\n".join(delimiter.join(row) for row in rows) + "\r\n"
    return (("\ufeff" if bom else "") + text).encode()


def xlsx_bytes(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def officer(client, beleidsmedewerker):
    client.force_login(beleidsmedewerker)
    return beleidsmedewerker


ROWS = [
    ["code", "actielijn", "titel", "status", "voortgang"],
    ["3.1", "3", "Signalen bundelen", "lopend", "40"],
    ["3.7", "3", "Nieuwe actie uit Excel", "gepland", "0"],
]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("komma.csv", csv_bytes(ROWS, ",")),
        ("puntkomma-bom.csv", csv_bytes(ROWS, ";", bom=True)),
        ("puntkomma.csv", csv_bytes(ROWS, ";")),
        ("komma-bom.csv", csv_bytes(ROWS, ",", bom=True)),
        ("werkmap.xlsx", xlsx_bytes(ROWS)),
    ],
)
def test_each_format_previews_then_writes_with_history(
    client, officer, world, name, content
):
    before = everything()
    preview = upload(client, world, content, name=name)
    assert preview.status_code == 200
    plan = preview.context["plan"]
    assert [(r.number, r.key, r.action) for r in plan.rows] == [
        (2, "3.1", "wijzigen"),
        (3, "3.7", "nieuw"),
    ]
    html = preview.content.decode()
    assert "Signalen bundelen" in html and "→" in html
    assert everything() == before  # the dry run wrote nothing

    done = confirm(client, preview)
    assert done.status_code == 302
    actie = Actie.objects.get(pk=world["actie"].pk)
    assert (actie.titel, actie.status, actie.voortgang) == (
        "Signalen bundelen", "lopend", 40,
    )  # fmt: skip
    new = Actie.objects.get(programma=world["programma"], code="3.7")
    for record in (actie, new):
        latest = record.history.first()
        assert latest.history_change_reason == "Kwartaalrapportage partners"
        assert latest.history_user == officer


def test_the_preview_shows_old_and_new_values(client, officer, world):
    services.actie_update(
        actie=world["actie"], versie=None, user=officer, reason="Voorbereiding",
        titel="Oude titel",
    )  # fmt: skip
    preview = upload(client, world, csv_bytes(ROWS))
    changes = preview.context["plan"].rows[0].changes
    assert ("Titel", "Oude titel", "Signalen bundelen") in changes
    assert ("Status", "gepland", "lopend") in changes


def test_an_error_in_the_last_row_writes_nothing(client, officer, world):
    rows = [*ROWS, ["3.8", "3", "Foute voortgang", "lopend", "140"]]
    before = everything()
    preview = upload(client, world, csv_bytes(rows))
    plan = preview.context["plan"]
    assert plan.errors == [
        (
            4,
            "voortgang",
            "Zorg ervoor dat deze waarde hoogstens 100 is.",
        )
    ]
    html = preview.content.decode()
    assert "Rij 4, kolom voortgang" in html
    assert "opslaan</button>" not in html
    response = confirm(client, preview)
    assert response.status_code == 400
    assert everything() == before


def test_a_failure_while_writing_the_last_row_undoes_the_others(
    client, officer, world, monkeypatch
):
    preview = upload(client, world, csv_bytes(ROWS))
    before = everything()
    real_create = services.actie_create

    def refuse(**values):
        raise services.ValidationError("De database weigerde de laatste rij")

    monkeypatch.setattr(services, "actie_create", refuse)
    response = confirm(client, preview)
    assert response.status_code == 400
    assert "Rij 3" in response.content.decode()
    assert everything() == before
    assert real_create is not refuse


def test_a_change_after_the_preview_is_shown_again_not_written(client, officer, world):
    preview = upload(client, world, csv_bytes(ROWS))
    services.actie_update(
        actie=world["actie"], versie=None, user=officer, reason="Tussendoor",
        titel="Iemand anders",
    )  # fmt: skip
    before = everything()
    response = confirm(client, preview)
    assert response.status_code == 409
    assert "Iemand heeft de gegevens gewijzigd" in response.content.decode()
    assert everything() == before


def test_progress_updates_and_measurements(client, officer, world):
    updates = csv_bytes(
        [["actie", "datum", "tekst"], ["3.1", "5-3-2026", "Overleg met partners"]],
        ";",
    )
    preview = upload(client, world, updates, name="u.csv", soort="voortgangsupdates")
    assert [r.action for r in preview.context["plan"].rows] == ["nieuw"]
    assert confirm(client, preview).status_code == 302
    update = Voortgangsupdate.objects.get(tekst="Overleg met partners")
    assert str(update.datum) == "2026-03-05"
    assert update.history.first().history_change_reason == "Kwartaalrapportage partners"

    indicator = world["indicator"]
    metingen = xlsx_bytes(
        [
            ["actie", "indicator", "datum", "waarde", "toelichting"],
            ["3.1", indicator.naam, "2026-01-01", "7,5", "bijgesteld"],
            ["3.1", indicator.naam, "2026-06-30", "12", ""],
        ]
    )
    preview = upload(client, world, metingen, name="m.xlsx", soort="metingen")
    plan = preview.context["plan"]
    assert [r.action for r in plan.rows] == ["wijzigen", "nieuw"]
    assert ("Waarde", "5.00", "7.5") in plan.rows[0].changes
    assert confirm(client, preview).status_code == 302
    values = sorted(Meting.objects.filter(indicator=indicator).values_list("waarde"))
    assert values == [(Decimal("7.50"),), (Decimal("12.00"),)]


def test_importing_the_same_updates_twice_adds_nothing(client, officer, world):
    updates = csv_bytes([["actie", "datum", "tekst"], ["3.1", "2026-03-05", "Zelfde"]])
    confirm(client, upload(client, world, updates, soort="voortgangsupdates"))
    preview = upload(client, world, updates, soort="voortgangsupdates")
    assert [r.action for r in preview.context["plan"].rows] == ["ongewijzigd"]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("code,titel\r\n3.1,Café\r\n".encode("latin-1"), "a.csv", "niet in UTF-8"),
        (b"PK\x03\x04 geen echte werkmap", "a.xlsx", "geen leesbaar Excel-bestand"),
        (b"code,titel\r\n3.1,a,b,c\r\n", "a.csv", "Rij 2 heeft 4 kolommen"),
        (b"", "a.csv", "bestand is leeg"),
        (b" \r\n", "a.csv", "Het bestand is leeg"),
        (b"code,titel\r\n", "a.csv", "geen rijen"),
        (b"code,kleur\r\n3.1,rood\r\n", "a.csv", "onbekende kolommen: kleur"),
        (b"titel\r\nx\r\n", "a.csv", "ontbrekende kolommen: code"),
        (b"\x00\x01\x02binary", "a.csv", "Dit is geen tekstbestand"),
    ],
)
def test_a_bad_file_gets_a_message_and_changes_nothing(
    client, officer, world, content, name, message
):
    before = everything()
    response = upload(client, world, content, name=name)
    assert response.status_code == 200
    assert message in response.context["form"].errors["bestand"][0]
    assert everything() == before


def test_size_and_row_limits(client, officer, world, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 1)
    response = upload(client, world, csv_bytes(ROWS))
    assert "het maximum is 1" in response.context["form"].errors["bestand"][0]
    monkeypatch.setattr(imports, "MAX_BYTES", 10)
    response = upload(client, world, csv_bytes(ROWS))
    assert "groter dan" in response.context["form"].errors["bestand"][0]


def test_an_xlsx_that_unpacks_too_large_is_refused(client, officer, world, monkeypatch):
    monkeypatch.setattr(imports, "MAX_UNPACKED_BYTES", 1000)
    before = everything()
    response = upload(client, world, xlsx_bytes(ROWS), name="bom.xlsx")
    assert "uitgepakt groter dan" in response.context["form"].errors["bestand"][0]
    assert everything() == before


def test_the_limits_are_stated_on_the_page(client, officer):
    html = client.get(URL).content.decode()
    assert f"{imports.MAX_BYTES // 2**20} MB" in html
    assert f"{imports.MAX_ROWS} rijen" in html


def test_a_bsn_in_a_row_is_refused(client, officer, world):
    rows = [["code", "titel"], ["3.1", "Slachtoffer 111222333 gesproken"]]
    preview = upload(client, world, csv_bytes(rows))
    assert preview.context["plan"].rows[0].action == "fout"
    assert "titel" in [
        column for column, _message in preview.context["plan"].rows[0].errors
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_templates_have_the_expected_columns(client, officer, coordinator, fmt):
    # The coordinator may import every kind, the register included.
    client.force_login(coordinator)
    for kind, (_label, required, optional, _ignored) in IMPORT_KINDS.items():
        response = client.get(reverse("acties:import-template", args=[kind, fmt]))
        assert response.status_code == 200
        headers, _rows = _read_header(response.content, fmt)
        assert headers == [*required, *optional]


def _read_header(content, fmt):
    if fmt == "csv":
        return content.decode("utf-8-sig").strip().split(";"), []
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [cell.value for cell in sheet[1]], []


def test_griffie_may_not_import_actions(client, griffie, world):
    """The griffie imports the register (test_register_import.py), not actions."""
    client.force_login(griffie)
    before = everything()
    page = client.get(URL)
    assert [
        value for value, _label in page.context["form"].fields["soort"].choices
    ] == ["raadsopdrachten"]
    response = upload(client, world, csv_bytes(ROWS))
    assert response.status_code == 200
    assert "soort" in response.context["form"].errors
    assert everything() == before


# --- the actions list's own export imports again ------------------------------------


def _export_of_the_list(client, world) -> bytes:
    response = client.get(
        reverse("acties:actie-export"), {"programma": world["programma"].pk}
    )
    return b"".join(response.streaming_content)


def _edited(exported: bytes, code: str, **cells) -> bytes:
    import csv

    rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    for row in rows[1:]:
        if row[header.index("code")] == code:
            for column, value in cells.items():
                row[header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()


def test_the_lists_export_imports_again_unchanged_and_edits_are_exactly_the_changes(
    client, officer, world
):
    from tests.factories import OrganisatieFactory

    actie = world["actie"]
    services.actie_update(
        actie=actie, versie=None, user=officer, reason="Voorbereiding",
        titel="=Signaleren op straat", omschrijving="Regel één\nRegel twee",
        partners=[OrganisatieFactory(naam="Leger des Heils, Haaglanden"),
                  OrganisatieFactory(naam="GGD Haaglanden")],
        seksuele_uitbuiting=True, doelgroep_minderjarig=True,
        budget=Decimal("12500.50"), gepland_eind=datetime.date(2027, 6, 30),
    )  # fmt: skip
    client.force_login(officer)
    exported = _export_of_the_list(client, world)

    preview = upload(client, world, exported)
    assert preview.status_code == 200
    plan = preview.context["plan"]
    assert plan.rows and {row.action for row in plan.rows} == {"ongewijzigd"}

    preview = upload(
        client, world, _edited(exported, "3.1", titel="Signaleren", voortgang="55")
    )
    plan = preview.context["plan"]
    changed = [
        (row.key, row.action, [label for label, _old, _new in row.changes])
        for row in plan.rows
        if row.action != "ongewijzigd"
    ]
    assert changed == [("3.1", "wijzigen", ["Titel", "Voortgang (%)"])]


def test_a_row_of_another_programme_in_the_lists_export_is_refused(
    client, officer, world
):
    client.force_login(officer)
    exported = _export_of_the_list(client, world)
    preview = upload(client, world, _edited(exported, "3.1", programma="ander"))
    (row,) = [r for r in preview.context["plan"].rows if r.key == "3.1"]
    assert row.action == "fout"
    assert row.errors[0][0] == "programma"
