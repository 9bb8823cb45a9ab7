"""Review remarks on the evaluation itself: the griffie asks about the concept
without the right to change it, the thread works as on an action, the open
questions page and the concept's annex list it (the notice to the
coordinators: tests/meldingen/test_notices.py). The remarks live in
``acties``, a floor below the evaluation, and reach it through their generic
link."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from acties import services as acties_services
from acties.models import Opmerking
from evaluatie.report import build_report
from tests.factories import (
    ActieFactory,
    ProgrammaFactory,
    TussenevaluatieFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

VRAAG = "VRAAGTEKST: waarom ontbreekt de paragraaf over de financiën?"


def place(client, evaluatie, tekst=VRAAG):
    return client.post(
        reverse("evaluatie:opmerking-create", args=[evaluatie.pk]), {"tekst": tekst}
    )


@pytest.fixture
def evaluatie(db):
    return TussenevaluatieFactory(titel="Tussenevaluatie 2026")


def test_the_griffie_asks_about_the_evaluation_and_cannot_change_it(
    client, evaluatie, griffie, beleidsmedewerker
):
    versions = evaluatie.history.count()
    client.force_login(griffie)

    response = place(client, evaluatie)

    assert response.status_code == 302
    vraag = Opmerking.objects.get()
    assert response.url == f"/evaluaties/{evaluatie.pk}/#opmerking-{vraag.pk}"
    assert vraag.record == evaluatie
    assert (vraag.actie, vraag.raadsopdracht) == (None, None)
    assert vraag.bij == "Tussenevaluatie 2026"
    row = vraag.history.get()
    assert (row.history_user, row.history_change_reason) == (
        griffie,
        "Opmerking geplaatst",
    )
    # The evaluation is untouched and its edit page still refused.
    assert evaluatie.history.count() == versions
    update = reverse("evaluatie:update", args=[evaluatie.pk])
    assert client.post(update, {"titel": "Door de griffie"}).status_code == 403
    evaluatie.refresh_from_db()
    assert evaluatie.titel == "Tussenevaluatie 2026"
    page = client.get(evaluatie.get_absolute_url()).content.decode()
    assert VRAAG in page
    assert "open vraag" in page
    assert "verandert de evaluatie niet" in page
    assert "Markeer als beantwoord" in page

    # The officer answers in the thread; the reply is on the same record.
    client.force_login(beleidsmedewerker)
    response = client.post(
        reverse("acties:opmerking-reply", args=[vraag.pk]),
        {"tekst": "Die volgt in de volgende versie."},
    )
    assert response.url == f"/evaluaties/{evaluatie.pk}/#opmerking-{vraag.pk}"
    antwoord = vraag.reacties.get()
    assert antwoord.record == evaluatie
    answered = reverse("acties:opmerking-beantwoord", args=[vraag.pk])
    assert client.post(answered).status_code == 403  # not the asker

    client.force_login(griffie)
    assert client.post(answered).status_code == 302
    vraag.refresh_from_db()
    assert vraag.beantwoord
    assert evaluatie.history.count() == versions


def test_the_form_page_bad_input_and_who_may_place(client, evaluatie, griffie):
    url = reverse("evaluatie:opmerking-create", args=[evaluatie.pk])
    response = client.post(url, {"tekst": VRAAG})
    assert response.status_code == 302 and "/accounts/login/" in response.url

    client.force_login(UserFactory())  # signed in, no role
    assert client.get(url).status_code == 403
    assert client.post(url, {"tekst": VRAAG}).status_code == 403

    client.force_login(griffie)
    page = client.get(url)
    assert page.status_code == 200
    crumbs = [label for label, _url in page.context["breadcrumbs"]]
    assert crumbs[-3:] == ["Evaluaties", "Tussenevaluatie 2026", page.context["title"]]
    response = client.post(url, {"tekst": "Betreft cliënt 123456782."})
    assert response.status_code == 200
    assert "burgerservicenummer" in response.content.decode()
    assert client.post(url, {"tekst": "x" * 2001}).status_code == 200
    missing = reverse("evaluatie:opmerking-create", args=[evaluatie.pk + 99])
    assert client.post(missing, {"tekst": VRAAG}).status_code == 404
    assert not Opmerking.objects.exists()


def test_a_remark_has_exactly_one_record(evaluatie, griffie):
    vraag = acties_services.opmerking_place(record=evaluatie, tekst=VRAAG, user=griffie)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Opmerking.objects.filter(pk=vraag.pk).update(actie=ActieFactory())
    with transaction.atomic(), pytest.raises(IntegrityError):
        Opmerking.objects.filter(pk=vraag.pk).update(onderwerp_id=None)
    with pytest.raises(ValueError):
        acties_services.opmerking_place(
            record=evaluatie.programma, tekst=VRAAG, user=griffie
        )


def test_open_questions_page_and_the_concepts_annex(
    client, evaluatie, griffie, beleidsmedewerker, coordinator
):
    elders = TussenevaluatieFactory(
        programma=ProgrammaFactory(), titel="Evaluatie elders"
    )
    acties_services.opmerking_place(record=evaluatie, tekst=VRAAG, user=griffie)
    acties_services.opmerking_place(
        record=elders, tekst="Elders?", user=beleidsmedewerker
    )
    url = reverse("acties:open-vragen")

    def shown(user, **query):
        client.force_login(user)
        response = client.get(url, query)
        return {o.tekst for o in response.context["object_list"]}

    # Officers and coordinators write evaluations; the griffie does not.
    assert shown(coordinator) == {VRAAG, "Elders?"}
    assert shown(beleidsmedewerker) == {VRAAG, "Elders?"}
    assert shown(griffie) == set()
    assert shown(griffie, weergave="mijn") == {VRAAG}
    assert shown(griffie, weergave="alle", programma=evaluatie.programma_id) == {VRAAG}
    page = client.get(url, {"weergave": "alle"}).content.decode()
    assert "Tussenevaluatie 2026" in page and "Evaluatie elders" in page

    # The concept's annex lists the question on the evaluation, and only
    # this evaluation's.
    report = build_report(evaluatie, user=coordinator)
    assert [(v.bij, v.tekst) for v in report.open_vragen] == [("deze evaluatie", VRAAG)]
