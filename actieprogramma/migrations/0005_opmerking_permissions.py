"""Review remarks (acties.Opmerking) in the roles: every role reads, places and
answers them and changes its own (DESIGN.md, "Opmerking"; the rule that one
changes only one's own is in ``acties.permissions``)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = [
    "view_opmerking",
    "view_historicalopmerking",
    "add_opmerking",
    "change_opmerking",
]
GRANTS = {
    "beleidsmedewerker": CODENAMES,
    "griffie": CODENAMES,
    "coordinator": CODENAMES,
}


def _permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(
        content_type__app_label="acties", codename__in=codenames
    )


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations.
    app_config = apps.get_app_config("acties")
    original = getattr(app_config, "models_module", None)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = original
    Group = apps.get_model("auth", "Group")
    for name, codenames in GRANTS.items():
        for group in Group.objects.filter(name=name):
            group.permissions.add(*_permissions(apps, codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, codenames in GRANTS.items():
        for group in Group.objects.filter(name=name):
            group.permissions.remove(*_permissions(apps, codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("actieprogramma", "0004_document_permissions"),
        ("acties", "0010_opmerkingen"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
