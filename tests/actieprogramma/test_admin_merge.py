"""Two coordinators change one record in the admin: neither undoes the other."""

import pytest
from django.test import Client
from django.urls import reverse

from acties.models import Actie, Organisatie
from tests.factories import ActielijnFactory, OrganisatieFactory, UserFactory
from tests.forms import form_data, opened_form

pytestmark = pytest.mark.django_db


def coordinator(name: str) -> Client:
    client = Client()
    client.force_login(
        UserFactory(role="coordinator", username=name, first_name=name, is_staff=True)
    )
    return client


@pytest.fixture
def organisatie():
    return OrganisatieFactory(naam="Politie eenheid Den Haag", afkorting="")


def change_url(organisatie):
    return reverse("admin:acties_organisatie_change", args=[organisatie.pk])


def test_each_coordinator_saves_only_what_they_changed(organisatie):
    anna, bram = coordinator("anna"), coordinator("bram")
    url = change_url(organisatie)
    anna_form, bram_form = opened_form(anna, url), opened_form(bram, url)
    assert "basis" in anna_form

    anna_form.update(afkorting="PDH", wijzigingsreden="Afkorting aangevuld")
    assert anna.post(url, anna_form).status_code == 302
    bram_form.update(soort="politie", wijzigingsreden="Soort verbeterd")
    assert bram.post(url, bram_form).status_code == 302

    organisatie.refresh_from_db()
    assert (organisatie.afkorting, organisatie.soort) == ("PDH", "politie")
    newest = organisatie.history.order_by("-history_id").first()
    assert (newest.history_user.username, newest.afkorting) == ("bram", "PDH")


def test_a_field_both_changed_is_refused_once_and_names_the_other_value(
    organisatie,
):
    anna, bram = coordinator("anna"), coordinator("bram")
    url = change_url(organisatie)
    anna_form, bram_form = opened_form(anna, url), opened_form(bram, url)
    anna_form.update(naam="Politie Den Haag", wijzigingsreden="Korter")
    assert anna.post(url, anna_form).status_code == 302
    rows = organisatie.history.count()

    bram_form.update(naam="Politie Haaglanden", afkorting="PH", wijzigingsreden="Regio")
    response = bram.post(url, bram_form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "heeft dit veld intussen gewijzigd" in html
    assert "Politie Den Haag" in html
    assert organisatie.history.count() == rows
    assert Organisatie.objects.get(pk=organisatie.pk).naam == "Politie Den Haag"

    # Saving again is Bram's deliberate choice for his own name; his other
    # change goes with it.
    again = form_data(html)
    assert again["naam"] == "Politie Haaglanden"
    assert bram.post(url, again).status_code == 302
    organisatie.refresh_from_db()
    assert (organisatie.naam, organisatie.afkorting) == ("Politie Haaglanden", "PH")


def test_a_save_that_lands_while_the_page_is_posted_is_not_overwritten(
    organisatie, monkeypatch
):
    """The admin locks the record before it compares: another person's save
    that comes in just before is seen as a conflict, never silently lost."""
    import basis.admin

    anna, bram = coordinator("anna"), coordinator("bram")
    url = change_url(organisatie)
    bram_form = opened_form(bram, url)
    anna_form = opened_form(anna, url)
    anna_form.update(naam="Politie Den Haag", wijzigingsreden="Korter")
    real_lock = basis.admin.lock_chains

    def anna_saves_first(using):
        monkeypatch.setattr(basis.admin, "lock_chains", real_lock)
        assert anna.post(url, anna_form).status_code == 302
        real_lock(using)

    monkeypatch.setattr(basis.admin, "lock_chains", anna_saves_first)
    bram_form.update(naam="Politie Haaglanden", wijzigingsreden="Regio")
    response = bram.post(url, bram_form)
    assert response.status_code == 200
    assert "heeft dit veld intussen gewijzigd" in response.content.decode()
    assert Organisatie.objects.get(pk=organisatie.pk).naam == "Politie Den Haag"


def test_an_action_can_be_added_in_the_admin(world_for_admin):
    client = coordinator("anna")
    url = reverse("admin:acties_actie_add")
    data = opened_form(client, url)
    data.update(
        actielijn=str(world_for_admin.pk),
        code="9.1",
        titel="Nieuw in het beheer",
        status="gepland",
        voortgang="0",
        wijzigingsreden="Aangemaakt in het beheer",
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    actie = Actie.objects.get(code="9.1")
    assert actie.programma_id == world_for_admin.programma_id
    assert actie.history.get().history_change_reason == "Aangemaakt in het beheer"


@pytest.fixture
def world_for_admin():
    return ActielijnFactory()
