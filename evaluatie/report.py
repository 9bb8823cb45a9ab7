"""From an evaluation to its report: HTML for the preview, PDF for the archive."""

import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone

from basis.charts import alt_text, svg_data_uri
from historie.changes import user_name
from historie.records import is_system_user

from .constants import EvaluatieStatus
from .models import Tussenevaluatie
from .pdf import PdfAttachment, render_pdf
from .selectors import Report, acties_csv, data_json, evaluation_report


def static_root():
    return settings.STATICFILES_DIRS[0]


def build_report(
    evaluatie: Tussenevaluatie, *, user, at: datetime.datetime | None = None
) -> Report:
    return evaluation_report(
        evaluatie,
        # A council document names people, never an account of the application.
        generated_by=(
            "automatisch (opdrachtregel)" if is_system_user(user) else user_name(user)
        ),
        generated_at=at or timezone.now(),
    )


def report_html(report: Report, *, for_pdf: bool, preview_links=None) -> str:
    charts = {
        key: {"uri": svg_data_uri(chart), "alt": alt_text(chart), "title": chart.title}
        for key, chart in report.charts.items()
    }
    return render_to_string(
        "evaluatie/report.html",
        {
            "report": report,
            "charts": charts,
            "concept": report.evaluatie.status != EvaluatieStatus.DEFINITIEF,
            # The PDF resolves it inside static/ (see pdf.py); the browser gets
            # the served, content-hashed file.
            "stylesheet": "css/report.css" if for_pdf else static("css/report.css"),
            "preview_links": preview_links,
        },
    )


def report_pdf(report: Report, *, final: bool) -> bytes:
    """The PDF; the final copy is PDF/A-3 with the report's data attached."""
    attachments = ()
    if final:
        attachments = (
            PdfAttachment(
                name="gegevens.json",
                content=data_json(report).encode(),
                description="De gegevens waarop dit rapport berust (JSON)",
            ),
            PdfAttachment(
                name="acties.csv",
                # With a BOM, so that Excel reads it as UTF-8.
                content=("\ufeff" + acties_csv(report)).encode(),
                description="De acties op de peildatum (CSV)",
            ),
        )
    return render_pdf(
        report_html(report, for_pdf=True),
        static_root=static_root(),
        final=final,
        attachments=attachments,
        metadata={
            "language": "nl",
            "created": report.generated_at.isoformat(),
            "identifier": f"{report.state.programma.slug}/tussenevaluatie/"
            f"{report.peildatum:%Y-%m-%d}",
            "creator": report.state.programma.gemeente,
        },
        timeout=settings.PDF_RENDER_TIMEOUT,
        memory_mb=settings.PDF_RENDER_MEMORY_MB,
    )
