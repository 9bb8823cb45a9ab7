"""A whole programme as open data, and back: export, import, export again."""

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from acties import services
from acties.models import Actie
from acties.opendata import export_programme, to_csv_zip, to_json
from historie.records import system_user
from pijlers.models import Programma

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SLUG = "mensenhandel-2025-2028"


@pytest.fixture
def programme():
    call_command("load_programme", "--demo", stdout=io.StringIO())
    actie = Actie.objects.filter(programma__slug=SLUG).order_by("code").first()
    # Text a spreadsheet would run as a formula, and a budget, both must survive.
    services.actie_update(
        actie=actie, versie=None, user=system_user(), reason="Testgegevens",
        titel="=SOM(A1:A9) is geen formule", budget="1250.50",
    )  # fmt: skip
    return Programma.objects.get(slug=SLUG)


def manage(env, *args):
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


def test_export_import_into_an_empty_instance_and_export_again_is_identical(
    programme, tmp_path
):
    data = export_programme(programme, intern=True)
    first_json, first_zip = to_json(data), to_csv_zip(data)
    (tmp_path / "export.json").write_bytes(first_json)

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        VAR_DIR=str(tmp_path / "leeg"), DJANGO_SETTINGS_MODULE="actieprogramma.settings"
    )
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "import_programme", str(tmp_path / "export.json"))
    for suffix in ("json", "zip"):
        manage(env, "export_programme", "--programme", SLUG, "--intern",
               "--output", str(tmp_path / f"again.{suffix}"))  # fmt: skip

    assert (tmp_path / "again.json").read_bytes() == first_json
    assert (tmp_path / "again.zip").read_bytes() == first_zip
    kinds = ("acties", "voortgangsupdates", "indicatoren", "metingen",
             "raadsopdrachten", "koppelingen")  # fmt: skip
    assert [len(data[kind]) for kind in kinds] == [19, 17, 5, 11, 9, 9]


def test_identifiers_are_stable_keys_not_database_ids(programme):
    data = export_programme(programme)
    assert data["programma"]["id"] == SLUG
    assert data["acties"][0]["id"] == f"{SLUG}/actie/{data['acties'][0]['code']}"
    assert {r["id"] for r in data["raadsopdrachten"]} >= {"raadsopdracht/H.4"}
    text = to_json(data).decode()
    for actie in Actie.objects.all():
        assert f'"id": {actie.pk}' not in text


def test_the_public_export_has_no_budget_the_internal_one_has(programme):
    public = export_programme(programme)
    internal = export_programme(programme, intern=True)
    assert all("budget" not in row for row in public["acties"])
    assert "1250.50" in {row["budget"] for row in internal["acties"]}
    with zipfile.ZipFile(io.BytesIO(to_csv_zip(public))) as archive:
        assert "budget" not in archive.read("acties.csv").decode().splitlines()[0]


def test_csv_cells_cannot_run_as_formulas(programme):
    with zipfile.ZipFile(
        io.BytesIO(to_csv_zip(export_programme(programme)))
    ) as archive:
        assert sorted(archive.namelist()) == sorted(
            f"{kind}.csv" for kind in ["programma", "pijlers", "actielijnen",
            "organisaties", "acties", "voortgangsupdates", "indicatoren", "metingen",
            "raadsopdrachten", "koppelingen"]
        )  # fmt: skip
        acties = archive.read("acties.csv").decode()
    assert ",'=SOM(A1:A9) is geen formule," in acties


def test_importing_an_existing_programme_is_refused(programme):
    data = json.loads(to_json(export_programme(programme)))
    with pytest.raises(ValueError, match="bestaat al"):
        from acties.opendata import import_programme

        import_programme(data, user=system_user(), reason="Opnieuw")


@pytest.mark.parametrize("fmt", ["json", "zip"])
def test_signed_in_users_download_the_full_export(client, griffie, programme, fmt):
    client.force_login(griffie)
    response = client.get(reverse("acties:programma-export", args=[programme.pk, fmt]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{SLUG}-intern.{fmt}"'
    )
    if fmt == "json":
        assert json.loads(response.content)["acties"][0]["code"]


def test_the_export_needs_a_sign_in(client, programme):
    response = client.get(
        reverse("acties:programma-export", args=[programme.pk, "json"])
    )
    assert response.status_code == 302


def test_an_export_the_rules_refuse_is_a_command_error_and_imports_nothing(
    programme, tmp_path
):
    from django.core.management import CommandError

    data = json.loads(to_json(export_programme(programme, intern=True)))
    data["programma"]["slug"] = "een-ander-programma"
    data["acties"][0]["omschrijving"] = "x" * 20_001
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    before = Programma.objects.count()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_programme", str(path), stdout=io.StringIO())
    assert Programma.objects.count() == before
