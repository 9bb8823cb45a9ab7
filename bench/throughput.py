"""Requests per second against a running server, with wrk at 8 connections.

    DATABASE_URL=postgres://… python -m bench.throughput --url http://127.0.0.1:8020

Run it against `make serve` (gunicorn) on the same database: it signs a
benchmark account in by writing a session for it, then lets wrk (Debian's
package) fetch the dashboard, the actions list and an action's page for ten
seconds each, and prints the figures as a Markdown table.
"""

import argparse
import os
import re
import shutil
import subprocess
import urllib.request


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "actieprogramma.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    from acties.models import Actie

    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    options = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    user_model = get_user_model()
    user = user_model.objects.filter(username="bench").first()
    if user is None:
        user = user_model.objects.create_superuser("bench", password=None)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    actie = Actie.objects.order_by("pk").first()

    print(
        f"| page | requests/s | mean latency | {options.connections} connections,"
        f" {options.seconds} s |"
    )
    print("| --- | ---: | ---: | --- |")
    for label, path in [
        ("dashboard", "/"),
        ("actions list", "/acties/"),
        ("action detail", f"/acties/{actie.pk}/"),
    ]:
        # The session must let us in: a redirect to the login page would count
        # as a success for wrk.
        request = urllib.request.Request(  # noqa: S310 - our own server
            options.url + path, headers={"Cookie": cookie}
        )
        with urllib.request.urlopen(request) as response:  # noqa: S310
            if "/accounts/login/" in response.url or response.status != 200:
                raise SystemExit(f"{path} did not answer 200 for the session")
        out = subprocess.run(  # noqa: S603 - fixed arguments
            ["wrk", "-t2", f"-c{options.connections}", f"-d{options.seconds}s",  # noqa: S607
             "-H", f"Cookie: {cookie}", options.url + path],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        rps = re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)
        latency = re.search(r"Latency\s+([\d.]+\w+)", out).group(1)
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        note = f"{non2xx.group(1)} non-2xx!" if non2xx else "all 200"
        print(f"| {label} | {float(rps):.0f} | {latency} | {note} |")
    session.delete()


if __name__ == "__main__":
    main()
