"""The mid-term evaluation's PDF, read back: content, structure, archive, safety."""

import datetime
import hashlib
import io
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from zoneinfo import ZoneInfo

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from acties import services as acties_services
from acties.constants import ActieStatus, RaadsopdrachtSoort
from acties.models import Meting
from evaluatie import services
from evaluatie.constants import EvaluatieStatus
from evaluatie.models import Tussenevaluatie
from evaluatie.pdf import PdfRenderError, render_pdf
from evaluatie.report import build_report, report_pdf, static_root
from evaluatie.selectors import acties_csv, report_data
from historie.records import recorded_at, save_with_history, system_user
from tests.factories import (
    ActielijnFactory,
    IndicatorFactory,
    OrganisatieFactory,
    PijlerFactory,
    RaadsopdrachtFactory,
)

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Europe/Amsterdam")


def at(day: str) -> datetime.datetime:
    return datetime.datetime.combine(
        datetime.date.fromisoformat(day), datetime.time(12), tzinfo=ZONE
    )


@pytest.fixture
def programme(beleidsmedewerker):
    """A programme with a known history on both sides of the peildatum."""
    user = beleidsmedewerker
    with recorded_at(at("2025-05-22")):
        lijn = ActielijnFactory(nummer=1, naam="Kennis en inzicht")
        programma = lijn.programma
        PijlerFactory(programma=programma, naam="Voorkómen")
        politie = OrganisatieFactory(naam="Politie eenheid Den Haag")
        training = acties_services.actie_create(
            actielijn=lijn,
            code="1.1",
            titel="Training signalen herkennen",
            trekker=politie,
            user=user,
            reason="Uit het actieprogramma",
        )
        h4 = RaadsopdrachtFactory(
            soort=RaadsopdrachtSoort.MOTIE,
            nummer="H.4",
            titel="Slachtoffers mensenhandel beter re-integreren",
            ris_nummer="RIS302261",
            datum_aangenomen=datetime.date(2019, 4, 4),
            programmaoverstijgend=True,
        )
        RaadsopdrachtFactory(
            soort=RaadsopdrachtSoort.AMENDEMENT,
            nummer="Amendement bij IV",
            titel="Certificering 'No Room for Sex Trafficking' voor hotels",
            ris_nummer="RIS320843",
            programma=programma,
        )
        acties_services.raadsopdracht_actie_link(
            raadsopdracht=h4, actie=training, toelichting="Re-integratie", user=user
        )
        indicator = IndicatorFactory(actie=training, naam="Getrainde wijkteams")
    with recorded_at(at("2025-06-01")):
        acties_services.actie_create(
            actielijn=lijn,
            code="1.2",
            titel="Onderzoek arbeidsuitbuiting",
            status=ActieStatus.VERTRAAGD,
            voortgang=10,
            user=user,
            reason="Nieuwe actie na motie",
        )
    with recorded_at(at("2025-09-01")):
        training = acties_services.actie_update(
            actie=training,
            versie=training.versie,
            status=ActieStatus.LOPEND,
            voortgang=40,
            user=user,
            reason="Gestart met de pilot in Escamp",
        )
    with recorded_at(at("2025-10-01")):
        acties_services.voortgangsupdate_create(
            actie=training,
            datum=datetime.date(2025, 10, 1),
            tekst="Eerste twee wijkteams getraind.",
            user=user,
        )
        acties_services.raadsopdracht_settle(
            raadsopdracht=h4,
            afgedaan_op=datetime.date(2025, 10, 1),
            afdoeningsdocument="BOW/2019.171",
            user=user,
            reason="Afgedaan met BOW/2019.171; de actie loopt door",
        )
    with recorded_at(at("2025-12-01")):
        save_with_history(
            Meting(indicator=indicator, datum=datetime.date(2025, 12, 1), waarde=7),
            user=user,
            reason="Telling",
        )
    # After the peildatum: none of this may appear in the report.
    with recorded_at(at("2026-07-02")):
        training = acties_services.actie_update(
            actie=training,
            versie=training.versie,
            status=ActieStatus.AFGEROND,
            voortgang=100,
            user=user,
            reason="Afgerond na de peildatum",
        )
        acties_services.voortgangsupdate_create(
            actie=training,
            datum=datetime.date(2026, 7, 2),
            tekst="ZOMERBERICHT na de peildatum.",
            user=user,
        )
        save_with_history(
            Meting(indicator=indicator, datum=datetime.date(2026, 7, 2), waarde=99),
            user=user,
            reason="Telling",
        )
    return programma


