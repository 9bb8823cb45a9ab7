"""gunicorn settings for serving Actieprogramma-tracker in production.

`make serve` uses it; every value can be overridden by the environment
(GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_TIMEOUT,
FORWARDED_ALLOW_IPS).
"""

import multiprocessing
import os

wsgi_app = "actieprogramma.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Synchronous workers, two per core plus one: requests are short and the
# database does the waiting; each worker keeps its own connection pool.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
# An evaluation PDF may take up to PDF_RENDER_TIMEOUT (120 s) to render.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 150))
graceful_timeout = 30
keepalive = 5
# Restart workers now and then so that a slow leak cannot grow unbounded.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Proxies whose scheme headers (X-Forwarded-Proto) gunicorn believes. This does
# not change REMOTE_ADDR: the client's address behind a proxy comes from the
# application's TRUSTED_PROXIES (docs/security.md), which is the default here
# too, so that one list of proxies serves both.
forwarded_allow_ips = (
    os.environ.get("FORWARDED_ALLOW_IPS")
    or os.environ.get("TRUSTED_PROXIES")
    or "127.0.0.1"
)
