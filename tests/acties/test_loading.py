import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command

from acties.constants import ActieStatus
from acties.models import Actie, Raadsopdracht
from pijlers.models import Programma

pytestmark = pytest.mark.django_db

SLUG = "mensenhandel-2025-2028"


def tracked_models():
    """Every model with audit history (the historical models' originals)."""
    return [
        model
        for model in apps.get_models()
        if hasattr(model, "history") and model._meta.app_label != "simple_history"
    ]


def history_counts():
    return {model._meta.label: model.history.count() for model in tracked_models()}


def load(*args):
    out = io.StringIO()
    call_command("load_programme", *args, stdout=out)
    return out.getvalue()


def test_dumpdata_after_loading_holds_the_seed_documents_records():
    load()
    out = io.StringIO()
    call_command("dumpdata", "pijlers", "acties", stdout=out)
    dump = out.getvalue()
    records = json.loads(dump)
    by_model = {}
    for record in records:
        by_model.setdefault(record["model"], []).append(record["fields"])
    assert len(by_model["pijlers.pijler"]) == 4
    assert len(by_model["pijlers.actielijn"]) == 5
    assert {f["naam"] for f in by_model["pijlers.actielijn"]} == {
        "Kennis en inzicht",
        "Preventie",
        "Signalering en melden",
        "Barrières",
        "Hulp en ondersteuning",
    }
    for text in ["RIS320843", "RIS302261", "H.4", "BOW/2019.171"]:
        assert text in dump
    assert "No Room for Sex Trafficking" in dump

    programma = Programma.objects.get(slug=SLUG)
    assert (programma.ris_nummer, programma.kenmerk) == ("RIS320843", "OCW/10808144")
    assert str(programma.voorgesteld_op) == "2024-12-10"
    assert str(programma.vastgesteld_op) == "2025-05-22"
    assert "een stad zonder uitbuiting" in programma.doelstelling.lower()

    beslispunten = Raadsopdracht.objects.filter(
        ris_nummer="RIS320843", soort="beslispunt"
    )
    assert sorted(beslispunten.values_list("nummer", flat=True)) == [
        "I",
        "II",
        "III",
        "IV",
    ]
    h4 = Raadsopdracht.objects.get(nummer="H.4")
    assert (h4.ris_nummer, h4.indieners, str(h4.datum_aangenomen)) == (
        "RIS302261",
        "Grinwis",
        "2019-04-04",
    )
    assert (h4.status, h4.afdoeningsdocument, str(h4.afgedaan_op)) == (
        "afgedaan",
        "BOW/2019.171",
        "2019-07-02",
    )
    for onderwerp in ["huisvesting", "(om)scholing", "schuldhulpverlening"]:
        assert onderwerp in h4.tekst
    assert h4.acties.get().code == "5.1"

    amendement = Raadsopdracht.objects.get(soort="amendement")
    assert "No Room for Sex Trafficking" in amendement.titel
    assert sorted(amendement.acties.values_list("code", flat=True)) == ["4.1", "4.2"]
    assert Raadsopdracht.objects.get(nummer="III").acties.get().code == "1.1"


def test_loading_twice_changes_nothing():
    load("--demo")
    counts = history_counts()
    dump = io.StringIO()
    call_command("dumpdata", "pijlers", "acties", stdout=dump)
    output = load("--demo")
    assert "nothing to do" in output
    assert history_counts() == counts
    again = io.StringIO()
    call_command("dumpdata", "pijlers", "acties", stdout=again)
    assert again.getvalue() == dump.getvalue()


def test_every_loaded_record_has_a_history_row_naming_its_source():
    load("--demo")
    checked = 0
    for model in tracked_models():
        for pk in model.objects.values_list("pk", flat=True):
            rows = model.history.filter(**{model._meta.pk.attname: pk})
            assert rows.exists(), f"{model._meta.label} {pk} has no history"
            first = rows.earliest("history_date")
            assert first.history_user.username == "systeem"
            assert first.history_change_reason
            checked += 1
    assert checked > 100
    # Baseline rows are dated at their source document, so the state as of the
    # adoption date can be reconstructed.
    h4 = Raadsopdracht.objects.get(nummer="H.4")
    rows = list(h4.history.order_by("history_date"))
    assert [(str(r.history_date.date()), r.status) for r in rows] == [
        ("2019-04-04", "open"),
        ("2019-07-02", "afgedaan"),
    ]
    assert "BOW/2019.171" in rows[1].history_change_reason


def test_demo_data_is_marked_and_fills_every_action_line():
    load("--demo")
    voorbeelden = Actie.objects.filter(is_voorbeeld=True)
    assert voorbeelden.exists()
    for actie in voorbeelden:
        assert actie.titel.startswith("Voorbeeld: ")
        assert "voorbeeld" in actie.omschrijving.lower()
    for actielijn in Programma.objects.get(slug=SLUG).actielijnen.all():
        assert actielijn.acties.count() >= 3, actielijn
    statuses = set(Actie.objects.values_list("status", flat=True))
    assert statuses == set(ActieStatus.values)
    assert not Actie.objects.filter(is_voorbeeld=False, titel__startswith="Voorbeeld")


def test_without_demo_only_real_records_are_loaded():
    load()
    assert not Actie.objects.filter(is_voorbeeld=True).exists()
    assert sorted(Actie.objects.values_list("code", flat=True)) == [
        "1.1",
        "4.1",
        "4.2",
        "5.1",
    ]


def test_loading_never_overwrites_or_revives_what_users_changed(coordinator):
    from acties import services

    load("--demo")
    actie = Actie.objects.get(code="4.2")
    services.actie_update(
        actie=actie,
        versie=actie.versie,
        titel="Aangepast",
        user=coordinator,
        reason="x",
    )
    link = Raadsopdracht.objects.get(nummer="H.4").actie_koppelingen.get(
        actie__code="5.1"
    )
    services.raadsopdracht_actie_unlink(koppeling=link, user=coordinator, reason="y")
    counts = history_counts()

    load("--demo")

    assert Actie.objects.get(code="4.2").titel == "Aangepast"
    assert (
        not Raadsopdracht.objects.get(nummer="H.4").acties.filter(code="5.1").exists()
    )
    assert history_counts() == counts
