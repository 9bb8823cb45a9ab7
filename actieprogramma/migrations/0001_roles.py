"""Create the three role groups with exactly the permissions of the design.

The table is frozen here, as data of this point in the schema's life; a later
change of the roles gets a migration of its own. The test suite checks the
groups against the design.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DOMAIN = {
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
    ],
    "evaluatie": ["tussenevaluatie", "bevinding"],
}

# Everyone reads every record and its history; nobody writes history.
READ_ALL = [
    f"{app}.view_{prefix}{model}"
    for app, models in DOMAIN.items()
    for model in models
    for prefix in ("", "historical")
]


def perms(app: str, model: str, *actions: str) -> list[str]:
    return [f"{app}.{action}_{model}" for action in actions]


ROLE_PERMISSIONS = {
    "beleidsmedewerker": READ_ALL
    + perms("acties", "actie", "add", "change")
    + perms("acties", "actiepartner", "add", "delete")
    + perms("acties", "voortgangsupdate", "add", "change")
    + perms("acties", "indicator", "add", "change")
    + perms("acties", "meting", "add", "change")
    + perms("acties", "organisatie", "add", "change")
    + perms("acties", "raadsopdracht", "propose_settlement")
    + perms("acties", "raadsopdrachtactie", "add", "delete")
    + perms("evaluatie", "tussenevaluatie", "add", "change")
    + perms("evaluatie", "bevinding", "add", "change"),
    "griffie": READ_ALL
    + perms("acties", "raadsopdracht", "add", "change", "settle")
    + perms("acties", "raadsopdrachtactie", "add", "delete"),
    "coordinator": READ_ALL
    + perms("pijlers", "programma", "add", "change", "delete")
    + perms("pijlers", "pijler", "add", "change", "delete")
    + perms("pijlers", "actielijn", "add", "change", "delete")
    + perms("pijlers", "actielijnpijler", "add", "delete")
    + perms("acties", "actie", "add", "change", "delete")
    + perms("acties", "actiepartner", "add", "delete")
    + perms("acties", "voortgangsupdate", "add", "change", "delete")
    + perms("acties", "indicator", "add", "change", "delete")
    + perms("acties", "meting", "add", "change", "delete")
    + perms("acties", "organisatie", "add", "change", "delete")
    + perms(
        "acties",
        "raadsopdracht",
        "add",
        "change",
        "delete",
        "propose_settlement",
        "settle",
    )
    + perms("acties", "raadsopdrachtactie", "add", "delete")
    + perms("evaluatie", "tussenevaluatie", "add", "change", "finalise")
    + perms("evaluatie", "bevinding", "add", "change"),
}


def sync_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now so
    # that the groups can refer to them on a fresh database.
    for app_config in apps.get_app_configs():
        # Put back what was there: called with the project's own registry (a
        # restore test does), None would stop post_migrate from ever creating
        # permissions again in this process.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = original

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = []
        for dotted in wanted:
            app_label, codename = dotted.split(".")
            permissions.append(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("pijlers", "0001_initial"),
        ("acties", "0001_initial"),
        ("evaluatie", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_groups, remove_groups)]
