"""The filter forms, the dashboard and the history's total are kept per data
generation: a second visit renders them from the cache, and any recorded
change shows at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ActieFactory, ProgrammaFactory

pytestmark = pytest.mark.django_db


def queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


@pytest.mark.parametrize("url", ["/acties/", "/raadsopdrachten/", "/historie/", "/"])
def test_a_second_visit_is_cheaper_and_a_change_shows_at_once(client, coordinator, url):
    actie = ActieFactory()
    client.force_login(coordinator)
    first, _page = queries(client, url)
    second, page = queries(client, url)
    assert second < first
    assert "Nieuw programma voor de filter" not in page
    # A new programme is recorded in the history: a new generation.
    ProgrammaFactory(titel="Nieuw programma voor de filter")
    third, page = queries(client, url + f"?programma={actie.programma_id}")
    if url != "/":
        assert "Nieuw programma voor de filter" in page
    assert third >= second


def test_the_filter_keeps_what_was_asked(client, coordinator):
    actie = ActieFactory(titel="Zoekbaar")
    client.force_login(coordinator)
    for q in ("eerste", "tweede"):
        _count, page = queries(client, f"/acties/?q={q}")
        assert f'value="{q}"' in page
    _count, page = queries(client, f"/acties/?programma={actie.programma_id}")
    assert f'<option value="{actie.programma_id}" selected>' in page
