"""Coordinators may set the role policy; its history is append-only and indexed.

The permission goes to the coordinator group made by actieprogramma's
0001_roles. The history table gets the append-only trigger and the as-of index
that actieprogramma's 0002 and 0003 gave the tables that existed then (their
docstrings ask a later tracked model for a migration like this one).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

HISTORY_TABLE = "beveiliging_historicalrolbeleid"
ROLE = "coordinator"
PERMISSION = "manage_rolbeleid"


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations.
    app_config = apps.get_app_config("beveiliging")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
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


def guard(apps, schema_editor):
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {HISTORY_TABLE}_asof "
        f"ON {HISTORY_TABLE} (id, history_date DESC, history_id DESC)"
    )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE TRIGGER history_append_only BEFORE UPDATE OR DELETE "
            f"ON {HISTORY_TABLE} FOR EACH ROW EXECUTE FUNCTION history_append_only()"
        )


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS history_append_only ON {HISTORY_TABLE}"
        )
    schema_editor.execute(f"DROP INDEX IF EXISTS {HISTORY_TABLE}_asof")


class Migration(migrations.Migration):
    dependencies = [
        ("beveiliging", "0001_initial"),
        # The role groups and the append-only trigger function.
        ("actieprogramma", "0002_history_append_only"),
    ]

    operations = [
        migrations.RunPython(grant, revoke),
        migrations.RunPython(guard, unguard),
    ]
