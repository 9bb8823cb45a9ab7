"""schemathesis against the published OpenAPI document: every operation, with
a read-write token of each role, finds no server error, no response that
breaks its schema and no status code the document does not name.

The document is the one ``/api/v1/openapi.json`` serves (the same generator,
made at collection, when the database may not be used yet); the calls go to
the application in-process (WSGI), inside the test's transaction.
"""

import copy
import io
import json

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings

from beveiliging.constants import Rol
from historie.records import system_user
from pijlers.models import Programma
from pijlers.services import programma_set_public
from tests.api.conftest import token_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DOCUMENT = json.loads(
    OpenApiJsonRenderer().render(
        SchemaGenerator().get_schema(request=None, public=True)
    )
)
# A write whose body keeps to the document may still break a rule of the
# domain (a reference to a record that does not exist, an end before its
# start, a number already in the register): 400 with the field named is the
# right answer there; and a change without the version it started from, or
# with an old one, is refused by its precondition (428, 412). Reads take no
# such rules: a well-formed read succeeds.
CONFIG = schemathesis.Config.from_dict(
    {
        "operations": [
            {
                "include-method": ["POST", "PATCH", "DELETE"],
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": [
                            "2xx",
                            "400",
                            "401",
                            "403",
                            "404",
                            "409",
                            "412",
                            "428",
                        ]
                    }
                },
            }
        ]
    }
)
# A copy: schemathesis adds the links it infers to the document it is given.
schema = schemathesis.openapi.from_dict(copy.deepcopy(DOCUMENT), config=CONFIG)
schema.app = WSGIHandler()
schema.location = "/api/v1/openapi.json"


@pytest.fixture(autouse=True)
def _one_connection_for_the_test():
    """The calls go through Django's WSGI handler, which closes the database
    connection after each request; inside a test's transaction that would
    close the test's own connection (on PostgreSQL). Django's test client
    keeps it open the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_the_document_tested_is_the_one_published(client):
    assert client.get("/api/v1/openapi.json").json() == DOCUMENT


@pytest.fixture
def bearers(db):
    """The demo programme to read and write, and a read-write token of each
    role (each case is sent once per role)."""
    call_command("load_programme", "--demo", stdout=io.StringIO())
    # Public, so that the public read API has a programme to answer with.
    for programma in Programma.objects.all():
        programma_set_public(
            programma=programma, openbaar=True, user=system_user(), reason="Test"
        )
    return [
        f"Bearer {token_for(UserFactory(role=role))}"
        for role in (Rol.BELEIDSMEDEWERKER, Rol.GRIFFIE, Rol.COORDINATOR)
    ]


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_keeps_to_the_document(case, bearers):
    for bearer in bearers:
        case.call_and_validate(headers={"Authorization": bearer})


# The public read API alone: a document of its paths only.
PUBLIC_DOCUMENT = {
    **copy.deepcopy(DOCUMENT),
    "paths": {
        path: operations
        for path, operations in copy.deepcopy(DOCUMENT)["paths"].items()
        if path.startswith("/api/v1/openbaar/")
    },
}
public = schemathesis.openapi.from_dict(PUBLIC_DOCUMENT, config=CONFIG)
public.app = schema.app


@public.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_public_operations_keep_to_the_document_without_a_token(case, bearers):
    """The public read API (no security in the document) called as the public
    calls it: without any token."""
    case.call_and_validate()


# The chained test's token: schemathesis's auth provider, so that its check of
# ignored authentication knows which header is the valid one.
STATEFUL_TOKEN = {"bearer": ""}


@schema.auth()
class CoordinatorToken:
    def get(self, case, context):
        return STATEFUL_TOKEN["bearer"]

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": data}


Workflow = schema.as_state_machine()


@pytest.mark.django_db
def test_chained_operations_keep_to_the_document(bearers):
    """Stateful: schemathesis chains operations through the links it infers
    (the id of a record just made is used in the next call on it), with a
    coordinator's read-write token."""
    STATEFUL_TOKEN["bearer"] = bearers[2]
    Workflow.TestCase.settings = settings(
        max_examples=15,
        stateful_step_count=6,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    Workflow.TestCase().runTest()
