"""Settings come from the environment; production refuses to start unsafe."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_check(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    clean.pop("ALLOWED_HOSTS", None)
    clean.pop("DATABASE_URL", None)
    clean.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django;django.setup();"
            "from django.conf import settings;"
            "print(settings.DEBUG, settings.DATABASES['default']['ENGINE'])",
        ],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "actieprogramma.settings"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_no_environment_means_development_on_sqlite(tmp_path):
    result = run_check(VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3"]


def test_production_without_secret_key_refuses_to_start():
    result = run_check(DEBUG="false", ALLOWED_HOSTS="example.nl")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    result = run_check(DEBUG="false", SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set when DEBUG is off" in result.stderr


def test_database_url_selects_postgresql():
    result = run_check(
        DEBUG="false",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="example.nl",
        DATABASE_URL="postgres://u@db.example:5432/app",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "django.db.backends.postgresql"]


def test_unreadable_boolean_is_an_error_not_a_guess():
    result = run_check(DEBUG="misschien")
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr
