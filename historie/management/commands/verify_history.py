from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from historie.chain import verify
from historie.records import tracked_models


class Command(BaseCommand):
    help = (
        "Controleert de hashketen van elke historietabel: of een historieregel "
        "na het schrijven is gewijzigd of verwijderd. Noemt per tabel het aantal "
        "regels en de laatste hash (bewaar die buiten de database), en bij een "
        "fout de eerste regel waar de keten breekt."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, **options):
        problems = []
        models = sorted(
            (model.history.model for model in tracked_models()),
            key=lambda history_model: history_model._meta.db_table,
        )
        for history_model in models:
            report = verify(history_model, using=options["database"])
            if report.problem:
                problems.append(f"{report.table}: {report.problem}")
                self.stdout.write(f"{report.table}: BROKEN: {report.problem}")
                continue
            if report.last_id is None:
                self.stdout.write(f"{report.table}: empty")
                continue
            notes = "".join(
                f", {count} {what}"
                for count, what in [
                    (report.purged, "purged"),
                    (report.redacted, "redacted"),
                ]
                if count
            )
            if notes:
                notes += " (logged in history_purge_log)"
            self.stdout.write(
                f"{report.table}: {report.rows} rows, chain intact{notes}, "
                f"last history_id {report.last_id}, last hash {report.last_hash}"
            )
        if problems:
            raise CommandError(
                "The history hash chain is broken in "
                f"{len(problems)} table(s):\n" + "\n".join(problems)
            )
        self.stdout.write(f"All {len(models)} history tables verified.")
