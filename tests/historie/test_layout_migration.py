"""A production database of the earlier layout migrates without losing a row.

Before ``historie`` existed, the project's own migrations 0002 to 0004 created
the chain's tables with SQL of their own and guarded every history table; now
``historie/migrations/0001`` takes the tables over and each app guards its own
tables. This builds a database with the code as it was (the commit below,
taken from this repository's history), loads the demo programme with its
history, writes through the purge procedure, and then migrates it with the
code of today: every table keeps its rows, the chain verifies, and the history
is still append-only.
"""

import os
import subprocess
import sys
import tarfile
import tempfile
from importlib import import_module
from io import BytesIO
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
# main before the ground-floor apps: the layout every existing database has.
EARLIER_LAYOUT = "0c7e991088efd2a6050b4b9c89b3a03b3e653a7f"

# What ``migrate`` itself adds, and only that: the new migrations' records, and
# the content types and permissions of historie's two models.
# Tables of models added after the earlier checkout (the meetings, issue 17).
LATER_TABLES = {
    "acties_vergadering",
    "acties_historicalvergadering",
    "acties_document",
    "acties_historicaldocument",
    "acties_opmerking",
    "acties_historicalopmerking",
    # The job queue and the e-mail notices: operational rows, not tracked.
    "taken_taak",
    "meldingen_bericht",
    "meldingen_meldingsvoorkeur",
    # Personal API tokens, with their history.
    "beveiliging_apitoken",
    "beveiliging_historicalapitoken",
}
BOOKKEEPING = {
    "django_migrations",
    "django_content_type",
    "auth_permission",
    "auth_group_permissions",
}


def _earlier_checkout(into: Path) -> Path:
    archive = subprocess.run(  # noqa: S603 - fixed arguments
        # git from PATH, as a developer runs it.
        ["git", "archive", "--format=tar", EARLIER_LAYOUT],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        pytest.fail(
            "This test needs the repository's history (a full clone) to build "
            f"the earlier layout: {archive.stderr.decode().strip()}"
        )
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    return into


def _manage(cwd: Path, url: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # manage.py's own
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def _counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "ORDER BY tablename"
            )
        ]
        return {
            table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for table in tables
        }


@pytest.fixture
def scratch_database():
    settings = connection.settings_dict
    name = f"{settings['NAME']}_layout"
    server = psycopg.conninfo.make_conninfo(
        dbname="postgres",
        host=settings["HOST"] or "",
        port=str(settings["PORT"] or ""),
        user=settings["USER"] or "",
        password=settings["PASSWORD"] or "",
    )
    url = (
        f"postgres://{settings['USER'] or ''}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{name}"
    )
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield url
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgresql
def test_a_database_of_the_earlier_layout_migrates_with_every_row(scratch_database):
    url = scratch_database
    with tempfile.TemporaryDirectory() as tmp:
        earlier = _earlier_checkout(Path(tmp))
        _manage(earlier, url, "migrate", "--no-input")
        _manage(earlier, url, "load_programme", "--demo")
        with psycopg.connect(url) as conn:  # one logged purge, as an operator would
            conn.execute(
                "SET LOCAL actieprogramma.history_purge_reason = 'AVG-verzoek 12'"
            )
            conn.execute(
                "UPDATE acties_historicalactie SET history_change_reason = "
                "'[verwijderd]' WHERE history_id = (SELECT min(history_id) "
                "FROM acties_historicalactie)"
            )
        before = _counts(url)

    assert before["history_chain_layout"] > 0
    assert before["history_purge_log"] == 1
    assert before["acties_historicalactie"] > 0

    _manage(ROOT, url, "migrate", "--no-input")
    after = _counts(url)

    # No table disappears; the tables of models added since then appear, empty.
    assert set(after) - set(before) == LATER_TABLES
    assert set(before) <= set(after)
    assert all(after[t] == 0 for t in LATER_TABLES)
    assert {t: n for t, n in after.items() if t not in BOOKKEEPING | LATER_TABLES} == {
        t: n for t, n in before.items() if t not in BOOKKEEPING
    }
    granted = [
        import_module(f"actieprogramma.migrations.{name}")
        for name in (
            "0003_vergadering_permissions",
            "0004_document_permissions",
            "0005_opmerking_permissions",
            "0006_api_token_permissions",
        )
    ]
    assert after["auth_group_permissions"] == before["auth_group_permissions"] + sum(
        len(codenames) for m in granted for codenames in m.GRANTS.values()
    )
    # The layout's two models and the later ones, each with four permissions,
    # and revoking anyone's API token.
    models = 2 + len(LATER_TABLES)
    assert after["django_content_type"] == before["django_content_type"] + models
    assert after["auth_permission"] == before["auth_permission"] + models * 4 + 1

    report = _manage(ROOT, url, "verify_history")
    assert "BROKEN" not in report
    assert "acties_historicalactie" in report

    with psycopg.connect(url) as conn:
        applied = {
            (app, name)
            for app, name in conn.execute("SELECT app, name FROM django_migrations")
        }
        assert ("historie", "0001_initial") in applied
        assert ("acties", "0005_protect_history") in applied
        # Still append-only: the triggers came through (or were put back).
        for table in ("acties_historicalactie", "history_chain_layout"):
            with (
                pytest.raises(psycopg.errors.InsufficientPrivilege),
                conn.transaction(),
            ):
                conn.execute(f"DELETE FROM {table}")
        with (
            pytest.raises(psycopg.errors.InsufficientPrivilege),
            conn.transaction(),
        ):
            conn.execute("DELETE FROM history_purge_log")
