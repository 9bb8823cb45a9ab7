"""Coordinators may set the role policy (beveiliging's Rolbeleid).

Here, beside the roles of 0001, rather than in beveiliging: the ground floor
does not depend on the project's migrations. Databases that got the permission
from beveiliging's earlier migration pass through this unchanged.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE = "coordinator"
PERMISSION = "manage_rolbeleid"


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations.
    app_config = apps.get_app_config("beveiliging")
    original = getattr(app_config, "models_module", None)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = original
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(
        content_type__app_label="beveiliging", codename=PERMISSION
    )
    for group in Group.objects.filter(name=ROLE):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=ROLE):
        group.permissions.remove(
            *group.permissions.filter(
                content_type__app_label="beveiliging", codename=PERMISSION
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("actieprogramma", "0001_roles"),
        ("beveiliging", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
