"""The roles' permissions on attached documents (DESIGN.md: officers attach to
actions, the griffie to mandates; ``acties.permissions`` holds that rule)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "beleidsmedewerker": [
        "view_document",
        "view_historicaldocument",
        "add_document",
        "change_document",
    ],
    "griffie": [
        "view_document",
        "view_historicaldocument",
        "add_document",
        "change_document",
    ],
    "coordinator": [
        "view_document",
        "view_historicaldocument",
        "add_document",
        "change_document",
        "delete_document",
    ],
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
        ("actieprogramma", "0003_vergadering_permissions"),
        ("acties", "0009_documents"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
