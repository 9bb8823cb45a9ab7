"""A lost database connection is a 503 "try again", whatever a probe finds after.

After a quick restart of PostgreSQL a new connection gets through at once, so
the probe in ``actieprogramma.errors`` cannot tell that the requests in flight
lost theirs. The kind of error tells it instead. The PostgreSQL tests break a
real connection: another session ends it with ``pg_terminate_backend``, as a
restart does to every connection.
"""

import psycopg
import pytest
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
)
from django.db.backends.utils import CursorWrapper
from django.urls import reverse

from actieprogramma import errors

pytestmark = pytest.mark.django_db


def failing_queries(monkeypatch, django_class, cause):
    """Every query fails with ``cause``, wrapped by Django as ``django_class``."""

    def fail(self, sql, params=None):
        raise django_class(str(cause)) from cause

    monkeypatch.setattr(CursorWrapper, "execute", fail)


@pytest.mark.parametrize(
    ("django_class", "cause"),
    [
        # What psycopg raises when the server went away mid-request.
        (
            OperationalError,
            psycopg.OperationalError(
                "consuming input failed: server closed the connection unexpectedly"
            ),
        ),
        (OperationalError, psycopg.OperationalError("the connection is closed")),
        (InterfaceError, psycopg.InterfaceError("the connection is lost")),
        # The server's own codes: shut down, crashed, still starting; class 08.
        (OperationalError, psycopg.errors.AdminShutdown("terminating connection")),
        (OperationalError, psycopg.errors.CrashShutdown("crash shutdown")),
        (OperationalError, psycopg.errors.CannotConnectNow("starting up")),
        (OperationalError, psycopg.errors.ConnectionFailure("connection failure")),
    ],
    ids=lambda value: (
        value.__name__
        if isinstance(value, type)
        else (value.sqlstate or type(value).__name__)
    ),
)
def test_a_lost_connection_is_a_503_even_when_a_probe_gets_through(
    client, beleidsmedewerker, monkeypatch, django_class, cause
):
    client.force_login(beleidsmedewerker)
    monkeypatch.setattr(errors, "database_reachable", lambda: True)
    failing_queries(monkeypatch, django_class, cause)
    client.raise_request_exception = False

    response = client.get(reverse("acties:actie-list"))

    assert response.status_code == 503
    assert response["Retry-After"] == str(errors.RETRY_AFTER)
    assert "Tijdelijk niet beschikbaar" in response.content.decode()


@pytest.mark.parametrize(
    ("django_class", "cause"),
    [
        (DatabaseError, psycopg.errors.UndefinedTable('relation "x" does not exist')),
        (OperationalError, psycopg.errors.QueryCanceled("statement timeout")),
        (OperationalError, psycopg.errors.DiskFull("could not extend file")),
        # psycopg's own complaints about misuse: bugs, not outages.
        (InterfaceError, psycopg.InterfaceError("the cursor is closed")),
        (
            OperationalError,
            psycopg.OperationalError("another command is already in progress"),
        ),
    ],
    ids=lambda value: (
        value.__name__
        if isinstance(value, type)
        else (value.sqlstate or type(value).__name__)
    ),
)
def test_other_database_errors_with_the_database_up_stay_a_500(
    client, beleidsmedewerker, monkeypatch, django_class, cause
):
    """Not every OperationalError is an outage: a timeout or a full disk is not."""
    client.force_login(beleidsmedewerker)
    monkeypatch.setattr(errors, "database_reachable", lambda: True)
    failing_queries(monkeypatch, django_class, cause)
    client.raise_request_exception = False
    assert client.get(reverse("acties:actie-list")).status_code == 500


# --- PostgreSQL: a real connection ended under the application ---------------------


def terminate_request_connection() -> None:
    """End this thread's connection from another session, as a restart does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    database = connection.settings_dict
    with psycopg.connect(
        host=database["HOST"],
        port=database["PORT"] or 5432,
        user=database["USER"],
        dbname=database["NAME"],
        autocommit=True,
    ) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_connection_ended_by_the_server_is_a_503_not_a_500(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("beheer"))
    terminate_request_connection()
    client.raise_request_exception = False
    try:
        response = client.get(reverse("acties:actie-list"))
    finally:
        connection.close()  # the dead one, before the test's teardown uses it

    # The database itself is up: the old probe alone answered 500 here.
    assert errors.database_reachable() is True
    assert response.status_code == 503
    assert response["Retry-After"] == str(errors.RETRY_AFTER)
    assert "Tijdelijk niet beschikbaar" in response.content.decode()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_the_next_request_gets_a_new_connection_instead_of_the_dead_one(
    client, django_user_model, settings
):
    """A connection kept between requests (CONN_MAX_AGE) that a restart ended.

    Nothing failed on it before, so only the health check at the start of the
    next request (CONN_HEALTH_CHECKS) finds it dead and opens a new one.
    """
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    connection.settings_dict["CONN_MAX_AGE"] = 600
    try:
        client.force_login(django_user_model.objects.create_superuser("beheer"))
        close_old_connections()  # the end of an earlier request: kept open
        terminate_request_connection()
        # The test client leaves the request signals' handlers out; a server
        # runs them at the start of every request.
        close_old_connections()

        assert client.get(reverse("acties:actie-list")).status_code == 200
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = 0
        connection.close()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_an_sql_error_on_postgresql_is_still_a_500(
    client, django_user_model, monkeypatch
):
    """A real error from the server (a statement timeout), with the database up."""
    client.force_login(django_user_model.objects.create_superuser("beheer"))
    real = CursorWrapper.execute

    def slow(self, sql, params=None):
        if "acties_actie" in sql:
            real(self, "SET LOCAL statement_timeout = 10", None)
            return real(self, "SELECT pg_sleep(1)", None)
        return real(self, sql, params)

    monkeypatch.setattr(CursorWrapper, "execute", slow)
    client.raise_request_exception = False

    assert client.get(reverse("acties:actie-list")).status_code == 500
