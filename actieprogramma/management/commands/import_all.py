from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from actieprogramma.backup import BackupError, restore
from historie.chain import verify
from historie.records import tracked_models


class Command(BaseCommand):
    help = (
        "Zet een bestand van export_all terug in een lege database die met "
        "dezelfde versie is gemigreerd, en controleert daarna de hashketen van "
        "de historie. Schrijft geen nieuwe historieregels."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON file written by export_all")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, **options):
        using = options["database"]
        try:
            with open(options["file"], encoding="utf-8", newline="\n") as stream:
                counts = restore(stream, using=using)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored {counts.objects} objects and {counts.files} files."
        )
        broken = [
            f"{report.table}: {report.problem}"
            for report in (
                verify(model.history.model, using=using) for model in tracked_models()
            )
            if report.problem
        ]
        if broken:
            raise CommandError(
                "Restored, but the history hash chain does not verify:\n"
                + "\n".join(broken)
            )
        self.stdout.write("The history hash chain verifies.")
