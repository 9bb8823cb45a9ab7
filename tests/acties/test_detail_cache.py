"""An action's page is served from the fragment cache, and never stale.

The cache key holds the newest history id of every tracked table, so any
recorded change, to the action or to anything its page shows, makes a new key.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from acties import services
from historie.cache import history_generation
from historie.records import system_user


def page(client, actie) -> str:
    response = client.get(reverse("acties:actie-detail", args=[actie.pk]))
    assert response.status_code == 200
    return response.content.decode()


def queries(client, actie) -> int:
    with CaptureQueriesContext(connection) as ctx:
        page(client, actie)
    return len(ctx.captured_queries)


def test_second_visit_is_served_from_the_cache(client, coordinator, world):
    client.force_login(coordinator)
    first = queries(client, world["actie"])
    second = queries(client, world["actie"])
    # Session, user, groups, the two permission lookups and the generation, and
    # the savepoint and release of the request's transaction, and the remarks
    # with their replies (per reader, never cached). The first visit reads the
    # record, its relations (documents among them) and their history.
    assert (first, second) == (25, 10)


def test_generation_moves_with_every_recorded_change(world):
    before = history_generation()
    services.meting_create(
        indicator=world["indicator"],
        user=system_user(),
        reason="Nieuwe meting",
        datum="2026-03-01",
        waarde=Decimal(7),
    )
    assert history_generation() != before


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        (
            lambda w, u: services.actie_update(
                actie=w["actie"], versie=None, user=u, reason="Titel",
                titel="Nieuwe titel van de actie",
            ),
            "Nieuwe titel van de actie",
        ),
        (
            lambda w, u: services.raadsopdracht_update(
                raadsopdracht=w["raadsopdracht"], user=u, reason="Titel",
                titel="Hernoemde raadsopdracht",
            ),
            "Hernoemde raadsopdracht",
        ),
        (
            lambda w, u: services.meting_create(
                indicator=w["indicator"], user=u, reason="Meting",
                datum="2026-04-01", waarde=Decimal("123.5"),
            ),
            "123,5",
        ),
        (
            lambda w, u: services.voortgangsupdate_create(
                actie=w["actie"], user=u, reason="Update", datum="2026-04-02",
                tekst="Werkbezoek afgerond",
            ),
            "Werkbezoek afgerond",
        ),
        (
            lambda w, u: services.organisatie_update(
                organisatie=w["organisatie"], user=u, reason="Naam",
                naam="Politie Haaglanden",
            ),
            "Politie Haaglanden",
        ),
    ],
)  # fmt: skip
def test_a_change_shows_at_once_after_a_cached_visit(
    client, coordinator, world, change, shown
):
    client.force_login(coordinator)
    assert shown not in page(client, world["actie"])
    change(world, coordinator)
    assert shown in page(client, world["actie"])


def test_each_role_gets_its_own_buttons_from_the_cache(
    client, coordinator, griffie, world
):
    edit = reverse("acties:actie-update", args=[world["actie"].pk])
    client.force_login(coordinator)
    assert edit in page(client, world["actie"])
    client.force_login(griffie)
    assert edit not in page(client, world["actie"])
    client.force_login(coordinator)
    assert edit in page(client, world["actie"])


def test_a_missing_action_is_404_and_not_cached(client, coordinator, world):
    client.force_login(coordinator)
    url = reverse("acties:actie-detail", args=[world["actie"].pk + 1000])
    assert client.get(url).status_code == 404
    assert client.get(url).status_code == 404
