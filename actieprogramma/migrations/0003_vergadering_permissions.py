"""Meetings (acties.Vergadering) in the roles: everyone reads them, the
griffie adds and changes them, the coordinator may do all (DESIGN.md,
"Vergadering (meeting), documents")."""

from django.db import migrations

from ._grants import grant_operation

GRANTS = {
    "beleidsmedewerker": ["view_vergadering", "view_historicalvergadering"],
    "griffie": [
        "view_vergadering",
        "view_historicalvergadering",
        "add_vergadering",
        "change_vergadering",
    ],
    "coordinator": [
        "view_vergadering",
        "view_historicalvergadering",
        "add_vergadering",
        "change_vergadering",
        "delete_vergadering",
    ],
}


class Migration(migrations.Migration):
    dependencies = [
        ("actieprogramma", "0002_rolbeleid_permission"),
        ("acties", "0007_council_cycle"),
    ]

    operations = [grant_operation(GRANTS)]
