from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from acties.opendata import export_programme, to_csv_zip, to_json
from pijlers.models import Programma


class Command(BaseCommand):
    help = (
        "Write a whole programme as open data: JSON, or one CSV per kind of "
        "record in a zip (by the output's extension). --intern adds budgets."
    )

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True, help="the programme's slug")
        parser.add_argument("--output", required=True, help="FILE.json or FILE.zip")
        parser.add_argument("--intern", action="store_true")

    def handle(self, *args, programme, output, intern, **options):
        programma = Programma.objects.filter(slug=programme).first()
        if programma is None:
            raise CommandError(f"No programme with slug {programme!r}.")
        path = Path(output)
        data = export_programme(programma, intern=intern)
        if path.suffix == ".json":
            path.write_bytes(to_json(data))
        elif path.suffix == ".zip":
            path.write_bytes(to_csv_zip(data))
        else:
            raise CommandError("The output must end in .json or .zip.")
        self.stdout.write(f"Wrote {path} ({len(data['acties'])} actions).")
