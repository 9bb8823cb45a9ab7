"""Guard this app's history tables: as-of index, hash chain, append-only trigger.

The project's migrations 0002 to 0004 did this for every app at once; each app
now guards its own tables (``historie.operations.ProtectHistory``), and on a
database that has it all already this changes nothing.
"""

from django.db import migrations

from historie.operations import ProtectHistory


class Migration(migrations.Migration):
    dependencies = [
        ("pijlers", "0004_text_limits"),
        ("historie", "0001_initial"),
    ]

    operations = [
        ProtectHistory("historicalprogramma"),
        ProtectHistory("historicalpijler"),
        ProtectHistory("historicalactielijn"),
        ProtectHistory("historicalactielijnpijler"),
    ]
