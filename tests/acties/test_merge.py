"""Two people edit one record from the same version: nothing either did is lost.

Each test opens the edit page twice, as two people would, and saves both; the
second save is merged with the first (historie.merge).
"""

import datetime

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from acties import services
from acties.models import (
    Actie,
    Indicator,
    Meting,
    Organisatie,
    Raadsopdracht,
    Voortgangsupdate,
)
from evaluatie.models import Bevinding, Tussenevaluatie
from historie.records import recorded_at
from tests.factories import OrganisatieFactory, UserFactory
from tests.forms import form_data, opened_form

pytestmark = pytest.mark.django_db


def person(role: str, name: str) -> Client:
    client = Client()
    client.force_login(UserFactory(role=role, username=name, first_name=name))
    return client


@pytest.fixture
def anna():
    return person("beleidsmedewerker", "Anna")


@pytest.fixture
def bram():
    return person("beleidsmedewerker", "Bram")


def edit_url(actie):
    return reverse("acties:actie-update", args=[actie.pk])


def test_a_colleagues_progress_is_kept_when_i_change_only_the_description(
    anna, bram, world
):
    actie = world["actie"]
    url = edit_url(actie)
    anna_form, bram_form = opened_form(anna, url), opened_form(bram, url)

    anna_form.update(voortgang="60", status="lopend", reden="Training gegeven")
    assert anna.post(url, anna_form).status_code == 302

    # Bram touched neither status nor progress: no reason is asked of him, and
    # the 25 % (or whatever) his page showed is not written back.
    bram_form.update(omschrijving="Nieuwe omschrijving van de actie")
    response = bram.post(url, bram_form)
    assert response.status_code == 302, response.content.decode()[:2000]

    actie.refresh_from_db()
    assert (actie.voortgang, actie.status, actie.omschrijving) == (
        60,
        "lopend",
        "Nieuwe omschrijving van de actie",
    )
    newest, before = list(actie.history.order_by("-history_id")[:2])
    assert (before.history_user.username, before.history_change_reason) == (
        "Anna",
        "Training gegeven",
    )
    assert before.voortgang == 60
    assert newest.history_user.username == "Bram"
    assert newest.history_change_reason == "Gegevens bijgewerkt: Omschrijving"
    assert (newest.voortgang, newest.omschrijving) == (
        60,
        "Nieuwe omschrijving van de actie",
    )


def test_the_reason_rule_applies_to_what_this_person_changes(anna, bram, world):
    actie = world["actie"]
    url = edit_url(actie)
    anna_form, bram_form = opened_form(anna, url), opened_form(bram, url)
    anna_form.update(titel="Titel van Anna")
    assert anna.post(url, anna_form).status_code == 302

    bram_form.update(voortgang="35")
    response = bram.post(url, bram_form)
    assert response.status_code == 200
    assert "Geef een reden: u wijzigt de status of de voortgang." in (
        response.content.decode()
    )
    actie.refresh_from_db()
    assert (actie.titel, actie.voortgang) == (
        "Titel van Anna",
        world["actie"].voortgang,
    )


def test_a_field_both_changed_is_a_conflict_and_nothing_is_written_until_chosen(
    anna, bram, world
):
    actie = world["actie"]
    url = edit_url(actie)
    anna_form, bram_form = opened_form(anna, url), opened_form(bram, url)
    anna_form.update(titel="Titel van Anna")
    assert anna.post(url, anna_form).status_code == 302
    rows = actie.history.count()

    bram_form.update(titel="Titel van Bram", omschrijving="Omschrijving van Bram")
    response = bram.post(url, bram_form)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Iemand anders heeft intussen dezelfde gegevens gewijzigd" in html
    assert "Titel van Anna" in html and "Titel van Bram" in html
    assert "Anna" in html  # who changed it
    actie.refresh_from_db()
    assert (actie.titel, actie.omschrijving) == ("Titel van Anna", "")
    assert actie.history.count() == rows

    # The page keeps Bram's own changes and asks which title stays; saving
    # without choosing writes nothing.
    again = form_data(html)
    assert again["omschrijving"] == "Omschrijving van Bram"
    assert "keuze_titel" not in again
    response = bram.post(url, again)
    assert response.status_code == 200
    assert "Kies welke waarde blijft" in response.content.decode()
    assert actie.history.count() == rows

    again["keuze_titel"] = "mijne"
    assert bram.post(url, again).status_code == 302
    actie.refresh_from_db()
    assert (actie.titel, actie.omschrijving) == (
        "Titel van Bram",
        "Omschrijving van Bram",
    )
    newest = actie.history.order_by("-history_id").first()
    assert newest.history_user.username == "Bram"
    assert actie.history.count() == rows + 1


