import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from acties.opendata import import_programme
from historie.records import system_user


class Command(BaseCommand):
    help = (
        "Create a programme from a JSON export (export_programme) in an instance "
        "that does not have it; every record gets a history row."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--reason", default="Ingelezen uit een export van het programma"
        )

    def handle(self, *args, file, reason, **options):
        try:
            data = json.loads(Path(file).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        try:
            programma = import_programme(data, user=system_user(), reason=reason)
        except (ValueError, KeyError) as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            # A record the rules refuse (too long, out of scope): nothing was
            # imported, and the command says which rule and why.
            raise CommandError(
                "Nothing was imported: " + " ".join(exc.messages)
            ) from exc
        self.stdout.write(f"Imported {programma.slug}.")
