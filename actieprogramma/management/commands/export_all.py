from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from actieprogramma.backup import BackupError, export


class Command(BaseCommand):
    help = (
        "Schrijft alle gegevens naar één JSON-bestand: alle records en hun "
        "historie, de gebruikers met hun rollen, het beheerlogboek en de "
        "opgeslagen bestanden (definitieve PDF's). Terugzetten in een lege, "
        "gemigreerde database met import_all (zie docs/operations.md). Het "
        "bestand bevat wachtwoordhashes: bewaar het versleuteld."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="the JSON file to write")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, **options):
        output = Path(options["output"])
        partial = output.with_name(output.name + ".partial")
        try:
            with partial.open("w", encoding="utf-8", newline="\n") as stream:
                counts = export(stream, using=options["database"])
        except BackupError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(str(exc)) from exc
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(output)
        self.stdout.write(
            f"Wrote {counts.objects} objects and {counts.files} files to {output}."
        )
