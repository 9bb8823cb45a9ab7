"""Giving the role groups permissions in a data migration.

Shared by the migrations that add a model to the roles (0003 and later); the
loader skips this module, whose name starts with an underscore.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant_operation(grants: dict[str, list[str]], *, app_label: str = "acties"):
    """A ``RunPython`` that adds ``grants`` (role name → permission codenames of
    ``app_label``) to the role groups, and removes them when reversed."""

    def permissions(apps, codenames):
        Permission = apps.get_model("auth", "Permission")
        return Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )

    def grant(apps, schema_editor):
        # Permissions are normally created after all migrations.
        app_config = apps.get_app_config(app_label)
        original = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = original
        Group = apps.get_model("auth", "Group")
        for name, codenames in grants.items():
            for group in Group.objects.filter(name=name):
                group.permissions.add(*permissions(apps, codenames))

    def revoke(apps, schema_editor):
        Group = apps.get_model("auth", "Group")
        for name, codenames in grants.items():
            for group in Group.objects.filter(name=name):
                group.permissions.remove(*permissions(apps, codenames))

    return migrations.RunPython(grant, revoke)
