"""Single sign-on is configured by the environment, and refuses half a configuration."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

COMPLETE = {
    "OIDC_RP_CLIENT_ID": "actieprogramma",
    "OIDC_RP_CLIENT_SECRET": "geheim",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idp.example/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://idp.example/token",
    "OIDC_OP_USER_ENDPOINT": "https://idp.example/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://idp.example/keys",
    "OIDC_ROLE_MAP": "ap-beleid:beleidsmedewerker,urn:x:ap-coord:coordinator",
}


def settings_with(tmp_path, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}
    clean.update(
        VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="actieprogramma.settings"
    )
    clean.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django;django.setup();"
            "from django.conf import settings as s;"
            "print(s.OIDC_ENABLED, s.OIDC_ROLE_MAP, s.AUTHENTICATION_BACKENDS[-1])",
        ],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_without_a_client_id_single_sign_on_is_off(tmp_path):
    result = settings_with(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("False {}")
    assert "oidc" not in result.stdout


def test_a_complete_configuration_switches_it_on(tmp_path):
    result = settings_with(tmp_path, **COMPLETE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(" ", 1)[0] == "True"
    assert "'urn:x:ap-coord': 'coordinator'" in result.stdout
    assert result.stdout.strip().endswith("beveiliging.oidc.RoleMappingOIDCBackend")


def test_half_a_configuration_refuses_to_start(tmp_path):
    env = {**COMPLETE, "OIDC_OP_TOKEN_ENDPOINT": "", "OIDC_ROLE_MAP": ""}
    result = settings_with(tmp_path, **env)
    assert result.returncode != 0
    assert "OIDC_OP_TOKEN_ENDPOINT, OIDC_ROLE_MAP" in result.stderr


def test_a_role_map_without_roles_is_an_error(tmp_path):
    result = settings_with(tmp_path, **{**COMPLETE, "OIDC_ROLE_MAP": "ap-beleid"})
    assert result.returncode != 0
    assert "OIDC_ROLE_MAP needs claim-value:role pairs" in result.stderr
