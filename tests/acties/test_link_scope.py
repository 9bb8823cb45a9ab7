"""A mandate is linked only to actions of the programmes it belongs to.

Without this rule a mandate of one programme could be linked to another
programme's action and so appear on that programme's pages and open data.
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from acties import services
from acties.models import Raadsopdracht, RaadsopdrachtActie
from tests.factories import ActieFactory, ActielijnFactory, RaadsopdrachtFactory
from tests.forms import opened_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_programmes():
    eigen = ActielijnFactory(nummer=1)
    ander = ActielijnFactory(nummer=1)
    return {
        "actie": ActieFactory(actielijn=eigen, code="1.1"),
        "actie_elders": ActieFactory(actielijn=ander, code="1.1"),
        "eigen": RaadsopdrachtFactory(nummer="I", programma=eigen.programma),
        "elders": RaadsopdrachtFactory(nummer="II", programma=ander.programma),
        "overstijgend": RaadsopdrachtFactory(nummer="H.4", programmaoverstijgend=True),
        "los": RaadsopdrachtFactory(nummer="T.1"),
    }


def link(opdracht, actie, user, **kwargs):
    return services.raadsopdracht_actie_link(
        raadsopdracht=opdracht, actie=actie, toelichting="Voert uit", user=user,
        **kwargs,
    )  # fmt: skip


def test_the_service_refuses_a_mandate_of_another_programme(
    beleidsmedewerker, two_programmes
):
    w = two_programmes
    with pytest.raises(ValidationError) as excinfo:
        link(w["elders"], w["actie"], beleidsmedewerker)
    message = excinfo.value.message_dict["raadsopdracht"][0]
    assert message == (
        f"Raadsopdracht II hoort bij het programma ‘{w['elders'].programma}’ en "
        f"kan niet worden gekoppeld aan een actie van ‘{w['actie'].programma}’. "
        "Geef bij de raadsopdracht aan dat zij voor meer programma's geldt als dat "
        "zo is."
    )
    assert not RaadsopdrachtActie.objects.exists()
    assert not RaadsopdrachtActie.history.exists()


def test_the_service_refuses_a_mandate_of_no_programme(
    beleidsmedewerker, two_programmes
):
    with pytest.raises(ValidationError) as excinfo:
        link(two_programmes["los"], two_programmes["actie"], beleidsmedewerker)
    assert "hoort bij geen programma" in excinfo.value.message_dict["raadsopdracht"][0]
    assert not RaadsopdrachtActie.objects.exists()


def test_the_service_links_within_the_programme_and_spanning_mandates_anywhere(
    beleidsmedewerker, two_programmes
):
    w = two_programmes
    link(w["eigen"], w["actie"], beleidsmedewerker)
    link(w["overstijgend"], w["actie"], beleidsmedewerker)
    link(w["overstijgend"], w["actie_elders"], beleidsmedewerker)
    assert RaadsopdrachtActie.objects.count() == 3
    koppeling = RaadsopdrachtActie.objects.get(raadsopdracht=w["eigen"])
    assert koppeling.toelichting_openbaar is False


def test_the_scope_is_checked_against_the_stored_mandate(
    beleidsmedewerker, two_programmes
):
    """A caller holding an old copy that spanned programmes cannot link with it."""
    w = two_programmes
    stale = Raadsopdracht.objects.get(pk=w["elders"].pk)
    stale.programmaoverstijgend = True
    with pytest.raises(ValidationError):
        link(stale, w["actie"], beleidsmedewerker)
    assert not RaadsopdrachtActie.objects.exists()


def test_the_form_on_an_action_offers_only_mandates_in_scope(
    client, beleidsmedewerker, two_programmes
):
    w = two_programmes
    url = reverse("acties:actie-koppelen", args=[w["actie"].pk])
    client.force_login(beleidsmedewerker)
    offered = set(client.get(url).context["form"].fields["raadsopdracht"].queryset)
    assert offered == {w["eigen"], w["overstijgend"]}

    response = client.post(
        url, {"raadsopdracht": w["elders"].pk, "toelichting": "Past toch."}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["raadsopdracht"] == [
        "Kies een raadsopdracht uit de lijst: een opdracht van een ander programma "
        "kan niet aan deze actie worden gekoppeld."
    ]
    assert not RaadsopdrachtActie.objects.exists()


def test_the_form_on_a_mandate_offers_only_actions_of_its_programme(
    client, griffie, two_programmes
):
    w = two_programmes
    url = reverse("acties:raadsopdracht-koppelen", args=[w["eigen"].pk])
    client.force_login(griffie)
    offered = set(client.get(url).context["form"].fields["actie"].queryset)
    assert offered == {w["actie"]}

    response = client.post(
        url, {"actie": w["actie_elders"].pk, "toelichting": "Past toch."}
    )
    assert response.status_code == 200
    assert (
        "alleen acties van het programma"
        in (response.context["form"].errors["actie"][0])
    )
    assert not RaadsopdrachtActie.objects.exists()

    # A mandate that belongs nowhere offers nothing; one that spans, everything.
    url = reverse("acties:raadsopdracht-koppelen", args=[w["los"].pk])
    assert not client.get(url).context["form"].fields["actie"].queryset.exists()
    url = reverse("acties:raadsopdracht-koppelen", args=[w["overstijgend"].pk])
    offered = set(client.get(url).context["form"].fields["actie"].queryset)
    assert offered == {w["actie"], w["actie_elders"]}


def test_the_form_makes_a_note_public_only_when_asked(
    client, beleidsmedewerker, two_programmes
):
    w = two_programmes
    client.force_login(beleidsmedewerker)
    url = reverse("acties:actie-koppelen", args=[w["actie"].pk])
    page = client.get(url).content.decode()
    assert 'name="toelichting_openbaar"' in page
    client.post(url, {"raadsopdracht": w["eigen"].pk, "toelichting": "Intern."})
    client.post(
        url,
        {
            "raadsopdracht": w["overstijgend"].pk,
            "toelichting": "Voor iedereen.",
            "toelichting_openbaar": "on",
        },
    )
    flags = dict(
        RaadsopdrachtActie.objects.values_list("toelichting", "toelichting_openbaar")
    )
    assert flags == {"Intern.": False, "Voor iedereen.": True}


def test_a_linked_mandate_does_not_move_away_from_its_actions(griffie, two_programmes):
    w = two_programmes
    link(w["eigen"], w["actie"], griffie)
    with pytest.raises(ValidationError) as excinfo:
        services.raadsopdracht_update(
            raadsopdracht=w["eigen"], programma=w["elders"].programma,
            user=griffie, reason="Verhuisd",
        )  # fmt: skip
    assert (
        "gekoppeld aan acties van een ander programma (1.1"
        in (excinfo.value.message_dict["programma"][0])
    )
    overstijgend = Raadsopdracht.objects.get(pk=w["overstijgend"].pk)
    link(overstijgend, w["actie_elders"], griffie)
    with pytest.raises(ValidationError) as excinfo:
        services.raadsopdracht_update(
            raadsopdracht=overstijgend, programma=w["actie"].programma,
            programmaoverstijgend=False, user=griffie, reason="Toch één programma",
        )  # fmt: skip
    assert "programma" in excinfo.value.message_dict
    # Moving it together with the claim that it spans programmes is fine.
    services.raadsopdracht_update(
        raadsopdracht=Raadsopdracht.objects.get(pk=w["eigen"].pk),
        programma=w["elders"].programma, programmaoverstijgend=True,
        user=griffie, reason="Geldt voor beide",
    )  # fmt: skip


def test_motion_h4_of_the_seed_data_spans_programmes():
    call_command("load_programme", stdout=io.StringIO())
    h4 = Raadsopdracht.objects.get(nummer="H.4")
    assert (h4.programma, h4.programmaoverstijgend) == (None, True)
    assert [k.actie.code for k in h4.actie_koppelingen.all()] == ["5.1"]


# --- the admin saves links itself: the same rule there ---------------------------


def test_the_admin_refuses_a_link_outside_the_mandates_programme(
    client, coordinator, two_programmes
):
    w = two_programmes
    client.force_login(coordinator)
    url = reverse("admin:acties_raadsopdrachtactie_add")
    data = opened_form(client, url)
    data.update(
        raadsopdracht=w["elders"].pk,
        actie=w["actie"].pk,
        toelichting="Via het beheer",
        wijzigingsreden="Proberen",
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "kan niet worden gekoppeld aan een actie van" in response.content.decode()
    assert not RaadsopdrachtActie.objects.exists()

    data.update(raadsopdracht=w["eigen"].pk)
    assert client.post(url, data).status_code == 302
    assert RaadsopdrachtActie.objects.get().raadsopdracht == w["eigen"]


def test_the_admins_mandate_page_refuses_an_inline_link_outside_its_programme(
    client, coordinator, two_programmes
):
    w = two_programmes
    opdracht = w["elders"]
    client.force_login(coordinator)
    url = reverse("admin:acties_raadsopdracht_change", args=[opdracht.pk])
    data = opened_form(client, url)
    prefix = "actie_koppelingen"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(total + 1),
            f"{prefix}-{total}-actie": str(w["actie"].pk),
            f"{prefix}-{total}-toelichting": "Via de inline",
            f"{prefix}-{total}-raadsopdracht": str(opdracht.pk),
            "wijzigingsreden": "Koppelen",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "kan niet worden gekoppeld aan een actie van" in response.content.decode()
    assert not RaadsopdrachtActie.objects.exists()

    # Marked as spanning programmes on the same page, the link is allowed.
    data["programmaoverstijgend"] = "on"
    assert client.post(url, data).status_code == 302
    assert RaadsopdrachtActie.objects.get().actie == w["actie"]


def test_the_mandate_form_offers_spanning_programmes_and_the_measurement_a_public_note(
    client, griffie, beleidsmedewerker, two_programmes, world
):
    w = two_programmes
    client.force_login(griffie)
    url = reverse("acties:raadsopdracht-update", args=[w["los"].pk])
    data = opened_form(client, url)
    assert "programmaoverstijgend" not in data  # shown, not ticked
    data.update(programmaoverstijgend="on", reden="Geldt ook na 2028")
    assert client.post(url, data).status_code == 302
    assert Raadsopdracht.objects.get(pk=w["los"].pk).programmaoverstijgend

    client.force_login(beleidsmedewerker)
    url = reverse("acties:meting-update", args=[world["meting"].pk])
    data = opened_form(client, url)
    data.update(toelichting="Telling van de GGD", toelichting_openbaar="on")
    assert client.post(url, data).status_code == 302
    world["meting"].refresh_from_db()
    assert world["meting"].toelichting_openbaar


# --- moving either side out of the scope (found in review) --------------------------


def test_an_action_does_not_move_to_another_programme_away_from_its_mandates(
    client, beleidsmedewerker, coordinator, two_programmes
):
    w = two_programmes
    link(w["eigen"], w["actie"], beleidsmedewerker)
    elders_lijn = w["actie_elders"].actielijn
    with pytest.raises(ValidationError) as refused:
        services.actie_update(
            actie=w["actie"], versie=None, actielijn=elders_lijn,
            user=beleidsmedewerker, reason="Verhuisd",
        )  # fmt: skip
    assert "raadsopdracht I uit" in refused.value.message_dict["actielijn"][0]

    client.force_login(beleidsmedewerker)
    url = reverse("acties:actie-update", args=[w["actie"].pk])
    data = opened_form(client, url)
    data.update(actielijn=str(elders_lijn.pk), reden="Verhuisd")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "raadsopdracht I uit" in response.content.decode()

    client.force_login(coordinator)
    url = reverse("admin:acties_actie_change", args=[w["actie"].pk])
    data = opened_form(client, url)
    data.update(actielijn=str(elders_lijn.pk), wijzigingsreden="Verhuisd")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "raadsopdracht I uit" in response.content.decode()
    w["actie"].refresh_from_db()
    assert w["actie"].actielijn != elders_lijn


def test_the_admin_does_not_move_a_linked_mandate_away_from_its_actions(
    client, beleidsmedewerker, coordinator, two_programmes
):
    w = two_programmes
    link(w["eigen"], w["actie"], beleidsmedewerker)
    client.force_login(coordinator)
    url = reverse("admin:acties_raadsopdracht_change", args=[w["eigen"].pk])
    data = opened_form(client, url)
    data.update(
        programma=str(w["actie_elders"].programma_id), wijzigingsreden="Verhuisd"
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "gekoppeld aan acties van een ander programma" in (response.content.decode())
    w["eigen"].refresh_from_db()
    assert w["eigen"].programma_id == w["actie"].programma_id


def test_the_admin_cannot_settle_a_mandate_around_the_settlement_rules(
    client, coordinator
):
    """Settling needs a date and a document (raadsopdracht_settle); the admin
    shows the settlement but does not change it."""
    opdracht = RaadsopdrachtFactory()
    client.force_login(coordinator)
    url = reverse("admin:acties_raadsopdracht_change", args=[opdracht.pk])
    data = opened_form(client, url)
    assert "status" not in data
    data.update(
        status="afgedaan",
        afdoeningsdocument="",
        titel="Nieuwe titel",
        wijzigingsreden="Titel verbeterd",
    )
    assert client.post(url, data).status_code == 302

    opdracht.refresh_from_db()
    assert opdracht.titel == "Nieuwe titel"
    assert opdracht.status == "open"
    assert opdracht.afgedaan_op is None
