"""Benchmark of the evaluation report: seconds and peak memory per PDF.

    DATABASE_URL=postgres://… python -m bench.evaluation [--runs 3]
        [--programme SLUG --peildatum YYYY-MM-DD] …

By default it measures the real programme (``mensenhandel-2025-2028``, load it
with ``--demo``) and the first synthetic programme of 300 actions (make one
with ``generate_data --programmes 101 --actions-per-programme 300`` on a
database that has the hundred of ``bench.history``, or ``--programmes 1`` on an
empty one). The PDF is rendered in a child process (``evaluatie.pdf``); its
peak resident memory is the operating system's high-water mark of the
children, and the report's data is built in this process.
"""

import argparse
import datetime
import io
import os
import platform
import resource
import statistics
import time
import tracemalloc


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "actieprogramma.settings")
    import django
    import pikepdf

    django.setup()
    from django.db.models import Count

    from evaluatie.models import Tussenevaluatie
    from evaluatie.report import build_report, report_pdf
    from historie.records import system_user
    from pijlers.models import Programma

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--peildatum", default="2026-12-31")
    options = parser.parse_args()
    peildatum = datetime.date.fromisoformat(options.peildatum)
    user = system_user()

    cases = []
    real = Programma.objects.filter(slug="mensenhandel-2025-2028").first()
    if real:
        cases.append(("real programme with demo data", real))
    synthetic = (
        Programma.objects.filter(slug__startswith="synthetisch-")
        .annotate(n=Count("acties"))
        .filter(n=300)
        .first()
    )
    if synthetic:
        cases.append(("synthetic programme of 300 actions", synthetic))

    print(
        f"Machine: {platform.platform()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; peildatum {peildatum}; {options.runs} runs"
    )
    print()
    print(
        "| programme | actions | pages (bytes) | report data (s) | concept PDF, "
        "median (s) | final PDF/A-3, median (s) | peak memory, renderer (MB) | "
        "peak memory, report data (MB) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, programma in cases:
        evaluatie = Tussenevaluatie(
            programma=programma, titel="Benchmark", peildatum=peildatum
        )
        data_times, concept_times, final_times = [], [], []
        tracemalloc.start()
        for _ in range(options.runs):
            started = time.perf_counter()
            report = build_report(evaluatie, user=user)
            data_times.append(time.perf_counter() - started)
        data_peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        for _ in range(options.runs):
            started = time.perf_counter()
            report = build_report(evaluatie, user=user)
            pdf = report_pdf(report, final=False)
            concept_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            report = build_report(evaluatie, user=user)
            report_pdf(report, final=True)
            final_times.append(time.perf_counter() - started)
        child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        pages = len(pikepdf.open(io.BytesIO(pdf)).pages)
        print(
            f"| {label} | {report.acties_totaal} | {pages} ({len(pdf):,}) | "
            f"{statistics.median(data_times):.2f} | "
            f"{statistics.median(concept_times):.2f} | "
            f"{statistics.median(final_times):.2f} | {child_peak:.0f} | "
            f"{data_peak:.0f} |"
        )


if __name__ == "__main__":
    main()
