"""A list of the API costs the same number of queries for 2 records as for
20: nothing is fetched per record."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from acties import services as acties_services
from tests.api.conftest import client_for
from tests.api.test_roles import READS
from tests.factories import (
    ActieFactory,
    IndicatorFactory,
    OrganisatieFactory,
    RaadsopdrachtActieFactory,
    RaadsopdrachtFactory,
    TussenevaluatieFactory,
    VoortgangsupdateFactory,
)

pytestmark = pytest.mark.django_db


def add_records(n: int, user) -> None:
    for _ in range(n):
        actie = ActieFactory()
        actie.partners.add(OrganisatieFactory())
        VoortgangsupdateFactory(actie=actie)
        acties_services.meting_create(
            indicator=IndicatorFactory(actie=actie),
            datum=datetime.date(2026, 1, 1),
            waarde=Decimal(3),
            user=user,
            reason="Meting",
        )
        opdracht = RaadsopdrachtFactory(programma=actie.programma)
        RaadsopdrachtActieFactory(raadsopdracht=opdracht, actie=actie)
        TussenevaluatieFactory(programma=actie.programma)
        acties_services.opmerking_place(record=actie, tekst="Vraag?", user=user)


def queries(api, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert api.get(url).status_code == 200
    return len(captured.captured_queries)


def test_every_list_costs_the_same_queries_for_few_and_many(coordinator):
    api = client_for(coordinator, "read")
    add_records(2, coordinator)
    for url in READS:
        api.get(url)  # warm: content types, permissions
    few = {url: queries(api, url) for url in READS}
    add_records(18, coordinator)
    many = {url: queries(api, url) for url in READS}
    assert many == few
