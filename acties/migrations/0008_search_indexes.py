"""Full-text indexes for the search box (actieprogramma.search), PostgreSQL only.

Each index is on exactly the expression the search's ``SearchVector`` writes
(Dutch configuration, the fields joined with a space), so that PostgreSQL uses
it; SQLite searches without one.
"""

from django.db import migrations

INDEXES = {
    "acties_actie_zoeken": ("acties_actie", ["code", "titel", "omschrijving"]),
    "acties_raadsopdracht_zoeken": (
        "acties_raadsopdracht",
        ["nummer", "titel", "tekst", "indieners", "fractie"],
    ),
    "acties_voortgangsupdate_zoeken": ("acties_voortgangsupdate", ["tekst"]),
}


def expression(table: str, fields: list[str]) -> str:
    joined = " || ' ' || ".join(f'COALESCE("{table}"."{f}", \'\')' for f in fields)
    return f"to_tsvector('dutch'::regconfig, {joined})"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, fields) in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f"USING gin ({expression(table, fields)})"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("acties", "0007_council_cycle")]

    operations = [migrations.RunPython(create, drop)]