@pytest.fixture
def evaluatie(programme, beleidsmedewerker):
    """An evaluation whose narrative is complete, so that it can be made final."""
    evaluatie = services.tussenevaluatie_create(
        programma=programme,
        titel="Tussenevaluatie 2026",
        peildatum=datetime.date(2026, 6, 30),
        samenvatting="De aanpak ligt op koers.",
        conclusies="Training werkt.",
        aanbevelingen="Meer wijkteams trainen.",
        user=beleidsmedewerker,
        reason="Nieuw",
    )
    services.bevindingen_save(
        tussenevaluatie=evaluatie,
        teksten={
            ("pijler", p.pk): "Voorkómen gaat goed." for p in programme.pijlers.all()
        },
        user=beleidsmedewerker,
        reason="Bevindingen",
    )
    return evaluatie


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_report_shows_the_state_at_the_peildatum_with_its_figures(
    evaluatie, beleidsmedewerker
):
    report = build_report(evaluatie, user=beleidsmedewerker)
    content = report_pdf(report, final=False)
    text = flat(pdf_text(content))
    # The path of each action's status since the basisdatum, in words.
    paths = {
        a.state.code: a.verloop for line in report.actielijnen for a in line.acties
    }
    assert paths["1.1"] == "gestart op 1 sep. 2025: “Gestart met de pilot in Escamp”."
    assert paths["1.2"] == (
        "ingevoerd op 1 jun. 2025 als vertraagd: “Nieuwe actie na motie”."
    )
    # The latest update and measurement at the peildatum, in the report's data.
    training = next(a for a in report_data(report)["acties"] if a["code"] == "1.1")
    assert training["laatste_update"] == "Eerste twee wijkteams getraind."
    assert [i["laatste_waarde"] for i in training["indicatoren"]] == ["7.00"]
    # Summary figures.
    assert "Acties 2" in text
    assert "waarvan lopend 1" in text and "waarvan vertraagd 1" in text
    assert "waarvan afgerond 0" in text
    assert "Gemiddelde voortgang 25%" in text
    assert "Raadsopdrachten afgedaan 1" in text
    # The action as it was at the peildatum, not as it is today.
    # Its row in its line's table: going ahead needs no section of its own.
    row = text.split("1.1 Training signalen herkennen")[1][:120]
    assert row.startswith(" lopend 40%") and "was gepland, 0%" in row
    assert "afgerond" not in row
    # The delayed action has one, with its latest update and measurement.
    block = text.split("1.2 Onderzoek arbeidsuitbuiting Status")[1][:900]
    assert block.startswith(": vertraagd")
    # Nothing written after the peildatum.
    assert "ZOMERBERICHT" not in text
    assert "Afgerond na de peildatum" not in text
    assert "2 jul 2026" not in text
    assert not re.search(r"(?<!\w)99(?!\w)", text)  # the later measurement
    # Changes since the basisdatum: in the table for every action, with who
    # and why in the section of an action that needs explaining.
    assert (
        "Sinds 22 mei 2025: ingevoerd op 1 jun. 2025 als vertraagd: "
        "“Nieuwe actie na motie”." in block
    )
    # The mandates annex.
    annex = text.split("Bijlage: raadsopdrachten")[-1]
    assert "H.4" in annex and "BOW/2019.171" in annex
    assert "No Room for Sex Trafficking" in annex
    # Page numbers and the concept marking on every page.
    reader = PdfReader(io.BytesIO(content))
    pages = len(reader.pages)
    assert "CONCEPT" in reader.pages[0].extract_text()  # the cover
    for number, page in enumerate(reader.pages[1:], start=2):
        page_text = page.extract_text()
        assert f"pagina {number} van {pages}" in page_text
        assert "CONCEPT" in page_text


def test_pdf_structure_language_tags_and_chart_alternatives(
    evaluatie, beleidsmedewerker
):
    content = report_pdf(build_report(evaluatie, user=beleidsmedewerker), final=False)
    pdf = pikepdf.open(io.BytesIO(content))
    assert str(pdf.Root.Lang) == "nl"
    assert pdf.Root.MarkInfo.Marked
    # The concept says so in its title, which the viewer shows.
    assert str(pdf.docinfo["/Title"]).startswith("Concept – Tussenevaluatie 2026")
    assert pdf.Root.ViewerPreferences.DisplayDocTitle
    meta = pdf.open_metadata()
    assert set(meta["dc:language"]) == {"nl"}
    assert meta["dc:title"].startswith("Concept")
    assert meta["xmp:CreateDate"] and meta["dc:identifier"]
    figures = []

    def walk(node):
        if isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == "/Figure":
                figures.append(str(node.get("/Alt", "")))
            kids = node.get("/K")
            if isinstance(kids, pikepdf.Array):
                for kid in kids:
                    walk(kid)
            elif kids is not None:
                walk(kids)

    walk(pdf.Root.StructTreeRoot)
    assert len(figures) == 2  # the two charts
    assert all(alt.strip() for alt in figures)
    assert any("lopend: 1" in alt for alt in figures)
    # Bookmarks for the chapters, fonts from the repository.
    reader = PdfReader(io.BytesIO(content))
    titles = [item["/Title"] for item in reader.outline if isinstance(item, dict)]
    assert "Samenvatting en kerncijfers" in titles
    fonts = {
        str(font.get("/BaseFont"))
        for page in pdf.pages
        for font in page.Resources.get("/Font", {}).values()
    }
    # Only the fonts bundled in the repository, so every machine gives the same.
    assert fonts and all("Noto-Sans" in name for name in fonts), fonts
    assert_page_furniture_is_artifact_and_headers_have_scope(pdf, reader)