def test_choosing_the_others_value_keeps_it_and_writes_my_other_changes(
    anna, bram, world
):
    actie = world["actie"]
    url = edit_url(actie)
    anna_form, bram_form = opened_form(anna, url), opened_form(bram, url)
    anna_form.update(voortgang="60", reden="Gemeten")
    assert anna.post(url, anna_form).status_code == 302

    bram_form.update(voortgang="30", titel="Titel van Bram", reden="Geschat")
    response = bram.post(url, bram_form)
    assert response.status_code == 200
    again = form_data(response.content.decode())
    again["keuze_voortgang"] = "hunne"
    assert bram.post(url, again).status_code == 302
    actie.refresh_from_db()
    assert (actie.voortgang, actie.titel) == (60, "Titel van Bram")


def test_the_same_change_made_twice_is_no_conflict(anna, bram, world):
    actie = world["actie"]
    url = edit_url(actie)
    anna_form, bram_form = opened_form(anna, url), opened_form(bram, url)
    anna_form.update(titel="Dezelfde titel")
    bram_form.update(titel="Dezelfde titel")
    assert anna.post(url, anna_form).status_code == 302
    response = bram.post(url, bram_form, follow=True)
    assert "U hebt niets gewijzigd" in response.content.decode()
    assert Actie.objects.get(pk=actie.pk).titel == "Dezelfde titel"


def test_partners_a_colleague_added_are_kept(anna, bram, world):
    actie = world["actie"]
    om = OrganisatieFactory(naam="Openbaar Ministerie")
    url = edit_url(actie)
    anna_form, bram_form = opened_form(anna, url), opened_form(bram, url)
    anna_form["partners"] = [str(om.pk)]
    anna_form["reden"] = "OM doet mee"
    assert anna.post(url, anna_form).status_code == 302

    bram_form.update(gepland_eind="2027-06-30")
    assert bram.post(url, bram_form).status_code == 302
    actie.refresh_from_db()
    assert list(actie.partners.all()) == [om]
    assert actie.gepland_eind == datetime.date(2027, 6, 30)


@pytest.mark.parametrize(
    "basis",
    [None, "", "onzin", signing.dumps({"m": "acties.actie", "pk": 1, "v": {}})],
    ids=["missing", "empty", "garbage", "unsigned-by-us"],
)
def test_without_a_valid_remembered_version_nothing_is_saved(anna, world, basis):
    actie = world["actie"]
    url = edit_url(actie)
    data = opened_form(anna, url)
    data.update(titel="Zonder versie")
    if basis is None:
        del data["basis"]
    else:
        data["basis"] = basis
    response = anna.post(url, data)
    assert response.status_code == 200
    assert "Het formulier is niet opgeslagen" in response.content.decode()
    assert Actie.objects.get(pk=actie.pk).titel != "Zonder versie"


def test_a_version_of_another_record_is_refused(anna, world):
    other = Actie.objects.create(
        actielijn=world["actielijn"],
        programma=world["programma"],
        code="9.9",
        titel="Andere actie",
    )
    data = opened_form(anna, edit_url(other))
    data.update(titel="Overgeschreven")
    response = anna.post(edit_url(world["actie"]), data)
    assert response.status_code == 200
    assert "hoort bij een ander record" in response.content.decode()
    assert Actie.objects.get(pk=world["actie"].pk).titel != "Overgeschreven"


# --- every other edit form of a versioned record -------------------------------------

FORMS = {
    # name: (url name, world key, a field, its new value, another field, its value)
    "voortgangsupdate": (
        "acties:voortgangsupdate-update",
        "update",
        "tekst",
        "Tekst van Anna",
        "datum",
        "2026-02-02",
    ),
    "indicator": (
        "acties:indicator-update",
        "indicator",
        "naam",
        "Naam van Anna",
        "streefwaarde",
        "40",
    ),
    "meting": (
        "acties:meting-update",
        "meting",
        "toelichting",
        "Toelichting van Anna",
        "waarde",
        "7",
    ),
    "organisatie": (
        "acties:organisatie-update",
        "organisatie",
        "afkorting",
        "PDH",
        "naam",
        "Politie Den Haag",
    ),
    "raadsopdracht": (
        "acties:raadsopdracht-update",
        "raadsopdracht",
        "indieners",
        "Indieners van Anna",
        "titel",
        "Titel van Bram",
    ),
    "tussenevaluatie": (
        "evaluatie:update",
        "evaluatie",
        "samenvatting",
        "Samenvatting van Anna",
        "conclusies",
        "Conclusies van Bram",
    ),
}
MODELS = {
    "voortgangsupdate": Voortgangsupdate,
    "indicator": Indicator,
    "meting": Meting,
    "organisatie": Organisatie,
    "raadsopdracht": Raadsopdracht,
    "tussenevaluatie": Tussenevaluatie,
}


