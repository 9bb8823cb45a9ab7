import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from evaluatie import services
from evaluatie.constants import EvaluatieStatus
from evaluatie.models import Tussenevaluatie
from evaluatie.pdf import PdfRenderError
from evaluatie.report import build_report, report_pdf
from evaluatie.selectors import ProgrammeNotAtPeildatum
from historie.records import system_user
from pijlers.models import Programma


class Command(BaseCommand):
    help = (
        "Schrijft de tussenevaluatie van een programma op een peildatum als PDF. "
        "Gebruikt de tussenevaluatie met die peildatum als die er is (met haar "
        "tekst), anders een concept zonder tekst. Met --final wordt de "
        "tussenevaluatie met die peildatum definitief gemaakt (PDF/A-3 met de "
        "gegevens als bijlagen) en opgeslagen, onder dezelfde voorwaarden als op "
        "de pagina: de peildatum is voorbij, de tekst is geschreven en er is nog "
        "geen definitieve met die peildatum. Een al definitieve evaluatie levert "
        "altijd haar opgeslagen bestand."
    )

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True, help="slug of the programme")
        parser.add_argument("--peildatum", required=True, help="YYYY-MM-DD")
        parser.add_argument("--output", required=True, help="the PDF file to write")
        parser.add_argument("--final", action="store_true")

    def handle(self, *args, **options):
        try:
            peildatum = datetime.date.fromisoformat(options["peildatum"])
        except ValueError as exc:
            raise CommandError("--peildatum must be a date as YYYY-MM-DD.") from exc
        programma = Programma.objects.filter(slug=options["programme"]).first()
        if programma is None:
            raise CommandError(f"No programme with slug {options['programme']!r}.")
        user = system_user()
        evaluatie = (
            Tussenevaluatie.objects.filter(programma=programma, peildatum=peildatum)
            .order_by("-status", "pk")
            .first()
        )
        try:
            if evaluatie is not None and evaluatie.status == EvaluatieStatus.DEFINITIEF:
                content = services.stored_pdf(evaluatie)
            elif options["final"]:
                if evaluatie is None:
                    # A final evaluation has a narrative that people wrote.
                    raise CommandError(
                        f"There is no evaluation of {programma.slug} with peildatum "
                        f"{peildatum:%Y-%m-%d} to make final; write it in the "
                        "application first."
                    )
                evaluatie = services.tussenevaluatie_finalise(
                    tussenevaluatie=evaluatie, user=user
                )
                content = services.stored_pdf(evaluatie)
            else:
                evaluatie = evaluatie or Tussenevaluatie(
                    programma=programma,
                    titel=f"Tussenevaluatie {programma.titel}",
                    peildatum=peildatum,
                )
                content = report_pdf(build_report(evaluatie, user=user), final=False)
        except services.FinalisationRefused as exc:
            raise CommandError(
                "The evaluation was not made final: " + " ".join(exc.messages)
            ) from exc
        except (PdfRenderError, ValidationError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        except ProgrammeNotAtPeildatum as exc:
            raise CommandError(
                f"The programme did not exist yet on {peildatum:%Y-%m-%d}."
            ) from exc
        output = Path(options["output"])
        output.write_bytes(content)
        kind = (
            "final PDF/A-3"
            if evaluatie.status == EvaluatieStatus.DEFINITIEF
            else ("concept PDF")
        )
        self.stdout.write(f"Wrote the {kind} to {output} ({len(content):,} bytes).")