def assert_page_furniture_is_artifact_and_headers_have_scope(pdf, reader):
    """Running header, footer and page numbers are artifacts; every marked
    content sequence belongs to the structure tree; every header cell has a
    scope."""
    elements, stack = set(), [pdf.Root.StructTreeRoot]
    headers = []
    while stack:
        node = stack.pop()
        kids = node.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                elements.add(kid.objgen)
                stack.append(kid)
                if kid.S == "/TH":
                    headers.append(kid)
    assert headers and all(
        h.A.Scope in (pikepdf.Name.Column, pikepdf.Name.Row) for h in headers
    )
    parents = dict(
        zip(
            [int(n) for n in pdf.Root.StructTreeRoot.ParentTree.Nums[0::2]],
            pdf.Root.StructTreeRoot.ParentTree.Nums[1::2],
            strict=True,
        )
    )
    for number, page in enumerate(pdf.pages[1:], start=2):
        marked = parents[int(page.obj.StructParents)]
        tagged, artifacts = [], []
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) == "BDC":
                tagged.append(int(operands[1].MCID))
            elif str(operator) == "BMC" and operands[0] == pikepdf.Name.Artifact:
                artifacts.append(True)
        # Every tagged sequence is an element of the tree...
        assert all(
            isinstance(marked[mcid], pikepdf.Dictionary)
            and marked[mcid].objgen in elements
            for mcid in tagged
        ), number
        assert artifacts, number
        # ...and the page number, drawn in the footer, is in none of them.
        assert f"pagina {number} van" in reader.pages[number - 1].extract_text()


def test_two_renders_give_the_same_content(evaluatie, beleidsmedewerker):
    first = build_report(evaluatie, user=beleidsmedewerker)
    second = build_report(evaluatie, user=beleidsmedewerker)
    assert first.data_sha256 == second.data_sha256

    def content(report):
        text = pdf_text(report_pdf(report, final=False))
        return re.sub(r"Gemaakt op .*", "", text)

    assert content(first) == content(second)


def test_finalising_freezes_the_record_and_its_pdf(client, evaluatie, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("evaluatie:finalise", args=[evaluatie.pk]), {"bevestig": "on"}
    )
    assert response.status_code == 302
    evaluatie.refresh_from_db()
    assert evaluatie.status == EvaluatieStatus.DEFINITIEF
    stored = evaluatie.pdf_sha256
    downloads = [
        client.get(reverse("evaluatie:pdf", args=[evaluatie.pk])).content
        for _ in range(2)
    ]
    assert downloads[0] == downloads[1]
    assert hashlib.sha256(downloads[0]).hexdigest() == stored

    pdf = pikepdf.open(io.BytesIO(downloads[0]))
    assert pdf.open_metadata().get("pdfaid:part") == "3"
    attachments = pdf.attachments
    assert set(attachments) == {"gegevens.json", "acties.csv"}
    assert sorted(str(f.F) for f in pdf.Root.AF) == ["acties.csv", "gegevens.json"]
    meta = pdf.open_metadata()
    assert set(meta["dc:language"]) == {"nl"} and meta["xmp:CreateDate"]
    data = json.loads(attachments["gegevens.json"].get_file().read_bytes())
    report = build_report(evaluatie, user=coordinator)
    assert data == json.loads(json.dumps(report_data(report)))
    assert [a["code"] for a in data["acties"]] == ["1.1", "1.2"]
    assert data["acties"][0]["status"] == "lopend"
    csv_text = attachments["acties.csv"].get_file().read_bytes().decode()
    assert csv_text == "\ufeff" + acties_csv(report)  # with a BOM, for Excel
    assert (
        hashlib.sha256(attachments["gegevens.json"].get_file().read_bytes()).hexdigest()
        == report.data_sha256
    )
    assert report.data_sha256 in flat(pdf_text(downloads[0])).replace(" ", "") or (
        report.data_sha256[:16] in pdf_text(downloads[0])
    )

    # From now on nothing changes: not the record, not its findings, not the file.
    with pytest.raises(ValidationError):
        services.tussenevaluatie_update(
            tussenevaluatie=evaluatie, user=coordinator, reason="x", titel="Anders"
        )
    with pytest.raises(ValidationError):
        services.bevindingen_save(
            tussenevaluatie=evaluatie, teksten={}, user=coordinator, reason="x"
        )
    response = client.post(
        reverse("evaluatie:update", args=[evaluatie.pk]), {"titel": "Anders"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("evaluatie:finalise", args=[evaluatie.pk]), {"bevestig": "on"}
    )
    assert response.status_code == 302
    evaluatie.refresh_from_db()
    assert (evaluatie.titel, evaluatie.pdf_sha256) == ("Tussenevaluatie 2026", stored)
    later = client.get(reverse("evaluatie:pdf", args=[evaluatie.pk])).content
    assert later == downloads[0]


def test_a_tampered_stored_pdf_is_refused_not_served(client, evaluatie, coordinator):
    evaluatie = services.tussenevaluatie_finalise(
        tussenevaluatie=evaluatie, user=coordinator
    )
    path = evaluatie.pdf.path
    with open(path, "ab") as handle:
        handle.write(b"%tampered")
    client.force_login(coordinator)
    response = client.get(reverse("evaluatie:pdf", args=[evaluatie.pk]), follow=True)
    assert response["Content-Type"].startswith("text/html")
    assert "komt niet overeen met de vastgelegde SHA-256" in response.content.decode()


class _Recorder(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):
        type(self).requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"body { background: red }")

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    _Recorder.requests = []
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _Recorder.requests
    server.shutdown()


