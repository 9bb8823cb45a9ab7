"""Error pages: refused access is logged; a database outage is a 503, not a 500.

Both pages must render while the database is away, so the 500 and 503 pages
use no context processors and no database.
"""

import sys

from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views import defaults

from pijlers.security_log import security_event
from pijlers.transactions import is_retryable

# Seconds a client (or load balancer) is asked to wait before trying again.
RETRY_AFTER = 30


def permission_denied(request, exception=None):
    security_event(request, "access", result="refused", obj=request.path)
    return defaults.permission_denied(request, exception)


def server_error(request):
    exception = sys.exc_info()[1]
    if is_unavailable(exception):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())


def is_unavailable(exception: BaseException | None) -> bool:
    """Whether the request failed because the database was away or too busy.

    A transaction still aborted as a deadlock after its retries
    (``pijlers.transactions``) is contention, worth trying again. Any other
    database error is an outage only if a new connection cannot get through;
    with the database up it is a bug, a 500.
    """
    if is_retryable(exception):
        return True
    return isinstance(exception, DatabaseError) and not database_reachable()


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
