"""The request transaction: all of a request's writes or none, retried on contention.

Every view runs in one database transaction, as ``ATOMIC_REQUESTS`` would run
it, so that a request failing after its service saved (building the answer, a
message, a redirect) leaves nothing behind. Unlike ``ATOMIC_REQUESTS``, a
transaction that PostgreSQL itself aborts because of concurrent writers — a
deadlock (SQLSTATE 40P01) or a serialization failure (40001) — is run again, a
few times with a short random pause, before the request gives up. Those two
codes mean "nothing of yours was kept, the same work may well succeed now"; the
person should not see an error for a collision they could not have caused.
Every other error is raised at once: repeating a bug or an outage only delays
the answer. After the last attempt the error page is a 503 "try again"
(``actieprogramma.errors``), not a 500.

A view marked with ``django.db.transaction.non_atomic_requests`` runs outside
it, as with ``ATOMIC_REQUESTS``.
"""

import logging
import random
import time

from django.db import DEFAULT_DB_ALIAS, DatabaseError, transaction

logger = logging.getLogger(__name__)

# deadlock_detected and serialization_failure: PostgreSQL rolled the
# transaction back because of another one, not because of what it did.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})
# Attempts in all, the first included. Contention that outlasts three short
# attempts is better reported than queued behind.
ATTEMPTS = 3
# Seconds of the random pause before attempt n+1: up to n times this, so that
# two writers that collided do not collide again in step.
BACKOFF = 0.05


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a database error, looking through Django's wrapper.

    Django re-raises a driver's error as its own class (``django.db.utils``)
    with the driver's error as ``__cause__``; only the latter carries the code
    (``sqlstate`` in psycopg 3, ``pgcode`` in psycopg2).
    """
    for error in (exc, exc.__cause__):
        code = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
        if code:
            return code
    return None


def is_retryable(exc: BaseException) -> bool:
    """Whether the database aborted the transaction for a concurrent one's sake."""
    return isinstance(exc, DatabaseError) and sqlstate(exc) in RETRYABLE_SQLSTATES


class RequestTransactionMiddleware:
    """Runs each view in a transaction of its own, retried on deadlock.

    It works in ``process_view`` so that, like ``ATOMIC_REQUESTS``, the
    transaction holds only the view: the session, the security log and the
    rendering of a template response stay outside it. Returning the view's
    answer ends the view middleware, so it comes after every other middleware
    that has a ``process_view`` (CSRF). An exception from the view leaves the
    transaction rolled back and goes on to Django's error handling as before.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if DEFAULT_DB_ALIAS in getattr(view_func, "_non_atomic_requests", ()):
            return None
        return run_atomic(request, view_func, view_args, view_kwargs)


def run_atomic(request, view_func, view_args, view_kwargs):
    """The view's answer from the first attempt whose transaction was not aborted."""
    messages_before = len(_queued_messages(request))
    for attempt in range(1, ATTEMPTS):
        try:
            with transaction.atomic(using=DEFAULT_DB_ALIAS):
                return view_func(request, *view_args, **view_kwargs)
        except DatabaseError as exc:
            if not is_retryable(exc):
                raise
            logger.warning(
                "Request transaction aborted by the database (SQLSTATE %s), "
                "attempt %d of %d: %s %s",
                sqlstate(exc),
                attempt,
                ATTEMPTS,
                request.method,
                request.path,
            )
        _undo_attempt(request, messages_before)
        time.sleep(random.uniform(0, BACKOFF * attempt))  # noqa: S311 (jitter, not a secret)
    # The last attempt: whatever it raises is the answer (a 503 for contention).
    with transaction.atomic(using=DEFAULT_DB_ALIAS):
        return view_func(request, *view_args, **view_kwargs)


def _queued_messages(request) -> list:
    # django.contrib.messages keeps the messages a request adds in its storage's
    # _queued_messages until the answer is sent; there is no public way to take
    # one back.
    storage = getattr(request, "_messages", None)
    return getattr(storage, "_queued_messages", [])


def _undo_attempt(request, messages_before: int) -> None:
    """Forget what a rolled-back attempt left on the request itself.

    Its messages ("saved") would otherwise be shown twice, or for a change that
    was never kept; an uploaded file was read to its end and must be read again
    from the start.
    """
    del _queued_messages(request)[messages_before:]
    # Only files already parsed: parsing the body now could fail on a stream
    # the view consumed itself.
    files = request.__dict__.get("_files")
    if files is not None:
        for _name, uploads in files.lists():
            for upload in uploads:
                upload.seek(0)
