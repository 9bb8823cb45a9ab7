"""The job queue for real: Celery with the Redis on 127.0.0.1:6379 as broker
and a worker consuming from it; and what happens when Redis is stopped.

CI starts Redis when it is down (.ci/run); without it these tests fail, they
are never skipped.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import time

import kombu.pools
import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from pypdf import PdfReader

from actieprogramma.celery import app
from evaluatie.report import build_report, report_pdf
from taken import services
from taken.models import Taak, TaakStatus
from tests.factories import TussenevaluatieFactory

pytestmark = pytest.mark.django_db(transaction=True)

# A database of its own on the shared Redis (CI runs two legs at once).
REDIS = f"redis://127.0.0.1:6379/{os.environ.get('TEST_REDIS_DB', '13')}"


@services.register("test_worker_breekt")
def _breaks(taak, voortgang):
    voortgang(30, "Bijna")
    raise ValidationError("Het bronbestand ontbreekt.")


def forget_connections():
    """Drop the pooled connections to the previous broker. (``app.close()``
    would do it too, but also takes the app out of Celery's list of apps.)"""
    app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()


@contextlib.contextmanager
def broker(settings, url):
    """Jobs go to the broker at ``url`` instead of running in the process."""
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = url, False
    settings.JOB_BROKER_URL, settings.JOBS_IN_PROCESS = url, False
    forget_connections()
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        forget_connections()


@pytest.fixture
def worker(settings):
    client = redis.Redis.from_url(REDIS)
    client.ping()  # fails loudly when Redis is not running
    client.flushdb()
    with (
        broker(settings, REDIS),
        start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=60),
    ):
        yield
    client.flushdb()


def wait_for(taak_id, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        taak = Taak.objects.get(pk=taak_id)
        if taak.afgelopen:
            return taak
        time.sleep(0.2)
    raise AssertionError(f"job {taak_id} did not finish: {taak.status} {taak.stap}")


def pages_text(content: bytes) -> list[str]:
    """Each page's text, with the one line that differs by its nature: the
    minute the report was made ("Gemaakt op …, 01:48")."""
    import io
    import re

    return [
        re.sub(r"Gemaakt op [^\n]*", "Gemaakt op …", page.extract_text())
        for page in PdfReader(io.BytesIO(content)).pages
    ]


def test_the_worker_renders_the_concept_as_the_request_would(client, griffie, worker):
    evaluatie = TussenevaluatieFactory()
    client.force_login(griffie)
    response = client.post(reverse("evaluatie:pdf-job", args=[evaluatie.pk]))
    taak = Taak.objects.get()
    assert response.url == taak.get_absolute_url()
    # The request only queued it; the worker thread does it.
    taak = wait_for(taak.pk)
    assert taak.status == TaakStatus.KLAAR, taak.melding
    download = client.get(reverse("taken:bestand", args=[taak.pk]))
    from_job = b"".join(download.streaming_content)
    synchronous = report_pdf(build_report(evaluatie, user=griffie), final=False)
    assert pages_text(from_job) == pages_text(synchronous)
    assert len(pages_text(from_job)) >= 3
    assert "Gemaakt op …" in pages_text(from_job)[-1]  # the line was there


def test_a_job_that_fails_in_the_worker_is_shown_as_failed(client, griffie, worker):
    with transaction.atomic():
        taak = services.start(soort="test_worker_breekt", titel="Breekt", user=griffie)
    taak = wait_for(taak.pk)
    assert taak.status == TaakStatus.MISLUKT
    client.force_login(griffie)
    page = client.get(taak.get_absolute_url()).content.decode()
    assert "De taak is mislukt." in page
    assert "Het bronbestand ontbreekt." in page, taak.melding
    assert client.get(reverse("health")).json()["queue"]["mislukt_24u"] == 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def own_redis():
    """A Redis server of this test's own, which it may stop."""
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            shutil.which("redis-server") or "/usr/bin/redis-server",
            "--port", str(port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no",
        ],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    for _attempt in range(50):
        with contextlib.suppress(redis.ConnectionError):
            redis.Redis.from_url(url).ping()
            break
        time.sleep(0.1)
    try:
        yield url, server
    finally:
        server.kill()
        server.wait()


def test_with_redis_stopped_pages_answer_and_health_says_the_queue_is_down(
    client, griffie, settings, own_redis
):
    url, server = own_redis
    evaluatie = TussenevaluatieFactory()
    client.force_login(griffie)
    with broker(settings, url):
        health = client.get(reverse("health"))
        assert health.status_code == 200
        assert health.json()["queue"]["broker"] == "ok"

        server.terminate()
        server.wait()

        health = client.get(reverse("health"))
        assert health.status_code == 200  # the web stays in service
        assert health.json()["status"] == "degraded"
        assert health.json()["database"] == "ok"
        assert health.json()["queue"]["broker"] == "unreachable"
        for page in ("/", "/acties/", reverse("evaluatie:detail", args=[evaluatie.pk])):
            assert client.get(page).status_code == 200, page
        # A job asked for now fails visibly instead of waiting for ever.
        response = client.post(reverse("evaluatie:pdf-job", args=[evaluatie.pk]))
        taak = Taak.objects.get()
        assert taak.status == TaakStatus.MISLUKT
        assert "wachtrij is niet bereikbaar" in taak.melding
        page = client.get(response.url).content.decode()
        assert "De taak is mislukt." in page
