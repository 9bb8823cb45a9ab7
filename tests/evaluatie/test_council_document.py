"""The evaluation of the demo programme read as a griffie member reads it."""

import datetime
import io
import re

import pikepdf
import pytest
from django.core.management import call_command
from pypdf import PdfReader

from evaluatie import services
from evaluatie.report import build_report, report_pdf
from evaluatie.selectors import percentage, report_data
from pijlers.models import Programma


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in reader.pages))


@pytest.fixture
def demo(coordinator):
    call_command("load_programme", "--demo", stdout=io.StringIO())
    evaluatie = services.tussenevaluatie_create(
        programma=Programma.objects.get(),
        titel="Tussenevaluatie 2026",
        peildatum=datetime.date(2026, 11, 30),
        samenvatting="De aanpak ligt op koers.",
        user=coordinator,
        reason="Nieuw",
    )
    return build_report(evaluatie, user=coordinator)


@pytest.fixture
def demo_text(demo):
    return text_of(report_pdf(demo, final=False))


def test_the_mandates_annex_prints_the_register_in_full(demo_text):
    annex = demo_text.split("Bijlage: raadsopdrachten")[-1]
    assert "gratis certificeringsprogramma 'No Room for Sex Trafficking'" in annex
    assert "verplicht gesteld kan worden voor hoteleigenaars" in annex
    assert "Grinwis" in annex and "RIS301821" in annex
    assert "Amendement Amendement" not in demo_text
    # The register's order: decision points I-IV, the amendment, the motion.
    order = [annex.index(k) for k in ("Beslispunt I:", "Beslispunt II:",
             "Beslispunt III:", "Beslispunt IV:", "Amendement bij IV:",
             "Motie H.4:")]  # fmt: skip
    assert order == sorted(order)
    # Decision points are decided, motions adopted.
    assert "Besloten 22 mei 2025" in annex and "Aangenomen 4 april 2019" in annex
    # H.4, settled in 2019, is background, not a result of the programme.
    assert annex.index("eerder afgedane raadsopdrachten") < annex.index("Motie H.4:")


def test_the_overdue_commitment_is_the_first_thing_the_committee_reads(demo_text):
    summary = demo_text.split("Aandachtspunten")[1].split("Kerncijfers")[0]
    assert "Actie 4.2" in summary
    assert "had klaar moeten zijn op 31 dec. 2025" in summary
    assert "Amendement bij IV" in summary
    # The summary comes before the figures.
    assert demo_text.index("De aanpak ligt op koers.") < demo_text.index("Kerncijfers")


def test_example_data_is_unmistakable_and_left_out_of_the_figures(demo, demo_text):
    assert "Dit rapport bevat voorbeeldgegevens" in demo_text
    assert (
        demo_text.count("Bevat voorbeeldgegevens")
        >= len(PdfReader(io.BytesIO(report_pdf(demo, final=False))).pages) - 1
    )  # every page but the cover, in the footer
    real = [a for a in demo.state.acties if not a.voorbeeld]
    assert demo.kerncijfers.acties == len(real) == 4
    assert demo.kerncijfers.voorbeelden == 15
    assert f"Acties {len(real)}" in demo_text
    data = report_data(demo)
    assert data["kerncijfers"]["voorbeeldacties_niet_meegeteld"] == 15
    assert {a["code"]: a["voorbeeld"] for a in data["acties"]}["4.5"] is True


def test_no_file_names_or_application_accounts_in_the_document(demo_text):
    assert ".json" not in demo_text
    assert "Systeem" not in demo_text
    assert "bij de start van de registratie" in demo_text


def test_one_rounding_rule_and_nothing_averaged_over_nothing(demo, demo_text):
    assert percentage(12.5) == 13 and percentage(12.4) == 12
    empty = [lijn for lijn in demo.actielijnen if lijn.echte_acties == 0]
    assert empty and all(lijn.gemiddelde_voortgang is None for lijn in empty)
    assert "n.v.t." in demo_text


