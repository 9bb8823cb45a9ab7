"""Review remarks: whoever may read a record asks about it without changing it;
answers go in the thread; only the asker marks a question answered; remarks
are withdrawn visibly, never deleted, and never reach the public page."""

import pytest
from django.urls import reverse

from acties import services
from acties.models import Actie, Opmerking
from tests.factories import ActieFactory, RaadsopdrachtFactory, UserFactory

pytestmark = pytest.mark.django_db

VRAAG = "Wanneer start de pilot met de hotelbranche?"


def place(client, record, tekst=VRAAG):
    name = (
        "acties:actie-opmerking-create"
        if isinstance(record, Actie)
        else "acties:raadsopdracht-opmerking-create"
    )
    return client.post(reverse(name, args=[record.pk]), {"tekst": tekst})


def test_the_griffie_asks_about_an_action_and_still_cannot_change_it(client, griffie):
    actie = ActieFactory(titel="Certificering hotels")
    versions = actie.history.count()
    client.force_login(griffie)

    response = place(client, actie)

    assert response.status_code == 302
    vraag = Opmerking.objects.get()
    assert response.url == f"{actie.get_absolute_url()}#opmerking-{vraag.pk}"
    assert (vraag.actie, vraag.auteur, vraag.tekst) == (actie, griffie, VRAAG)
    row = vraag.history.get()
    assert (row.history_user, row.history_change_reason) == (
        griffie,
        "Opmerking geplaatst",
    )
    # The action itself is untouched, and its edit page is still refused.
    assert actie.history.count() == versions
    update = reverse("acties:actie-update", args=[actie.pk])
    assert client.post(update, {"titel": "Door de griffie"}).status_code == 403
    actie.refresh_from_db()
    assert actie.titel == "Certificering hotels"
    page = client.get(actie.get_absolute_url()).content.decode()
    assert VRAAG in page
    assert "open vraag" in page


def test_officer_answers_and_only_the_asker_marks_it_answered(
    client, griffie, beleidsmedewerker
):
    opdracht = RaadsopdrachtFactory()
    vraag = services.opmerking_place(record=opdracht, tekst=VRAAG, user=griffie)
    client.force_login(beleidsmedewerker)
    response = client.post(
        reverse("acties:opmerking-reply", args=[vraag.pk]),
        {"tekst": "In februari, na het overleg met de branche."},
    )
    assert response.status_code == 302
    antwoord = vraag.reacties.get()
    assert antwoord.raadsopdracht == opdracht
    assert antwoord.auteur == beleidsmedewerker

    answered = reverse("acties:opmerking-beantwoord", args=[vraag.pk])
    assert client.post(answered).status_code == 403  # not the asker
    vraag.refresh_from_db()
    assert not vraag.beantwoord

    client.force_login(griffie)
    assert client.post(answered).status_code == 302
    vraag.refresh_from_db()
    assert vraag.beantwoord
    assert vraag.history.first().history_change_reason == (
        "Vraag als beantwoord gemarkeerd"
    )
    assert client.post(answered).status_code == 403  # not open any more


def test_only_the_author_edits_or_withdraws_and_withdrawn_stays_visible(
    client, griffie, beleidsmedewerker, coordinator
):
    actie = ActieFactory()
    vraag = services.opmerking_place(record=actie, tekst=VRAAG, user=griffie)
    for other in (beleidsmedewerker, coordinator):
        client.force_login(other)
        for name in ("acties:opmerking-update", "acties:opmerking-withdraw"):
            url = reverse(name, args=[vraag.pk])
            assert client.get(url).status_code == 403
            assert client.post(url, {"tekst": "x", "reden": "x"}).status_code == 403
    vraag.refresh_from_db()
    assert (vraag.tekst, vraag.ingetrokken) == (VRAAG, False)

    client.force_login(griffie)
    response = client.post(
        reverse("acties:opmerking-update", args=[vraag.pk]),
        {"tekst": "Wanneer start de pilot precies?", "reden": "Scherper gevraagd"},
    )
    assert response.status_code == 302
    old, new = vraag.history.order_by("history_id")
    assert old.tekst == VRAAG and new.tekst == "Wanneer start de pilot precies?"
    assert new.history_change_reason == "Scherper gevraagd"

    withdraw = reverse("acties:opmerking-withdraw", args=[vraag.pk])
    response = client.post(withdraw, {"reden": ""})
    assert response.status_code == 200  # a reason is needed
    response = client.post(withdraw, {"reden": "Al besproken in de commissie"})
    assert response.status_code == 302
    vraag.refresh_from_db()
    assert vraag.ingetrokken
    assert Opmerking.objects.filter(pk=vraag.pk).exists()
    page = client.get(actie.get_absolute_url()).content.decode()
    assert "<del>Wanneer start de pilot precies?</del>" in page
    assert "ingetrokken" in page
    # No replies to a withdrawn question.
    client.force_login(beleidsmedewerker)
    reply = reverse("acties:opmerking-reply", args=[vraag.pk])
    assert client.post(reply, {"tekst": "Toch een antwoord"}).status_code == 403
    assert not vraag.reacties.exists()


