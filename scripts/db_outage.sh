#!/usr/bin/env bash
# PostgreSQL goes away under a running gunicorn and comes back: the application
# answers 503 (pages and /health/) while it is away and recovers by itself,
# without a restart, when it returns. docs/reliability.md describes it.
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
print(session.session_key)
PY
)
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
# Every worker must have recovered, not just the one that answered first.
for _ in $(seq 1 10); do
  [ "$(status /acties/)" = 200 ] || fail "a later request after recovery failed"
done
say "   recovered: /health/ and /acties/ 200 on try $recovered (tries 0.5 s apart), ten more 200; same workers: $workers_after"
say "passed"