def hostile(url: str) -> str:
    return (
        f'<img src="{url}/img.png"> <link rel="stylesheet" href="{url}/x.css"> '
        f'<style>body {{ background: url("{url}/bg.png") }}</style> '
        f'<a rel="attachment" href="file:///etc/passwd">x</a> '
        f'<img src="file:///etc/passwd"> url(file:///etc/passwd)'
    )


def test_text_typed_by_people_is_neither_fetched_nor_read(
    listener, evaluatie, beleidsmedewerker
):
    url, requests = listener
    evaluatie.samenvatting = hostile(url)
    evaluatie.save()
    content = report_pdf(build_report(evaluatie, user=beleidsmedewerker), final=True)
    assert requests == []
    text = flat(pdf_text(content))
    assert "<img src=" in text  # shown as text, escaped
    assert "root:x:0:0" not in text
    assert set(pikepdf.open(io.BytesIO(content)).attachments) == {
        "gegevens.json",
        "acties.csv",
    }


def test_the_renderer_refuses_network_and_files_even_in_raw_html(listener):
    url, requests = listener
    html = f"<html lang='nl'><head><title>t</title></head><body>{hostile(url)}</body>"
    html += f"<iframe src='{url}/frame'></iframe><object data='{url}/o'></object>"
    content = render_pdf(html, static_root=static_root(), final=True)
    assert requests == []
    pdf = pikepdf.open(io.BytesIO(content))
    assert list(pdf.attachments) == []  # /etc/passwd was not attached
    assert b"root:x:0:0" not in content


def test_rendering_is_bounded_in_time_and_memory():
    html = "<html><body>" + "<p>tekst</p>" * 20000 + "</body></html>"
    with pytest.raises(PdfRenderError, match="langer dan"):
        render_pdf(html, static_root=static_root(), timeout=0.5)
    with pytest.raises(PdfRenderError, match="geheugen"):
        render_pdf(html, static_root=static_root(), memory_mb=60)


def test_a_failed_render_is_a_clear_message_not_a_500(
    client, evaluatie, griffie, settings
):
    settings.PDF_RENDER_TIMEOUT = 0.01
    client.force_login(griffie)
    response = client.get(reverse("evaluatie:pdf", args=[evaluatie.pk]), follow=True)
    assert response.status_code == 200
    assert "duurde langer dan" in response.content.decode()


def test_export_evaluation_command(tmp_path, evaluatie):
    out = tmp_path / "concept.pdf"
    call_command(
        "export_evaluation",
        programme=evaluatie.programma.slug,
        peildatum="2026-06-30",
        output=str(out),
        stdout=io.StringIO(),
    )
    assert "CONCEPT" in pdf_text(out.read_bytes())
    finals = []
    for name in ("final-1.pdf", "final-2.pdf"):
        call_command(
            "export_evaluation",
            programme=evaluatie.programma.slug,
            peildatum="2026-06-30",
            output=str(tmp_path / name),
            final=True,
            stdout=io.StringIO(),
        )
        finals.append((tmp_path / name).read_bytes())
    assert finals[0] == finals[1]
    evaluatie.refresh_from_db()
    assert hashlib.sha256(finals[0]).hexdigest() == evaluatie.pdf_sha256
    assert Tussenevaluatie.objects.count() == 1
    assert evaluatie.history.first().history_user == system_user()
