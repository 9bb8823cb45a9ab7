"""Backup and restore: export_all writes everything, import_all puts it back.

The round trip runs on the test database itself: export, empty it as a new
migrated database would be, restore, and export again; the two files must be
the same bytes, and the restored history must verify.
"""

import collections
import datetime
import hashlib
import importlib
import io
import json
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from actieprogramma.backup import exported_models
from acties import services as acties_services
from acties.models import Actie, Document, Organisatie
from evaluatie import report
from evaluatie import services as evaluatie_services
from evaluatie.models import Tussenevaluatie
from historie.chain import LAYOUT_TABLE
from historie.records import system_user, tracked_models
from pijlers.models import Programma
from tests.documents import pdf_bytes, upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SLUG = "mensenhandel-2025-2028"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def export_all(path) -> str:
    out = io.StringIO()
    call_command("export_all", output=str(path), stdout=out)
    return out.getvalue()


def import_all(path) -> str:
    out = io.StringIO()
    call_command("import_all", str(path), stdout=out)
    return out.getvalue()


def as_newly_migrated() -> None:
    """Empty the database, leaving what ``migrate`` creates: types, roles.

    The roles get other ids than they had, as they may in a new database.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Check the test's deferred foreign keys now: TRUNCATE refuses a
            # table with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    with connection.cursor() as cursor:  # not a model's table: flush leaves it
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {LAYOUT_TABLE}, history_purge_log")
        else:
            cursor.execute(f"DELETE FROM {LAYOUT_TABLE}")
    placeholder = Group.objects.create(name="eerder aangemaakt")
    roles = importlib.import_module("actieprogramma.migrations.0001_roles")
    roles.sync_groups(apps, None)
    placeholder.delete()


@pytest.fixture
def register(beleidsmedewerker, coordinator, monkeypatch):
    """The demo programme, edited by people, with a final evaluation.

    The evaluation's PDF is a stand-in: rendering the real one takes seconds
    and is tested in tests/evaluatie; here only its bytes matter.
    """
    monkeypatch.setattr(
        report, "report_pdf", lambda data, final: b"%PDF-1.7\n% stand-in\n"
    )
    call_command("load_programme", "--demo", stdout=io.StringIO())
    actie = Actie.objects.order_by("pk").first()
    acties_services.actie_update(
        actie=actie,
        versie=actie.versie,
        user=beleidsmedewerker,
        reason="Partners en budget bijgewerkt",
        partners=Organisatie.objects.order_by("pk")[:2],
        budget=Decimal("12500.50"),
        status="lopend",
        voortgang=35,
    )
    acties_services.voortgangsupdate_create(
        actie=actie,
        user=beleidsmedewerker,
        datum=datetime.date(2026, 2, 1),
        tekst="Eerste bijeenkomst gehouden; 'No Room' besproken.",
    )
    acties_services.document_add(
        record=actie,
        upload=upload("Plan van aanpak.pdf", pdf_bytes("Plan van aanpak")),
        titel="Plan van aanpak",
        user=beleidsmedewerker,
    )
    evaluatie = evaluatie_services.tussenevaluatie_create(
        programma=Programma.objects.get(slug=SLUG),
        titel="Tussenevaluatie 2025",
        peildatum=datetime.date(2025, 12, 31),
        samenvatting="Op koers.",
        conclusies="Goed begonnen.",
        aanbevelingen="Doorgaan.",
        user=coordinator,
        reason="Concept gestart",
    )
    evaluatie_services.bevindingen_save(
        tussenevaluatie=evaluatie,
        teksten={
            ("pijler", p.pk): "Bevinding." for p in evaluatie.programma.pijlers.all()
        },
        user=coordinator,
        reason="Bevindingen",
    )
    evaluatie = evaluatie_services.tussenevaluatie_finalise(
        tussenevaluatie=evaluatie, user=coordinator
    )
    if apps.is_installed("django_otp.plugins.otp_totp"):
        apps.get_model("otp_totp", "TOTPDevice").objects.create(
            user=coordinator, name="telefoon", confirmed=True
        )
    LogEntry.objects.log_actions(
        user_id=coordinator.pk,
        queryset=[actie],
        action_flag=CHANGE,
        change_message="Gewijzigd in het beheer",
    )
    return evaluatie


def test_export_restore_export_gives_the_same_bytes(register, media, tmp_path):
    first, second = tmp_path / "eerste.json", tmp_path / "tweede.json"
    output = export_all(first)
    assert "and 2 files" in output  # the final PDF and the attached document
    pdf = register.pdf.name
    pdf_bytes = (media / pdf).read_bytes()
    document = Document.objects.get()
    document_bytes = (media / document.bestand.name).read_bytes()
    history_rows = {
        model: model.history.model.objects.count() for model in tracked_models()
    }

    as_newly_migrated()
    (media / pdf).unlink()
    (media / document.bestand.name).unlink()
    assert not Actie.objects.exists()
    output = import_all(first)
    export_all(second)

    assert "The history hash chain verifies." in output
    assert first.read_bytes() == second.read_bytes()
    # No history rows were written by the restore itself.
    for model, count in history_rows.items():
        assert model.history.model.objects.count() == count, model
    # The final PDF is back, byte for byte, under its own name.
    assert (media / pdf).read_bytes() == pdf_bytes
    assert (media / document.bestand.name).read_bytes() == document_bytes
    assert hashlib.sha256(document_bytes).hexdigest() == document.sha256
    restored = Tussenevaluatie.objects.get(pk=register.pk)
    assert evaluatie_services.stored_pdf(restored) == pdf_bytes
    call_command("verify_history", stdout=io.StringIO())


def test_the_export_holds_everything_a_restore_needs(register, tmp_path):
    path = tmp_path / "export.json"
    export_all(path)
    data = json.loads(path.read_text())

    exported = collections.Counter(obj["model"] for obj in data["objects"])
    assert {"auth.group", "auth.user", "admin.logentry"} <= set(exported)
    if apps.is_installed("django_otp.plugins.otp_totp"):
        assert exported["otp_totp.totpdevice"] == 1
    for model in exported_models():
        assert exported[model._meta.label_lower] == model._base_manager.count()
    for model in tracked_models():
        assert model.history.model in exported_models()
    # Microseconds survive (dumpdata would round them, breaking the hashes).
    row = next(o for o in data["objects"] if o["model"] == "acties.historicalactie")
    assert datetime.datetime.fromisoformat(row["fields"]["history_date"])
    assert "history_hash" in row["fields"]
    assert any(
        re.search(r"T\d\d:\d\d:\d\d\.\d{6}", obj["fields"]["history_date"])
        for obj in data["objects"]
        if "history_date" in obj["fields"]
    )
    # Permissions by natural key; users and groups keep their ids.
    group = next(o for o in data["objects"] if o["model"] == "auth.group")
    assert "pk" in group
    assert all(
        len(key) == 3 and all(isinstance(part, str) for part in key)
        for key in group["fields"]["permissions"]
    )
    assert all("pk" in o for o in data["objects"] if o["model"] == "auth.user")
    files = {f["name"]: f["sha256"] for f in data["files"]}
    document = Document.objects.get()
    assert files == {
        register.pdf.name: register.pdf_sha256,
        document.bestand.name: document.sha256,
    }


def test_a_restored_database_goes_on_with_the_chain(register, tmp_path):
    path = tmp_path / "export.json"
    export_all(path)
    as_newly_migrated()
    import_all(path)

    actie = Actie.objects.order_by("pk").last()
    acties_services.actie_update(
        actie=actie,
        versie=actie.versie,
        user=system_user(),
        reason="Na het terugzetten",
        titel="Verder na herstel",
    )

    out = io.StringIO()
    call_command("verify_history", stdout=out)  # CommandError if the chain broke
    assert "history tables verified" in out.getvalue()
    assert actie.history.first().history_change_reason == "Na het terugzetten"


@pytest.mark.postgresql
def test_purged_history_restores_with_its_log_and_verifies(register, tmp_path):
    table = Actie.history.model._meta.db_table
    oldest = Actie.history.model.objects.order_by("history_id")[:3]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('actieprogramma.history_purge_reason', %s, true)",
            ["Per ongeluk ingevoerde persoonsgegevens (besluit B/2031.2)"],
        )
        cursor.execute(
            f"DELETE FROM {table} WHERE history_id = ANY(%s)",
            [[row.history_id for row in oldest]],
        )
    first, second = tmp_path / "eerste.json", tmp_path / "tweede.json"
    export_all(first)
    as_newly_migrated()

    import_all(first)
    export_all(second)

    assert first.read_bytes() == second.read_bytes()
    out = io.StringIO()
    call_command("verify_history", stdout=out)
    assert f"{table}: " in out.getvalue()
    assert "3 purged" in out.getvalue()


def test_import_refuses_a_database_that_is_not_empty(register, tmp_path):
    path = tmp_path / "export.json"
    export_all(path)
    with pytest.raises(CommandError, match="not empty"):
        import_all(path)


def test_import_refuses_a_changed_file(register, tmp_path):
    path = tmp_path / "export.json"
    export_all(path)
    text = path.read_text()
    # Someone removes the last history row of a table from the backup.
    lines = text.splitlines(keepends=True)
    last_meting = max(
        i
        for i, line in enumerate(lines)
        if '"model": "acties.historicalmeting"' in line
    )
    del lines[last_meting]
    path.write_text("".join(lines))
    as_newly_migrated()

    with pytest.raises(CommandError, match="incomplete or was changed"):
        import_all(path)
    assert not Actie.objects.exists()


def test_export_refuses_when_a_final_pdf_is_missing(register, media, tmp_path):
    (media / register.pdf.name).unlink()
    with pytest.raises(CommandError, match="missing from storage"):
        export_all(tmp_path / "export.json")
    assert not (tmp_path / "export.json").exists()


def test_the_export_is_read_with_natural_keys_by_loaddata(register, tmp_path):
    """The objects alone are a fixture that loaddata can read (docs/operations.md)."""
    path = tmp_path / "export.json"
    export_all(path)
    fixture = tmp_path / "records.json"
    fixture.write_text(json.dumps(json.loads(path.read_text())["objects"]))
    before = UserFactory._meta.model.objects.count()
    as_newly_migrated()
    Group.objects.all().delete()  # as the documentation says, before loaddata

    call_command("loaddata", str(fixture), stdout=io.StringIO())

    assert UserFactory._meta.model.objects.count() == before
    assert Actie.objects.exists()
    call_command("verify_history", stdout=io.StringIO())
