import pytest
from django.urls import reverse

from acties.models import Actie
from tests.factories import PASSWORD, ActieFactory, ActielijnFactory, PijlerFactory
from tests.forms import opened_form

pytestmark = pytest.mark.django_db


def test_anonymous_users_are_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_login_page_has_username_and_password_fields_in_dutch(client):
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="nl"' in html
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert "Inloggen" in html


def test_login_with_wrong_password_shows_a_dutch_error(client, griffie):
    response = client.post(
        "/accounts/login/", {"username": griffie.username, "password": "fout"}
    )
    assert response.status_code == 200
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in (
        response.content.decode()
    )


def test_login_then_overview_shows_pillars_and_action_lines(client, griffie):
    actielijn = ActielijnFactory(naam="Signalering en melden")
    PijlerFactory(programma=actielijn.programma, naam="Slachtoffers beschermen")
    response = client.post(
        "/accounts/login/",
        {"username": griffie.username, "password": PASSWORD},
        follow=True,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert actielijn.programma.titel in html
    assert "Signalering en melden" in html  # in the progress chart
    assert "alleen lezen" in html.lower()  # the griffie only reads actions
    overview = client.get(actielijn.programma.get_absolute_url()).content.decode()
    assert "Slachtoffers beschermen" in overview


def test_officer_is_not_marked_read_only(client, beleidsmedewerker):
    client.force_login(beleidsmedewerker)
    assert "alleen lezen" not in client.get("/").content.decode().lower()


def test_overview_explains_what_to_do_when_empty(client, griffie):
    client.force_login(griffie)
    assert "load_programme" in client.get("/").content.decode()


def test_logout_ends_the_session(client, griffie):
    client.force_login(griffie)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_health_reports_database(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        # No broker configured: jobs run in the process that asks for them.
        "queue": {"broker": "in-process", "wachtend": 0, "mislukt_24u": 0},
    }


@pytest.mark.parametrize("role", ["griffie", "beleidsmedewerker"])
def test_only_coordinators_reach_the_admin(client, request, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get("/admin/acties/actie/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_edit_requires_a_reason_and_records_it(client, coordinator):
    actie = ActieFactory(titel="Oude titel")
    client.force_login(coordinator)
    url = reverse("admin:acties_actie_change", args=[actie.pk])
    form = opened_form(client, url)  # with the version the page was opened from
    form.update(titel="Nieuwe titel", status="lopend", voortgang="10")
    response = client.post(url, form)
    assert response.status_code == 200  # redisplayed: no reason given
    assert "wijzigingsreden" in response.context["adminform"].form.errors
    assert Actie.objects.get(pk=actie.pk).titel == "Oude titel"

    response = client.post(url, {**form, "wijzigingsreden": "Titel verduidelijkt"})
    assert response.status_code == 302
    actie.refresh_from_db()
    assert (actie.titel, actie.status, actie.versie) == ("Nieuwe titel", "lopend", 2)
    row = actie.history.order_by("-history_id").first()
    assert (row.history_user, row.history_change_reason) == (
        coordinator,
        "Titel verduidelijkt",
    )


def test_admin_shows_history_and_offers_no_revert(client, coordinator):
    actie = ActieFactory()
    client.force_login(coordinator)
    response = client.get(reverse("admin:acties_actie_history", args=[actie.pk]))
    assert response.status_code == 200
    assert "Testgegevens" in response.content.decode()  # the change reason
    history_id = actie.history.get().history_id
    url = reverse("admin:acties_actie_simple_history", args=[actie.pk, history_id])
    response = client.get(url)
    assert b'name="_save"' not in response.content  # nothing to revert with


def test_accounts_are_deactivated_never_deleted(client, beleidsmedewerker):
    from django.contrib.auth import get_user_model

    admin_user = get_user_model().objects.create_superuser("beheer", password=PASSWORD)
    client.force_login(admin_user)
    url = reverse("admin:auth_user_delete", args=[beleidsmedewerker.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert get_user_model().objects.filter(pk=beleidsmedewerker.pk).exists()
