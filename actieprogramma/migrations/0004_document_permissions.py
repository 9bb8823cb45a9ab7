"""The roles' permissions on attached documents (DESIGN.md: officers attach to
actions, the griffie to mandates; ``acties.permissions`` holds that rule)."""

from django.db import migrations

from ._grants import grant_operation

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


class Migration(migrations.Migration):
    dependencies = [
        ("actieprogramma", "0003_vergadering_permissions"),
        ("acties", "0009_documents"),
    ]

    operations = [grant_operation(GRANTS)]
