"""Server time and queries of the main pages on the database in DATABASE_URL.

    DATABASE_URL=postgres://… python -m bench.pages [--runs 15] [--json]

Each page is requested through Django's test client in this process (the
whole middleware stack, view and template: what a server spends, without the
network), once to warm up and then ``--runs`` times. Beside them, the floor
(``bench.floor``: a plain ListView of 50 actions) is the baseline, and the
Django admin's changelist of actions is measured too. ``bench.run``
calls this for each scale and writes docs/performance.md.
"""

import argparse
import datetime
import json
import os
import statistics
import time

FLOOR = "floor: a plain ListView of 50 actions"


def measure(client, url, runs, connection, capture, before=None):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    times = []
    for _ in range(runs):
        if before:
            before()
        with capture(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "median_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "queries": len(queries.captured_queries),
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "actieprogramma.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from acties.models import Actie
    from acties.selectors import current_programma
    from evaluatie import services as evaluatie_services
    from evaluatie.models import Tussenevaluatie
    from historie.records import system_user, tracked_models

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--pdf-runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    # The floor (bench.floor) beside the application's pages.
    from django.urls import clear_url_caches

    settings.ROOT_URLCONF = "bench.floor"
    clear_url_caches()

    user_model = get_user_model()
    user = user_model.objects.filter(username="bench").first() or (
        user_model.objects.create_superuser("bench", password=None)
    )
    client = Client()
    client.force_login(user)

    programma = current_programma()
    biggest = (
        Actie.objects.values("programma_id")
        .annotate(n=Count("id"))
        .order_by("-n", "programma_id")
        .first()
    )
    actie = Actie.objects.filter(programma=programma).order_by("pk").first()
    lijn = actie.actielijn
    peildatum = datetime.date(2026, 12, 31)
    evaluatie = Tussenevaluatie.objects.filter(
        programma=programma, titel="Benchmark"
    ).first() or evaluatie_services.tussenevaluatie_create(
        programma=programma,
        titel="Benchmark",
        peildatum=peildatum,
        user=system_user(),
        reason="Benchmark",
    )
    export_filter = f"programma={biggest['programma_id']}"
    pages = [
        (FLOOR, "/bench/vloer/"),
        ("dashboard", "/"),
        ("actions list", "/acties/"),
        (
            "actions list, two filters and a search",
            f"/acties/?programma={programma.pk}&actielijn={lijn.pk}&status=lopend"
            "&q=actie",
        ),
        ("action detail", f"/acties/{actie.pk}/"),
        ("action detail, first visit (nothing cached)", f"/acties/{actie.pk}/"),
        ("mandates list", "/raadsopdrachten/"),
        ("/historie/", "/historie/"),
        ("/peildatum/", f"/peildatum/?datum=2026-06-30&programma={programma.pk}"),
        (
            "/vergelijk/",
            f"/vergelijk/?van=2025-12-31&tot=2026-06-30&programma={programma.pk}",
        ),
        # /zoeken/: a word in every action's description (ranking 100,000
        # hits at national scale), a word only mandates hold, and no hit.
        ("search, a word in every action", "/zoeken/?q=prestatiemetingen"),
        ("search, a word of the mandates", "/zoeken/?q=raadsopdracht"),
        ("search, no hit", "/zoeken/?q=mensenhandelketen"),
        (
            "CSV export of the largest programme",
            f"/acties/export.csv?{export_filter}",
        ),
    ]
    results = {}
    for label, url in pages:
        results[label] = measure(
            client,
            url,
            options.runs,
            connection,
            CaptureQueriesContext,
            before=cache.clear if "nothing cached" in label else None,
        )
    # The API's lists beside the pages (a page of 100 records against the
    # HTML list's 25), with a token of the same user.
    from api.throttling import PerToken
    from beveiliging.services import api_token_create

    PerToken.rate = "100000/min"  # measuring, not limiting
    _token, raw = api_token_create(
        user=user, naam=f"bench {time.time_ns()}", scope="read", dagen=1
    )
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    for label, url in [
        ("API: actions list (100 a page)", "/api/v1/acties"),
        ("API: actions list (25 a page, as the HTML list)", "/api/v1/acties?aantal=25"),
        (
            "API: actions list, two filters and a search",
            f"/api/v1/acties?programma={programma.pk}&actielijn={lijn.pk}"
            "&status=lopend&q=actie",
        ),
        ("API: one action", f"/api/v1/acties/{actie.pk}"),
        ("API: mandates list (100 a page)", "/api/v1/raadsopdrachten"),
        (
            "API: programme as of a date",
            f"/api/v1/programmas/{programma.pk}/stand?peildatum=2026-06-30",
        ),
    ]:
        results[label] = measure(
            api, url, options.runs, connection, CaptureQueriesContext
        )
    # The public read API: the largest programme made public (once; its switch
    # is in the history like any other), read without a token.
    from pijlers.models import Programma
    from pijlers.services import programma_set_public

    largest = Programma.objects.get(pk=biggest["programma_id"])
    if not largest.openbaar:
        programma_set_public(
            programma=largest, openbaar=True, user=system_user(), reason="Benchmark"
        )
    settings.API_PUBLIC_RATE_LIMIT = 10**6  # measuring, not limiting
    results["public API: actions list (100 a page)"] = measure(
        Client(),
        f"/api/v1/openbaar/acties?programma={largest.pk}",
        options.runs,
        connection,
        CaptureQueriesContext,
    )
    results["evaluation PDF (concept)"] = measure(
        client,
        f"/evaluaties/{evaluatie.pk}/pdf/",
        options.pdf_runs,
        connection,
        CaptureQueriesContext,
    )
    results["admin changelist of actions"] = measure(
        client, "/admin/acties/actie/", options.runs, connection, CaptureQueriesContext
    )
    facts = {
        "actions": Actie.objects.count(),
        "programmes": programma.__class__.objects.count(),
        "history_rows": sum(model.history.count() for model in tracked_models()),
        "current_programme_actions": Actie.objects.filter(programma=programma).count(),
        "exported_actions": biggest["n"],
        "runs": options.runs,
    }
    if options.json:
        print(json.dumps({"facts": facts, "results": results}))
        return
    print(facts)
    for label, figures in results.items():
        print(
            f"{label}: {figures['median_ms']:.0f} ms median, "
            f"{figures['p95_ms']:.0f} ms p95, {figures['queries']} queries"
        )


if __name__ == "__main__":
    main()
