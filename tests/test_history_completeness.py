"""Every write path leaves history with a user and a reason.

Two guards: the code never writes tracked tables around django-simple-history
(no QuerySet.update(), bulk_update(), bulk_create() or raw SQL), and after
exercising the write paths (loading, the application's forms, the admin)
every history row names a user and a reason.
"""

import ast
import io
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.urls import reverse

from acties.forms import ActieForm
from acties.models import Actie
from historie.records import tracked_models

ROOT = Path(__file__).resolve().parent.parent
# The project's own apps, from the settings: an app added later is guarded too.
APPS = sorted(
    {
        config.name.split(".")[0]
        for config in django_apps.get_app_configs()
        if Path(config.path).resolve().parent == ROOT
    }
)

# QuerySet.delete() sends the deletion signals, but its history rows carry no
# reason; deletes go through delete_with_history.
QUERYSET_WRITES = {"update", "bulk_update", "bulk_create", "delete"}
RAW_SQL = {"raw", "extra", "execute", "executemany", "RawSQL"}
# Reads only, each with its reason.
ALLOWED = {
    ("actieprogramma/views.py", "execute"): "the health check's SELECT 1",
    ("historie/cache.py", "execute"): "reads the newest id of each history table",
    ("historie/chain.py", "execute"): (
        "takes the hash chain's advisory lock and reads the purge log (no "
        "tracked table)"
    ),
    ("historie/operations.py", "execute"): (
        "the migration operation that indexes, seals (the one UPDATE of history "
        "rows outside the logged purge, written to the purge log) and protects "
        "a history table"
    ),
    ("actieprogramma/backup.py", "execute"): (
        "sets the export's isolation level; after a restore, resets sequences"
    ),
}
# Models without history (accounts, groups, second-factor devices): a query
# that starts from one of them writes no tracked table.
UNTRACKED = {model.__name__ for model in django_apps.get_models()} - {
    model.__name__ for model in tracked_models()
}
QUERYSET_HINTS = (".objects", ".history", "_base_manager", ".filter(", ".exclude(",
                  ".all(", "_set.")  # fmt: skip


def forbidden_calls(source: str, filename: str) -> list[str]:
    """Calls that would write tracked tables without history, as 'file:line'."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if (filename, name) in ALLOWED:
            continue
        if name in RAW_SQL:
            found.append(f"{filename}:{node.lineno} {name}()")
        elif name in QUERYSET_WRITES and isinstance(func, ast.Attribute):
            receiver = ast.unparse(func.value)
            if receiver.split(".")[0] in UNTRACKED:
                continue
            if any(hint in receiver + "." for hint in QUERYSET_HINTS):
                found.append(f"{filename}:{node.lineno} {receiver}.{name}()")
    return found


def project_sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), path.read_text()


def test_the_guard_looks_at_every_app_of_the_project():
    # Every package at the top of the checkout that is a Django app.
    assert set(APPS) == {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert {"historie", "beveiliging", "pijlers", "acties"} <= set(APPS)


def test_the_checker_catches_each_way_around_history():
    planted = """
Actie.objects.filter(status="gepland").update(status="lopend")
Actie.objects.bulk_update(acties, ["status"])
Meting.objects.bulk_create(metingen)
actie.raadsopdracht_koppelingen.all().update(toelichting="")
Voortgangsupdate.objects.filter(actie=actie).delete()
Actie.objects.raw("UPDATE acties_actie SET voortgang = 0")
cursor.execute("DELETE FROM acties_actie")
context.update(form=form)  # a dict: fine
Group.objects.filter(name="oud").delete()  # no history: fine
"""
    found = forbidden_calls(planted, "planted.py")
    assert len(found) == 7, found
    assert not any("context.update" in f or "Group." in f for f in found)


def test_no_code_writes_tracked_tables_around_the_history():
    found = [
        problem
        for filename, source in project_sources()
        for problem in forbidden_calls(source, filename)
    ]
    assert found == []


@pytest.mark.django_db
def test_every_history_row_names_a_user_and_a_reason(client, beleidsmedewerker):
    call_command("load_programme", "--demo", stdout=io.StringIO())
    actie = Actie.objects.order_by("pk").first()
    client.force_login(beleidsmedewerker)
    response = client.post(
        reverse("acties:actie-update", args=[actie.pk]),
        {
            "actielijn": actie.actielijn_id,
            "code": actie.code,
            "titel": "Nieuwe titel",
            "status": "lopend",
            "voortgang": 10,
            "basis": ActieForm(instance=actie).snapshot(),
            "reden": "Gestart",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("acties:voortgangsupdate-create", args=[actie.pk]),
        {"datum": "2026-01-05", "tekst": "Eerste overleg gehouden."},
    )
    assert response.status_code == 302

    checked = 0
    for model in tracked_models():
        for row in model.history.all():
            assert row.history_user_id is not None, (model, row.pk)
            assert (row.history_change_reason or "").strip(), (model, row.pk)
            checked += 1
    assert checked > 100


def test_the_change_log_shows_every_tracked_model_that_says_how():
    """The change log's kinds come from the models (``change_log=``); a new
    tracked model is in it unless it opts out, which only these do."""
    from actieprogramma.selectors import KINDS

    opted_out = {
        # The role policy: its own page shows its history, and each change is
        # in the security log; the programme's change log is the programme's.
        "beveiliging.Rolbeleid",
        # API tokens: their page shows them, each change is in the security
        # log; they are a person's keys, not the programme's records.
        "beveiliging.ApiToken",
    }
    assert {kind.model for kind in KINDS} == {
        model for model in tracked_models() if model.change_log is not None
    }
    assert {
        model._meta.label for model in tracked_models() if model.change_log is None
    } == opted_out