def test_short_dates_are_dutch(demo_text):
    assert re.search(r"\b\d{1,2} (okt|dec|jun|mrt)\. 20\d\d", demo_text)
    assert not re.search(r"\b\d{1,2} (Okt|Dec|Mei|Jun|Mrt) 20\d\d", demo_text)


def _pages(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


def test_the_demo_programme_fits_in_fourteen_pages(demo):
    assert _pages(report_pdf(demo, final=False)) <= 14


def test_the_real_programme_fits_in_ten_pages(coordinator):
    call_command("load_programme", stdout=io.StringIO())
    evaluatie = services.tussenevaluatie_create(
        programma=Programma.objects.get(),
        titel="Tussenevaluatie 2026",
        peildatum=datetime.date(2026, 11, 30),
        user=coordinator,
        reason="Nieuw",
    )
    report = build_report(evaluatie, user=coordinator)
    assert report.kerncijfers.voorbeelden == 0
    content = report_pdf(report, final=False)
    assert _pages(content) <= 10
    text = text_of(content)
    assert "voorbeeld" not in text.lower()
    assert "Actie 4.2" in text.split("Aandachtspunten")[1].split("Kerncijfers")[0]


def test_the_cover_and_the_chapters_frame_a_council_document(demo_text):
    cover = demo_text.split("Inhoud")[0]
    assert "Aan de gemeenteraad van Den Haag" in cover
    assert "Van het college van burgemeester en wethouders" in cover
    assert "Versie concept, versie 1" in cover
    assert "Leeswijzer" in demo_text and "Financiën" in demo_text
    # What comes next: decision point III's deadline after the peildatum.
    vervolg = demo_text.split("Vervolg")[-1].split("Bijlage: raadsopdrachten")[0]
    assert "Beslispunt III" in vervolg and "31 december 2026" in vervolg
    # The pillars with their figures, over the real actions.
    assert re.search(r"Pijler 4: In samenwerking uitvoeren .*? \d+ acties?", demo_text)


def test_the_portefeuillehouder_and_kenmerk_appear_when_recorded(coordinator, demo):
    from pijlers import services as pijler_services

    programma = Programma.objects.get()
    pijler_services.programma_update(
        programma=programma,
        portefeuillehouder="wethouder Veiligheid",
        contact="Afdeling Veiligheid, veiligheid@denhaag.nl",
        user=coordinator,
        reason="Voor de rapportage",
    )
    evaluatie = demo.evaluatie
    services.tussenevaluatie_update(
        tussenevaluatie=evaluatie, kenmerk="BSD/2026.123", user=coordinator, reason="r"
    )
    evaluatie.refresh_from_db()
    text = text_of(report_pdf(build_report(evaluatie, user=coordinator), final=False))
    cover = text.split("Inhoud")[0]
    assert "portefeuillehouder wethouder Veiligheid" in cover
    assert "Kenmerk BSD/2026.123" in cover
    assert "Contact Afdeling Veiligheid, veiligheid@denhaag.nl" in cover
    assert "Versie concept, versie 2" in cover  # the evaluation changed once


def test_the_editorial_choices_of_the_loaded_data_are_marked_as_such(demo_text):
    method = demo_text.split("Bijlage: methode en colofon")[-1]
    assert "Verantwoording van de gegevens" in method
    assert "Redactionele keuzes bij het inlezen" in method
    assert "halverwege de looptijd" in method
    assert "Voorbeeldacties (15)" in method


def _real_programme_evaluation(coordinator):
    from django.utils import timezone

    call_command("load_programme", stdout=io.StringIO())
    return services.tussenevaluatie_create(
        programma=Programma.objects.get(),
        titel="Tussenevaluatie 2026",
        # Today: the actions the test adds exist at the peildatum.
        peildatum=timezone.localdate(),
        user=coordinator,
        reason="Nieuw",
    )


def test_many_overdue_actions_make_one_line_of_the_summary(coordinator):
    from acties import services as actie_services
    from pijlers.models import Actielijn

    evaluatie = _real_programme_evaluation(coordinator)
    lijn = Actielijn.objects.get(nummer=3)
    for n in range(1, 10):
        actie_services.actie_create(
            actielijn=lijn,
            code=f"3.{n + 10}",
            titel=f"Extra actie {n}",
            gepland_eind=datetime.date(2026, 6, 30),
            user=coordinator,
            reason="Toegevoegd",
        )
    punten = [
        p
        for p in build_report(evaluatie, user=coordinator).aandachtspunten
        if p.soort == "te laat"
    ]
    # 4.2 and the nine new ones: ten, more than a summary lists one by one.
    assert len(punten) == 1
    assert punten[0].tekst.startswith("10 acties zijn over hun geplande einddatum: ")
    for code in ["4.2", *(f"3.{n + 10}" for n in range(1, 10))]:
        assert code in punten[0].tekst


def test_an_action_an_officer_marked_is_explained_with_its_measurements(
    coordinator, demo
):
    from acties import services as actie_services
    from acties.models import Actie

    actie = Actie.objects.get(code="1.4")  # running, on time, with an indicator
    heading = "1.4 Voorbeeld: Kennisbijeenkomsten voor gemeentelijke professionals"
    assert heading + " (voorbeeld) Status:" not in text_of(
        report_pdf(demo, final=False)
    )
    actie_services.actie_update(
        actie=actie,
        versie=actie.versie,
        toelichten=True,
        user=coordinator,
        reason="Toelichten in de tussenevaluatie",
    )
    assert actie.history.first().history_change_reason == (
        "Toelichten in de tussenevaluatie"
    )
    report = build_report(demo.evaluatie, user=coordinator)
    content = report_pdf(report, final=False)
    text = text_of(content)
    assert heading + " (voorbeeld) Status: lopend" in text
    assert "Doelgroep: " in text.split(heading + " (voorbeeld)")[1]
    # The indicator's measurements as a small chart, described in words.
    (indicator,) = next(
        a for lijn in report.actielijnen for a in lijn.acties if a.state.code == "1.4"
    ).indicatoren
    alt = indicator.grafiek_alt
    assert alt.startswith("Indicator Deelnemers aan kennisbijeenkomsten.")
    assert "Voorbeeldwaarden, geen echte metingen." in alt
    assert "meting 30 jun. 2026: 170" in alt and "streefwaarde" in alt
    pdf = pikepdf.open(io.BytesIO(content))
    alts = [
        str(obj.get("/Alt"))
        for obj in pdf.objects
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/Figure"
    ]
    assert alt in alts


def test_the_commitments_follow_the_mandate_they_are_part_of(demo, demo_text):
    annex = demo_text.split("Bijlage: raadsopdrachten")[-1]  # not the contents
    order = [
        annex.index(kop)
        for kop in (
            "Beslispunt IV:",
            "Amendement bij IV: Certificeringsprogramma",
            "Amendement bij IV, toezegging 1: Het certificeringsprogramma",
            "Amendement bij IV, toezegging 2: In 2025",
            "Toezegging BOW/2019.171: Een betere re-integratie",
        )
    ]
    assert order == sorted(order)
    assert "Toezegging Amendement" not in annex
    tweede = annex.split("Amendement bij IV, toezegging 2: In 2025")[1][:900]
    assert "Onderdeel van Amendement bij IV" in tweede
    assert "Redactionele lezing: het amendement zegt ‘in 2025’" in tweede
    brief = annex.split("Toezegging BOW/2019.171: Een betere")[1][:700]
    assert "Toegezegd 2 juli 2019" in brief
    # The overdue commitment is among the points the committee reads first.
    summary = demo_text.split("Aandachtspunten")[1].split("Kerncijfers")[0]
    assert "Amendement bij IV, toezegging 2 “In 2025" in summary
    assert "de uiterste datum 31 dec. 2025 is verstreken" in summary
