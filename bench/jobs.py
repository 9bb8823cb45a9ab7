"""Benchmark of the job queue: "maak PDF" for the 300-action programme.

    DATABASE_URL=postgres://…/actieprogramma_bench_300 python -m bench.jobs [--runs 3]

Starts one Celery worker (one process) against the Redis on 127.0.0.1:6379
(database 12, emptied first) and measures, in this process as the web:

- the time from the POST of "maak PDF" to the moment the file downloads, while
  following the job as its page does (its status every 0.25 s);
- the action list's response time while the worker renders, against the same
  page with the worker idle;
- beside them the old way: the concept PDF rendered inside the request.

Prints a Markdown table, or JSON with --json.
"""

import argparse
import datetime
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BROKER = "redis://127.0.0.1:6379/12"


def start_worker(env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "actieprogramma", "worker",
         "--concurrency", "1", "--loglevel", "WARNING", "--without-gossip",
         "--without-mingle", "--without-heartbeat"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--page-runs", type=int, default=15)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()

    media = tempfile.mkdtemp(prefix="bench-jobs-")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "actieprogramma.settings",
            "CELERY_BROKER_URL": BROKER,
            "MEDIA_ROOT": media,
            "DEBUG": "true",
        }
    )
    import redis

    redis.Redis.from_url(BROKER).flushdb()
    worker = start_worker(dict(os.environ))
    try:
        result = measure(options)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    result["machine"] = (
        f"{platform.platform()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}"
    )
    if options.json:
        print(json.dumps(result))
    else:
        print(table(result))


def measure(options) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client

    from evaluatie import services as evaluatie_services
    from evaluatie.models import Tussenevaluatie
    from historie.records import system_user
    from pijlers.models import Programma
    from taken.models import Taak

    settings.ALLOWED_HOSTS = ["*"]
    user_model = get_user_model()
    user = user_model.objects.filter(username="bench").first() or (
        user_model.objects.create_superuser("bench", password=None)
    )
    client = Client()
    client.force_login(user)
    programma = (
        Programma.objects.annotate(n=Count("acties"))
        .filter(n=300)
        .order_by("pk")
        .first()
    )
    if programma is None:
        raise SystemExit("No programme of 300 actions: run `make bench` first.")
    evaluatie = Tussenevaluatie.objects.filter(
        programma=programma, titel="Benchmark"
    ).first() or evaluatie_services.tussenevaluatie_create(
        programma=programma,
        titel="Benchmark",
        peildatum=datetime.date(2026, 12, 31),
        user=system_user(),
        reason="Benchmark",
    )
    page = f"/acties/?programma={programma.pk}"
    make = f"/evaluaties/{evaluatie.pk}/pdf/maken/"

    def timed(url) -> float:
        started = time.perf_counter()
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        return (time.perf_counter() - started) * 1000

    # Warm up the page, and the worker (its first job loads WeasyPrint).
    timed(page)
    run_job(client, make, Taak, timed, page)
    idle = [timed(page) for _ in range(options.page_runs)]

    job_seconds, busy = [], []
    for _ in range(options.runs):
        seconds, page_times = run_job(client, make, Taak, timed, page)
        job_seconds.append(seconds)
        busy += page_times

    in_request = []
    for _ in range(options.runs):
        in_request.append(timed(f"/evaluaties/{evaluatie.pk}/pdf/") / 1000)
    return {
        "actions": programma.n,
        "runs": options.runs,
        "job_s": job_seconds,
        "in_request_s": in_request,
        "page_idle_ms": idle,
        "page_busy_ms": busy,
    }


def run_job(client, make, Taak, timed, page):
    """POST "maak PDF", follow the job, download the file; meanwhile time the page."""
    started = time.perf_counter()
    response = client.post(make)
    if response.status_code != 302:
        raise SystemExit(f"maak PDF answered {response.status_code}")
    taak_id = int(response.url.rstrip("/").rsplit("/", 1)[1])
    page_times = []
    while True:
        state = client.get(f"/taken/{taak_id}/status/").json()
        if state["afgelopen"]:
            break
        page_times.append(timed(page))
        time.sleep(0.25)
    taak = Taak.objects.get(pk=taak_id)
    if taak.status != "klaar":
        raise SystemExit(f"The job failed: {taak.melding}")
    timed(f"/taken/{taak_id}/bestand/")
    return time.perf_counter() - started, page_times


def table(result: dict) -> str:
    med = statistics.median
    idle, busy = med(result["page_idle_ms"]), med(result["page_busy_ms"] or [0])
    return "\n".join(
        [
            f"Machine: {result['machine']}; one worker (one process) on Redis "
            f"on the same machine; the 300-action programme; "
            f"{result['runs']} runs after one warm-up.",
            "",
            "| measure | median | runs |",
            "| --- | ---: | ---: |",
            f'| "maak PDF" to downloaded file, with one worker (s) | '
            f"{med(result['job_s']):.2f} | {len(result['job_s'])} |",
            f"| concept PDF rendered inside the request, the old way (s) | "
            f"{med(result['in_request_s']):.2f} | {len(result['in_request_s'])} |",
            f"| action list of the programme, worker idle (ms) | {idle:.0f} | "
            f"{len(result['page_idle_ms'])} |",
            f"| action list of the programme, while the worker renders (ms) | "
            f"{busy:.0f} (×{busy / idle:.2f}) | {len(result['page_busy_ms'])} |",
        ]
    )


if __name__ == "__main__":
    main()
