"""The page frame every signed-in person sees: who they are, where they are."""

import re

import pytest
from django.urls import reverse

from tests.factories import ActieFactory

pytestmark = pytest.mark.django_db


def test_frame_has_skip_link_menu_and_breadcrumbs(client, beleidsmedewerker):
    actie = ActieFactory(code="2.1", titel="Voorlichting op scholen")
    client.force_login(beleidsmedewerker)
    html = client.get(actie.get_absolute_url()).content.decode()
    assert '<a class="utrecht-skip-link' in html and 'href="#inhoud"' in html
    assert 'id="inhoud"' in html
    assert 'aria-label="Hoofdmenu"' in html
    # The section of the page is marked current in the menu.
    assert re.search(r'href="/acties/"\s+aria-current="page">Acties<', html)
    crumbs = html.split('aria-label="Kruimelpad"')[1].split("</nav>")[0]
    assert crumbs.index("Dashboard") < crumbs.index("Acties") < crumbs.index("2.1")
    assert beleidsmedewerker.get_full_name() in html
    assert "(beleidsmedewerker)" in html
    assert "vendor/utrecht-component-library-css/index.css" in html


def test_read_only_marker_only_for_the_griffie(client, griffie, coordinator):
    client.force_login(griffie)
    assert "Acties alleen lezen" in client.get("/").content.decode()
    client.force_login(coordinator)
    html = client.get("/").content.decode()
    assert "alleen lezen" not in html
    assert reverse("admin:index") in html  # coordinators reach the admin


def test_refusal_is_explained_in_dutch(client, griffie):
    client.force_login(griffie)
    response = client.get(reverse("acties:actie-create"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Geen toegang" in html and "Er is niets gewijzigd." in html


def test_unknown_page_is_explained_in_dutch(client, griffie):
    client.force_login(griffie)
    response = client.get("/acties/999999/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


def test_form_errors_are_summarised_and_linked_to_their_fields(
    client, beleidsmedewerker
):
    actie = ActieFactory()
    client.force_login(beleidsmedewerker)
    response = client.post(
        reverse("acties:actie-update", args=[actie.pk]),
        {"actielijn": actie.actielijn_id, "code": "", "titel": "", "status": "x"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Het formulier is niet opgeslagen" in html
    assert '<a class="utrecht-link" href="#id_titel">Titel:' in html
    # The message is tied to its input for screen readers.
    field = re.search(r"<input[^>]*name=\"titel\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="id_titel_error"' in field
    assert 'id="id_titel_error"' in html