def test_a_remark_goes_through_the_bsn_guard_and_the_length_limit(client, griffie):
    actie = ActieFactory()
    client.force_login(griffie)
    url = reverse("acties:actie-opmerking-create", args=[actie.pk])
    response = client.post(url, {"tekst": "Betreft cliënt 123456782, graag actie."})
    assert response.status_code == 200
    assert "burgerservicenummer" in response.content.decode()
    response = client.post(url, {"tekst": "x" * 2001})
    assert response.status_code == 200
    assert "2000" in response.content.decode()
    response = client.post(url, {"tekst": "   "})
    assert response.status_code == 200
    assert not Opmerking.objects.exists()


def test_who_may_place_a_remark(client, griffie):
    actie = ActieFactory()
    url = reverse("acties:actie-opmerking-create", args=[actie.pk])
    response = client.post(url, {"tekst": VRAAG})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    vraag = services.opmerking_place(record=actie, tekst=VRAAG, user=griffie)
    for name in (
        "acties:opmerking-update",
        "acties:opmerking-withdraw",
        "acties:opmerking-beantwoord",
    ):
        for method in (client.get, client.post):
            response = method(reverse(name, args=[vraag.pk]))
            assert response.status_code == 302, name
            assert response.url.startswith("/accounts/login/?next=")
    client.force_login(UserFactory())  # signed in, no role
    assert client.post(url, {"tekst": VRAAG}).status_code == 403
    assert Opmerking.objects.get() == vraag


def test_each_reader_sees_only_their_own_edit_links_on_the_cached_page(client, griffie):
    actie = ActieFactory()
    services.opmerking_place(record=actie, tekst=VRAAG, user=griffie)
    tweede = UserFactory(role="griffie")
    client.force_login(griffie)
    assert (
        "Markeer als beantwoord"
        in client.get(actie.get_absolute_url()).content.decode()
    )
    client.force_login(tweede)  # the same permissions, so the same cached body
    page = client.get(actie.get_absolute_url()).content.decode()
    assert VRAAG in page
    assert "Markeer als beantwoord" not in page
    assert "Intrekken" not in page


def test_open_questions_per_person_and_role(client, griffie, beleidsmedewerker):
    actie = ActieFactory()
    opdracht = RaadsopdrachtFactory()
    over_actie = services.opmerking_place(
        record=actie, tekst="Over de actie?", user=griffie
    )
    services.opmerking_place(
        record=opdracht, tekst="Over de opdracht?", user=beleidsmedewerker
    )
    beantwoord = services.opmerking_place(record=actie, tekst="Al klaar?", user=griffie)
    services.opmerking_mark_answered(vraag=beantwoord, user=griffie)
    url = reverse("acties:open-vragen")

    def shown(user, weergave=""):
        client.force_login(user)
        response = client.get(url, {"weergave": weergave} if weergave else {})
        return {o.tekst for o in response.context["object_list"]}

    # Officers look after actions, the griffie after mandates.
    assert shown(beleidsmedewerker) == {"Over de actie?"}
    assert shown(griffie) == {"Over de opdracht?"}
    assert shown(griffie, "mijn") == {"Over de actie?"}
    assert shown(griffie, "alle") == {"Over de actie?", "Over de opdracht?"}
    client.force_login(griffie)
    response = client.get(url, {"programma": actie.programma_id, "weergave": "alle"})
    assert [o.pk for o in response.context["object_list"]] == [over_actie.pk]
    assert client.get(url, {"weergave": "onzin", "programma": "x"}).status_code == 200


def test_remarks_never_reach_the_public_page(client, griffie):
    actie = ActieFactory()
    programma = actie.programma
    programma.openbaar = True
    programma.save()
    services.opmerking_place(record=actie, tekst=VRAAG, user=griffie)
    response = client.get(reverse("openbaar", args=[programma.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert programma.titel in page
    assert VRAAG not in page
    data = client.get(reverse("openbaar-data", args=[programma.slug, "json"]))
    assert VRAAG not in data.content.decode()