def _people_for(kind):
    # The register is the griffie's; the rest the officers'.
    role = "griffie" if kind == "raadsopdracht" else "beleidsmedewerker"
    return person(role, "Anna"), person(role, "Bram")


@pytest.mark.parametrize("kind", FORMS)
def test_each_edit_form_keeps_both_peoples_changes(world, kind):
    url_name, key, field, value, other, other_value = FORMS[kind]
    anna, bram = _people_for(kind)
    record = world[key]
    url = reverse(url_name, args=[record.pk])
    anna_form, bram_form = opened_form(anna, url), opened_form(bram, url)
    anna_form[field] = value
    assert anna.post(url, anna_form).status_code == 302
    bram_form[other] = other_value
    response = bram.post(url, bram_form)
    assert response.status_code == 302, response.content.decode()[:3000]

    current = MODELS[kind].objects.get(pk=record.pk)
    assert str(getattr(current, field)) == value
    assert str(getattr(current, other)).rstrip("0").rstrip(".") == other_value
    newest, before = list(current.history.order_by("-history_id")[:2])
    assert (before.history_user.username, newest.history_user.username) == (
        "Anna",
        "Bram",
    )
    assert str(getattr(newest, field)) == value  # Bram did not write it back


@pytest.mark.parametrize("kind", FORMS)
def test_each_edit_form_asks_when_both_changed_one_field(world, kind):
    url_name, key, field, value, _other, _other_value = FORMS[kind]
    anna, bram = _people_for(kind)
    record = world[key]
    url = reverse(url_name, args=[record.pk])
    anna_form, bram_form = opened_form(anna, url), opened_form(bram, url)
    anna_form[field] = value
    assert anna.post(url, anna_form).status_code == 302
    rows = record.history.count()

    bram_form[field] = "Waarde van Bram"
    response = bram.post(url, bram_form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Velden die u allebei wijzigde" in html
    assert "Waarde van Bram" in html
    current = MODELS[kind].objects.get(pk=record.pk)
    assert str(getattr(current, field)) == value
    assert record.history.count() == rows

    again = form_data(html)
    again[f"keuze_{field}"] = "mijne"
    assert bram.post(url, again).status_code == 302
    current = MODELS[kind].objects.get(pk=record.pk)
    assert getattr(current, field) == "Waarde van Bram"


def test_findings_per_pillar_merge_like_fields(world):
    evaluatie = world["evaluatie"]
    anna, bram = _people_for("tussenevaluatie")
    url = reverse("evaluatie:update", args=[evaluatie.pk])
    anna_form, bram_form = opened_form(anna, url), opened_form(bram, url)
    pijler_field = f"pijler_{world['pijler'].pk}"
    assert pijler_field in anna_form
    anna_form[pijler_field] = "Bevinding van Anna"
    assert anna.post(url, anna_form).status_code == 302

    bram_form["aanbevelingen"] = "Aanbevelingen van Bram"
    assert bram.post(url, bram_form).status_code == 302
    assert Bevinding.objects.get(tussenevaluatie=evaluatie).tekst == (
        "Bevinding van Anna"
    )
    evaluatie.refresh_from_db()
    assert evaluatie.aanbevelingen == "Aanbevelingen van Bram"

    # Both writing the same finding: Bram is asked, and sees who wrote it.
    anna_form, bram_form = opened_form(anna, url), opened_form(bram, url)
    anna_form[pijler_field] = "Tweede bevinding van Anna"
    assert anna.post(url, anna_form).status_code == 302
    bram_form[pijler_field] = "Bevinding van Bram"
    response = bram.post(url, bram_form)
    assert response.status_code == 200
    assert "Anna" in response.content.decode()
    assert Bevinding.objects.get(tussenevaluatie=evaluatie).tekst == (
        "Tweede bevinding van Anna"
    )


def test_the_edit_page_says_when_the_record_last_changed_not_when_it_was_opened(
    anna, world
):
    editor = UserFactory(username="carla", first_name="Carla", last_name="Smit")
    may_22 = datetime.datetime(2025, 5, 22, 8, 0, tzinfo=datetime.UTC)
    with recorded_at(may_22):
        actie = services.actie_create(
            actielijn=world["actielijn"], code="7.1", titel="Oud", user=editor,
            reason="Aangemaakt",
        )  # fmt: skip
    with recorded_at(may_22 + datetime.timedelta(hours=2)):
        services.actie_update(
            actie=actie, versie=None, user=editor, reason="Na het besluit", titel="X"
        )
    html = anna.get(edit_url(actie)).content.decode()
    assert (
        "Laatst gewijzigd op 22 mei 2025 om 12:00 door Carla Smit. "
        "Reden: Na het besluit"
    ) in html


def test_the_action_page_dates_the_last_change_from_the_history(anna, world):
    editor = UserFactory(username="dirk", first_name="Dirk", last_name="Vos")
    with recorded_at(datetime.datetime(2025, 6, 1, 8, 0, tzinfo=datetime.UTC)):
        actie = services.actie_create(
            actielijn=world["actielijn"], code="7.2", titel="Geladen", user=editor,
            reason="Ingelezen uit het besluit",
        )  # fmt: skip
    html = anna.get(reverse("acties:actie-detail", args=[actie.pk])).content.decode()
    assert "<dt>Laatst gewijzigd</dt><dd>1 juni 2025, 10:00 door Dirk Vos</dd>" in html


# --- edges found in review --------------------------------------------------------


def test_a_field_the_page_did_not_have_is_not_written(world):
    """A pillar added while Anna's page was open: her page has no finding for
    it, so her save must not remove the one Bram wrote there."""
    from tests.factories import PijlerFactory

    evaluatie = world["evaluatie"]
    anna, bram = _people_for("tussenevaluatie")
    url = reverse("evaluatie:update", args=[evaluatie.pk])
    anna_form = opened_form(anna, url)
    nieuwe_pijler = PijlerFactory(programma=world["programma"], naam="Nieuw")
    bram_form = opened_form(bram, url)
    bram_form[f"pijler_{nieuwe_pijler.pk}"] = "Bevinding van Bram"
    assert bram.post(url, bram_form).status_code == 302

    anna_form["samenvatting"] = "Samenvatting van Anna"
    assert anna.post(url, anna_form).status_code == 302
    assert Bevinding.objects.get(pijler=nieuwe_pijler).tekst == "Bevinding van Bram"
    evaluatie.refresh_from_db()
    assert evaluatie.samenvatting == "Samenvatting van Anna"


def test_a_mandate_reopened_meanwhile_keeps_its_new_status(world):
    opdracht = world["raadsopdracht"]
    opdracht.status = "afgedaan"
    opdracht.afgedaan_op = datetime.date(2026, 1, 5)
    opdracht.afdoeningsdocument = "BOW/2026.1"
    opdracht.save()
    first, second = _people_for("raadsopdracht")
    url = reverse("acties:raadsopdracht-update", args=[opdracht.pk])
    first_form, second_form = opened_form(first, url), opened_form(second, url)
    second_form.update(status="in_uitvoering", reden="Toch nog niet klaar")
    assert second.post(url, second_form).status_code == 302

    # The first person only sets a deadline; the status they left alone was
    # 'afgedaan' on their page and must not be refused or written back.
    first_form.update(deadline="2027-03-31", reden="Termijn afgesproken")
    response = first.post(url, first_form)
    assert response.status_code == 302, response.content.decode()[:3000]
    opdracht.refresh_from_db()
    assert (opdracht.status, opdracht.deadline) == (
        "in_uitvoering",
        datetime.date(2027, 3, 31),
    )


def test_a_record_deleted_while_its_page_was_open_is_a_404(anna, world, monkeypatch):
    import basis.views

    organisatie = OrganisatieFactory(naam="Verdwijnt")
    url = reverse("acties:organisatie-update", args=[organisatie.pk])
    data = opened_form(anna, url)
    data["naam"] = "Nog even"
    real_lock = basis.views.lock_chains

    def deleted_first(using):
        Organisatie.objects.filter(pk=organisatie.pk).delete()
        real_lock(using)

    monkeypatch.setattr(basis.views, "lock_chains", deleted_first)
    assert anna.post(url, data).status_code == 404


def test_conflicting_numbers_read_in_dutch_and_partners_name_who_changed_them(
    anna, bram, world
):
    actie = world["actie"]
    om = OrganisatieFactory(naam="Openbaar Ministerie")
    carla = person("beleidsmedewerker", "Carla")
    url = edit_url(actie)
    anna_form, bram_form = opened_form(anna, url), opened_form(bram, url)
    carla_form = opened_form(carla, url)
    carla_form.update(partners=[str(om.pk)], reden="OM erbij")
    assert carla.post(url, carla_form).status_code == 302
    anna_form.update(budget="1500.5", reden="Begroting")
    assert anna.post(url, anna_form).status_code == 302

    bram_form.update(budget="2500", partners=[], reden="Zonder OM")
    bram_form["partners"] = [str(world["organisatie"].pk)]
    html = bram.post(url, bram_form).content.decode()
    assert "1500,50" in html
    table = html[html.index("Velden die u allebei wijzigde") :]
    partners_row = table[table.index("Partners") :]
    assert "Carla" in partners_row[: partners_row.index("</tr>")]
