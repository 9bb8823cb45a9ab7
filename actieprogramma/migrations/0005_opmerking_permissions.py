"""Review remarks (acties.Opmerking) in the roles: every role reads, places and
answers them and changes its own (DESIGN.md, "Opmerking"; the rule that one
changes only one's own is in ``acties.permissions``)."""

from django.db import migrations

from ._grants import grant_operation

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


class Migration(migrations.Migration):
    dependencies = [
        ("actieprogramma", "0004_document_permissions"),
        ("acties", "0010_opmerkingen"),
    ]

    operations = [grant_operation(GRANTS)]
