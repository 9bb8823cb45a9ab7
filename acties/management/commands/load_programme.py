from django.core.management.base import BaseCommand

from acties.loading import DEMO_FIXTURE, PROGRAMME_FIXTURE, load_fixture


class Command(BaseCommand):
    help = (
        "Load the Actieprogramma mensenhandel 2025-2028 from fixtures/ with a "
        "history row for every record. Idempotent: records that exist, or ever "
        "existed, are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Also load illustrative demo actions, updates and indicators.",
        )

    def handle(self, *args, demo: bool = False, **options):
        fixtures = [PROGRAMME_FIXTURE] + ([DEMO_FIXTURE] if demo else [])
        for fixture in fixtures:
            report = load_fixture(fixture)
            if report.total:
                details = ", ".join(
                    f"{n} {label}" for label, n in report.created.items()
                )
                self.stdout.write(f"{fixture.name}: created {details}.")
            else:
                self.stdout.write(
                    f"{fixture.name}: nothing to do, all records present."
                )
