"""The three role groups carry exactly the permissions of the design's table."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

V, A, C, D = "view", "add", "change", "delete"

RECORDS = {
    "pijlers": ["programma", "pijler", "actielijn", "actielijnpijler"],
    "acties": [
        "organisatie",
        "actie",
        "actiepartner",
        "voortgangsupdate",
        "indicator",
        "meting",
        "raadsopdracht",
        "raadsopdrachtactie",
        "vergadering",
        "document",
        "opmerking",
    ],
    "evaluatie": ["tussenevaluatie", "bevinding"],
}

# DESIGN.md, "Permissions in detail", one row per record; every role also views
# every record and its history, and nobody may add, change or delete history.
DESIGN = {
    "beleidsmedewerker": {
        "acties.actie": {A, C},
        "acties.actiepartner": {A, D},
        "acties.voortgangsupdate": {A, C},
        "acties.indicator": {A, C},
        "acties.meting": {A, C},
        "acties.organisatie": {A, C},
        "acties.raadsopdracht": {"propose_settlement"},
        "acties.raadsopdrachtactie": {A, D},
        # Attach to actions only (acties.permissions.can_attach).
        "acties.document": {A, C},
        # Change only one's own (acties.permissions.can_change_remark).
        "acties.opmerking": {A, C},
        "evaluatie.tussenevaluatie": {A, C},
        "evaluatie.bevinding": {A, C},
        # One's own API tokens (the token pages keep to one's own).
        "beveiliging.apitoken": {V, A, C},
    },
    "griffie": {
        "acties.raadsopdracht": {A, C, "settle"},
        "acties.raadsopdrachtactie": {A, D},
        "acties.vergadering": {A, C},
        # Attach to mandates only (acties.permissions.can_attach).
        "acties.document": {A, C},
        "acties.opmerking": {A, C},
        "beveiliging.apitoken": {V, A, C},
    },
    "coordinator": {
        "pijlers.programma": {A, C, D},
        "pijlers.pijler": {A, C, D},
        "pijlers.actielijn": {A, C, D},
        "pijlers.actielijnpijler": {A, D},
        "acties.actie": {A, C, D},
        "acties.actiepartner": {A, D},
        "acties.voortgangsupdate": {A, C, D},
        "acties.indicator": {A, C, D},
        "acties.meting": {A, C, D},
        "acties.organisatie": {A, C, D},
        "acties.raadsopdracht": {A, C, D, "propose_settlement", "settle"},
        "acties.raadsopdrachtactie": {A, D},
        "acties.vergadering": {A, C, D},
        "acties.document": {A, C, D},
        "acties.opmerking": {A, C},
        "evaluatie.tussenevaluatie": {A, C, "finalise"},
        "evaluatie.bevinding": {A, C},
        # Requiring a second factor per role (beveiliging's 0002 migration).
        "beveiliging.rolbeleid": {"manage"},
        # Own tokens, and revoking anyone's (DESIGN.md, "API token").
        "beveiliging.apitoken": {V, A, C, "revoke_any"},
    },
}


def expected(role: str) -> set[str]:
    perms = set()
    for app, models in RECORDS.items():
        for model in models:
            perms.add(f"{app}.view_{model}")
            perms.add(f"{app}.view_historical{model}")
    for record, actions in DESIGN[role].items():
        app, model = record.split(".")
        perms |= {f"{app}.{action}_{model}" for action in actions}
    return perms


def actual(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


@pytest.mark.parametrize("role", sorted(DESIGN))
def test_group_has_exactly_the_designed_permissions(role):
    assert actual(role) == expected(role)


def test_no_role_may_write_history_or_manage_users():
    for role in DESIGN:
        for perm in actual(role):
            app, codename = perm.split(".")
            assert not (
                codename.startswith(("add_", "change_", "delete_"))
                and ("historical" in codename)
            ), perm
            assert app in RECORDS or perm in expected(role), perm


def test_griffie_may_not_write_actions():
    perms = actual("griffie")
    for action in (A, C, D):
        assert f"acties.{action}_actie" not in perms
        assert f"acties.{action}_voortgangsupdate" not in perms


def test_create_user_gives_the_role_and_reads_the_password_from_env(monkeypatch):
    monkeypatch.setenv("DJANGO_USER_PASSWORD", "een-lang-en-sterk-wachtwoord")
    out = io.StringIO()
    call_command("create_user", "anna", "--role", "coordinator", stdout=out)
    anna = get_user_model().objects.get(username="anna")
    assert anna.check_password("een-lang-en-sterk-wachtwoord")
    assert list(anna.groups.values_list("name", flat=True)) == ["coordinator"]
    assert anna.is_staff  # coordinators manage the structure in the admin
    assert anna.has_perm("pijlers.change_actielijn")

    call_command("create_user", "gert", "--role", "griffie", stdout=out)
    gert = get_user_model().objects.get(username="gert")
    assert not gert.is_staff
    assert gert.has_perm("acties.settle_raadsopdracht")
    assert not gert.has_perm("acties.change_actie")


def test_create_user_refuses_without_password_or_with_weak_one(monkeypatch):
    monkeypatch.delenv("DJANGO_USER_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="DJANGO_USER_PASSWORD"):
        call_command("create_user", "anna", "--role", "griffie")
    monkeypatch.setenv("DJANGO_USER_PASSWORD", "kort")
    with pytest.raises(CommandError):
        call_command("create_user", "anna", "--role", "griffie")
    assert not get_user_model().objects.filter(username="anna").exists()


def test_create_user_refuses_unknown_role_and_existing_name(monkeypatch):
    monkeypatch.setenv("DJANGO_USER_PASSWORD", "een-lang-en-sterk-wachtwoord")
    with pytest.raises(CommandError):
        call_command("create_user", "anna", "--role", "wethouder")
    call_command("create_user", "anna", "--role", "griffie", stdout=io.StringIO())
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_user", "anna", "--role", "coordinator")


def test_demo_users_get_fresh_printed_passwords_in_debug_only(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("create_demo_users", stdout=out)
    users = get_user_model().objects.filter(username__startswith="demo-")
    assert users.count() == 3
    for user in users:
        line = next(
            line for line in out.getvalue().splitlines() if user.username in line
        )
        password = line.split()[-1]
        assert user.check_password(password)
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("create_demo_users")
