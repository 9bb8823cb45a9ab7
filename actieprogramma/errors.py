"""Error pages: refused access is logged; a database outage is a 503, not a 500.

Both pages must render while the database is away, so the 500 and 503 pages
use no context processors and no database.
"""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

from api.problems import plain_problem
from basis.transactions import is_retryable, sqlstate
from beveiliging.security_log import security_event

try:
    import psycopg
except ImportError:  # SQLite only: no connection to lose.
    psycopg = None

# Besides class 08 (connection exception): the server shut the session down
# (admin_shutdown, e.g. a restart or pg_terminate_backend; crash_shutdown) or
# is still starting and refuses it (cannot_connect_now).
LOST_CONNECTION_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})

# Seconds a client (or load balancer) is asked to wait before trying again.
RETRY_AFTER = 30


def permission_denied(request, exception=None):
    security_event(request, "access", result="refused", obj=request.path)
    return defaults.permission_denied(request, exception)


def server_error(request):
    exception = sys.exc_info()[1]
    if request.path.startswith("/api/"):
        # The API speaks problem details, also when it fails.
        if is_unavailable(exception):
            response = plain_problem(
                request.path, 503, _("De database is even niet bereikbaar.")
            )
            response["Retry-After"] = str(RETRY_AFTER)
            return response
        return plain_problem(
            request.path, 500, _("Er ging iets mis; de fout is vastgelegd.")
        )
    if is_unavailable(exception):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())


def is_unavailable(exception: BaseException | None) -> bool:
    """Whether the request failed because the database was away or too busy.

    A lost or refused connection is an outage whatever a probe finds a moment
    later: after a quick restart the probe gets through, yet this request's
    connection died with the old server. A transaction still aborted as a
    deadlock after its retries (``basis.transactions``) is contention, also
    worth trying again. Any other database error is an outage only if a new
    connection cannot get through; with the database up it is a bug, a 500.
    """
    # InterfaceError (a connection psycopg found unusable) is no DatabaseError.
    if connection_lost(exception) or is_retryable(exception):
        return True
    return isinstance(exception, DatabaseError) and not database_reachable()


def connection_lost(exception: BaseException | None) -> bool:
    """Whether psycopg lost (or never got) its connection to the server.

    psycopg raises its errors about the connection itself (closed, consuming
    input failed, the pool's timeout) without an SQLSTATE; the server's own
    are class 08 or one of the shutdown codes. Django re-raises them as its
    own classes with psycopg's error as ``__cause__``.
    """
    if psycopg is None or not isinstance(exception, OperationalError | InterfaceError):
        return False
    cause = exception.__cause__
    if not isinstance(cause, psycopg.OperationalError | psycopg.InterfaceError):
        return False
    code = sqlstate(cause)
    if code is not None:
        return code.startswith("08") or code in LOST_CONNECTION_SQLSTATES
    # Without a code psycopg speaks of its own state. Only what it says about
    # the connection is an outage ("server closed the connection", "the
    # connection is lost", the pool's "couldn't get a connection"); misuse
    # such as "the cursor is closed" or "another command is already in
    # progress" is a bug, and a bug is a 500.
    return "connection" in str(cause).lower()


def database_reachable() -> bool:
    """Whether a new connection gets through (an SQL error is not an outage).

    A connection of its own: the request's may be broken or inside a
    transaction that must not be disturbed.
    """
    from django.db import DEFAULT_DB_ALIAS, connections

    probe = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        probe.ensure_connection()
    except DatabaseError:
        return False
    finally:
        probe.close()
    return True
