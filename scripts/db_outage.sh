#!/usr/bin/env bash
# PostgreSQL goes away under a running gunicorn and comes back: the application
# answers 503 (pages and /health/) while it is away and recovers by itself,
# without a restart, when it returns. Then PostgreSQL is restarted under a load
# of signed-in reads and writes: no answer may be a 500 (503 is allowed while
# it restarts). docs/reliability.md describes it.
#
# Needs root, Debian's PostgreSQL (pg_createcluster) and `make install` done.
# It makes a throwaway cluster of its own on OUTAGE_PG_PORT (default 5499), so
# the machine's own database is never stopped, and removes it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_VERSION="${PG_VERSION:-$(ls /etc/postgresql | sort -V | tail -n 1)}"
CLUSTER=ap_outage
PG_PORT="${OUTAGE_PG_PORT:-5499}"
HTTP_PORT="${OUTAGE_HTTP_PORT:-8031}"
BASE="http://127.0.0.1:${HTTP_PORT}"
WORK=$(mktemp -d)
GUNICORN_PID=""

cleanup() {
  [ -n "$GUNICORN_PID" ] && kill "$GUNICORN_PID" 2>/dev/null && wait "$GUNICORN_PID" 2>/dev/null || true
  pg_dropcluster --stop "$PG_VERSION" "$CLUSTER" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

say() { printf '[db_outage] %s\n' "$*"; }
fail() { say "FAILED: $*"; say "last body: $(head -c 300 "$WORK/body" 2>/dev/null)"; [ -f "$WORK/gunicorn.log" ] && tail -n 30 "$WORK/gunicorn.log"; exit 1; }
status() { curl -s -o "$WORK/body" -w '%{http_code}' -H "Cookie: ${COOKIE:-}" "$BASE$1" || true; }
pg() { pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$CLUSTER" "$1"; }

pg_dropcluster --stop "$PG_VERSION" "$CLUSTER" 2>/dev/null || true
pg_createcluster -q "$PG_VERSION" "$CLUSTER" -p "$PG_PORT" -- --auth=trust >/dev/null
pg start
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break; sleep 0.5; done
createdb -h 127.0.0.1 -p "$PG_PORT" -U postgres actieprogramma

export DEBUG=false SECURE_SSL_REDIRECT=false ALLOWED_HOSTS=127.0.0.1 \
  SECRET_KEY="outage-check-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  DATABASE_URL="postgres://postgres@127.0.0.1:${PG_PORT}/actieprogramma" \
  DATABASE_POOL=true DATABASE_POOL_TIMEOUT=3 \
  STATIC_ROOT="$WORK/static" LOG_LEVEL=warning
.venv/bin/python manage.py migrate --no-input -v0
.venv/bin/python manage.py load_programme >/dev/null
.venv/bin/python manage.py collectstatic --no-input -v0
# A signed-in session for the page checks, written as the login view would.
SESSION=$(.venv/bin/python - <<'PY'
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "actieprogramma.settings")
import django
django.setup()
import time
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
user = User.objects.create_superuser("storing", password=None)
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session["_login_at"] = session["_seen_at"] = int(time.time())
session.create()
from acties.models import Actie
print(session.session_key, Actie.objects.order_by("pk").first().pk)
PY
)
read -r SESSION ACTIE_ID <<<"$SESSION"
COOKIE="sessionid=${SESSION}"

GUNICORN_BIND="127.0.0.1:${HTTP_PORT}" GUNICORN_WORKERS=2 \
  .venv/bin/gunicorn --config gunicorn.conf.py --access-logfile /dev/null >"$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
for _ in $(seq 1 40); do [ "$(status /health/)" = 200 ] && break; sleep 0.25; done
workers_before=$(pgrep -P "$GUNICORN_PID" | sort | tr '\n' ' ')

say "1. database up"
[ "$(status /health/)" = 200 ] || fail "/health/ is not 200 with the database up"
[ "$(status /acties/)" = 200 ] || fail "/acties/ is not 200 with the database up"
grep -q "Acties" "$WORK/body" || fail "/acties/ did not show the actions"
say "   /health/ 200, /acties/ 200"

say "2. PostgreSQL stopped"
pg stop
code=$(status /acties/)
[ "$code" = 503 ] || fail "/acties/ answered $code, not 503, with the database down"
grep -q "Tijdelijk niet beschikbaar" "$WORK/body" || fail "the 503 page is not the friendly one"
code=$(status /health/)
[ "$code" = 503 ] || fail "/health/ answered $code, not 503, with the database down"
grep -q unreachable "$WORK/body" || fail "/health/ did not say the database is unreachable"
say "   /acties/ 503 (Tijdelijk niet beschikbaar), /health/ 503 (database unreachable)"

say "3. PostgreSQL started again; gunicorn is not touched"
pg start
recovered=""
for i in $(seq 1 60); do
  if [ "$(status /health/)" = 200 ] && [ "$(status /acties/)" = 200 ]; then
    recovered=$i; break
  fi
  sleep 0.5
done
[ -n "$recovered" ] || fail "the application did not recover within 30 s"
workers_after=$(pgrep -P "$GUNICORN_PID" | sort | tr '\n' ' ')
[ "$workers_before" = "$workers_after" ] || fail "gunicorn workers were replaced ($workers_before -> $workers_after)"
# Every worker must have recovered, not just the one that answered first: ten
# answers of 200 in a row. A worker whose connection pool was waiting between
# attempts while the database was away (psycopg_pool doubles that wait) may
# answer with the friendly 503 a few seconds longer; never with anything else.
in_a_row=0
late=0
for _ in $(seq 1 60); do
  code=$(status /acties/)
  if [ "$code" = 200 ]; then
    in_a_row=$((in_a_row + 1))
    [ "$in_a_row" -ge 10 ] && break
  else
    [ "$code" = 503 ] || fail "a request after recovery answered $code"
    in_a_row=0
    late=$((late + 1))
    sleep 0.5
  fi
done
[ "$in_a_row" -ge 10 ] || fail "not every worker recovered within 30 s"
say "   recovered: /health/ and /acties/ 200 on try $recovered (tries 0.5 s apart), then ten 200 in a row after $late late 503; same workers: $workers_after"

say "4. PostgreSQL restarted under load (${LOAD_CLIENTS:=6} clients, ${LOAD_SECONDS:=20} s)"
# Each client reads the list and the action's page and adds a progress update
# through its form, in turn, until the time is up; the restart comes in the
# middle. Only 127.0.0.1, and bounded in time and in requests.
LOAD_URL="$BASE" LOAD_COOKIE="$COOKIE" LOAD_ACTIE="$ACTIE_ID" \
  LOAD_CLIENTS="$LOAD_CLIENTS" LOAD_SECONDS="$LOAD_SECONDS" \
  .venv/bin/python - >"$WORK/load.out" 2>&1 <<'PY' &
import collections, os, re, threading, time
import requests

base, cookie, actie = os.environ["LOAD_URL"], os.environ["LOAD_COOKIE"], os.environ["LOAD_ACTIE"]
seconds, clients = float(os.environ["LOAD_SECONDS"]), int(os.environ["LOAD_CLIENTS"])
answers = collections.Counter()  # (method, status)
late = collections.Counter()  # statuses of the last 3 s: recovered by then?
lock = threading.Lock()
end = time.monotonic() + seconds

def count(method, status):
    with lock:
        answers[(method, status)] += 1
        if time.monotonic() > end - 3:
            late[status] += 1

def client(number):
    # The secure cookies (DEBUG off) are not sent back over http by requests:
    # they go in the header by hand.
    session = requests.Session()
    for step in range(5000):
        if time.monotonic() >= end:
            return
        for path in ("/acties/", f"/acties/{actie}/"):
            try:
                status = session.get(base + path, headers={"Cookie": cookie}, timeout=20).status_code
            except requests.RequestException as exc:
                status = type(exc).__name__
            count("GET", status)
        form = f"/acties/{actie}/voortgang/nieuw/"
        try:
            page = session.get(base + form, headers={"Cookie": cookie}, timeout=20)
            if page.status_code != 200:
                count("GET", page.status_code)
                time.sleep(0.2)
                continue
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            csrf = page.cookies.get("csrftoken") or session.cookies.get("csrftoken")
            status = session.post(
                base + form,
                data={"csrfmiddlewaretoken": token, "datum": time.strftime("%Y-%m-%d"),
                      "tekst": f"Belasting {number}-{step}"},
                headers={"Cookie": f"{cookie}; csrftoken={csrf}"},
                allow_redirects=False, timeout=20,
            ).status_code
        except requests.RequestException as exc:
            status = type(exc).__name__
        count("POST", status)

threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(" ".join(f"{m}-{s}={n}" for (m, s), n in sorted(answers.items(), key=str)))
allowed = {200, 302, 503}
wrong = {key: n for key, n in answers.items() if key[1] not in allowed}
print("last 3 s: " + " ".join(f"{s}={n}" for s, n in sorted(late.items(), key=str)))
if wrong:
    print(f"unexpected answers: {wrong}")
    raise SystemExit(1)
if not late or set(late) - {200, 302}:
    print("not recovered in the last 3 s of the load")
    raise SystemExit(1)
PY
LOAD_PID=$!
sleep $((LOAD_SECONDS / 3))
restart_started=$(date +%s%N)
pg restart
say "   pg_ctlcluster restart took $(( ($(date +%s%N) - restart_started) / 1000000 )) ms"
load_status=0
wait "$LOAD_PID" || load_status=$?
say "   answers: $(head -n 1 "$WORK/load.out")"
say "   $(sed -n 2p "$WORK/load.out")"
if [ "$load_status" != 0 ]; then
  cat "$WORK/load.out"
  fail "during the restart: an answer other than 200, 302 or 503 (a 500?), or no recovery"
fi
say "passed"
