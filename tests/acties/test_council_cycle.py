"""The griffie's register as its daily tool: commitments, meetings, what is
due before the next meeting, overdue flags, and settling with evidence."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from acties import services
from acties.models import Actie, Raadsopdracht, Vergadering
from basis.dates import today

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_programme", "--demo", stdout=io.StringIO())


def _get(nummer: str) -> Raadsopdracht:
    return Raadsopdracht.objects.get(nummer=nummer)


def test_the_fixtures_hold_the_commitments_with_their_sources(demo):
    amendement = _get("Amendement bij IV")
    eerste, tweede = amendement.onderdelen.order_by("nummer")
    assert (eerste.soort, tweede.soort) == ("toezegging", "toezegging")
    assert eerste.deadline is None
    assert eerste.deadline_toelichting == "Het amendement noemt hiervoor geen termijn."
    assert tweede.deadline == datetime.date(2025, 12, 31)
    # The date is a reading of "in 2025", and the record says so.
    assert "Redactionele lezing" in tweede.deadline_toelichting
    assert "in 2025" in tweede.deadline_toelichting
    assert tweede.bron == "amendement bij raadsbesluit RIS320843"
    assert [a.code for a in tweede.acties.all()] == ["4.2"]
    assert tweede.te_laat  # today is after 31 December 2025, and it is not settled

    brief = _get("Toezegging BOW/2019.171")
    assert brief.hoofdopdracht == _get("H.4")
    assert brief.bron == "collegebrief BOW/2019.171 van 2 juli 2019"
    assert [a.code for a in brief.acties.all()] == ["5.1"]
    # The meetings where they were adopted.
    assert str(amendement.aangenomen_in) == "Gemeenteraad, 22 mei 2025"
    assert _get("H.4").aangenomen_in.datum == datetime.date(2019, 4, 4)
    # Loaded with a history row that names the source.
    assert "amendement bij raadsbesluit RIS320843" in (
        tweede.history.earliest("history_date").history_change_reason
    )


def test_the_overdue_commitment_is_on_the_dashboard_and_in_wat_komt_eraan(
    client, griffie, demo
):
    client.force_login(griffie)
    dashboard = client.get("/").content.decode()
    assert "Amendement bij IV, toezegging 2" in dashboard
    page = client.get("/wat-komt-eraan/")
    assert page.status_code == 200
    overdue = [o.nummer for o in page.context["lijst"].te_laat]
    assert "Amendement bij IV, toezegging 2" in overdue
    # Nothing is due that has no date, and settled H.4 is not on the list.
    html = page.content.decode()
    assert "H.4:" not in html
    assert "te laat" in html
    assert "de uiterste datum is voorbij en de opdracht is niet afgedaan" in html


def test_wat_komt_eraan_for_a_meeting_a_date_and_bad_input(client, griffie, demo):
    vergadering = services.vergadering_create(
        soort="commissie",
        commissie="Samenleving",
        datum=today() + datetime.timedelta(days=40),
        user=griffie,
        reason="Agenda",
    )
    beslispunt = _get("III")  # deadline 31 December 2026
    services.raadsopdracht_update(
        raadsopdracht=beslispunt,
        deadline=today() + datetime.timedelta(days=30),
        user=griffie,
        reason="Termijn",
    )
    client.force_login(griffie)
    # Without a choice: the next meeting.
    page = client.get("/wat-komt-eraan/")
    assert page.context["lijst"].vergadering == vergadering
    assert [o.nummer for o in page.context["lijst"].voor_de_datum] == ["III"]
    # A date before the deadline: III is not due yet.
    page = client.get("/wat-komt-eraan/", {"datum": today().isoformat()})
    assert page.context["lijst"].voor_de_datum == []
    # A meeting by which a mandate must be settled brings it on the list.
    services.raadsopdracht_update(
        raadsopdracht=_get("I"),
        af_te_doen_voor=vergadering,
        user=griffie,
        reason="Afspraak in het presidium",
    )
    page = client.get("/wat-komt-eraan/", {"vergadering": vergadering.pk})
    assert {o.nummer for o in page.context["lijst"].voor_de_datum} == {"I", "III"}
    # Bad input: a clear message and the next meeting, never a 500.
    for query in ({"datum": "31-12-2026"}, {"vergadering": "abc"}):
        page = client.get("/wat-komt-eraan/", query)
        assert page.status_code == 200
        assert page.context["fout"]
    # The list the griffie sends to the committee.
    export = client.get("/wat-komt-eraan/export.csv", {"vergadering": vergadering.pk})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("onderdeel;nummer;soort;titel;status")
    assert any(
        line.startswith("over de uiterste datum;Amendement bij IV, toezegging 2;")
        and ";ja;Amendement bij IV;4.2 " in line
        for line in lines
    )
    assert any(line.startswith("af te doen vóór de vergadering;I;") for line in lines)
    assert client.get("/wat-komt-eraan/export.pdf").status_code == 404


def test_meetings_are_kept_by_the_griffie_with_history(
    client, griffie, beleidsmedewerker
):
    client.force_login(beleidsmedewerker)
    assert client.get("/vergaderingen/").status_code == 200
    assert client.get("/vergaderingen/nieuw/").status_code == 403
    client.force_login(griffie)
    data = {"soort": "commissie", "commissie": "Samenleving", "datum": "2027-01-14"}
    response = client.post("/vergaderingen/nieuw/", data)
    assert response.status_code == 302
    vergadering = Vergadering.objects.get()
    assert str(vergadering) == "Commissie Samenleving, 14 januari 2027"
    row = vergadering.history.get()
    assert (row.history_user, row.history_change_reason) == (
        griffie,
        "Vergadering vastgelegd",
    )
    # The same meeting twice, or a committee meeting without its committee:
    # a message, nothing saved.
    response = client.post("/vergaderingen/nieuw/", data)
    assert response.status_code == 200
    assert "Er is al een vergadering van dit orgaan op deze datum." in (
        response.content.decode()
    )
    response = client.post(
        "/vergaderingen/nieuw/", {"soort": "commissie", "datum": "2027-02-01"}
    )
    assert response.status_code == 200
    assert "Een commissievergadering noemt de commissie" in response.content.decode()
    assert Vergadering.objects.count() == 1


def test_settling_over_unfinished_actions_needs_a_reason(world, griffie):
    opdracht = world["raadsopdracht"]
    assert world["actie"].status == "gepland"
    with pytest.raises(ValidationError) as caught:
        services.raadsopdracht_settle(
            raadsopdracht=opdracht,
            afgedaan_op=datetime.date(2026, 11, 1),
            afdoeningsdocument="RIS999",
            user=griffie,
        )
    assert "3.1 gepland" in str(caught.value.message_dict["reden"])
    opdracht.refresh_from_db()
    assert opdracht.status != "afgedaan"
    services.raadsopdracht_settle(
        raadsopdracht=opdracht,
        afgedaan_op=datetime.date(2026, 11, 1),
        afdoeningsdocument="RIS999",
        user=griffie,
        reason="De raad nam genoegen met de brief; de actie loopt door.",
    )
    opdracht.refresh_from_db()
    assert opdracht.status == "afgedaan"
    assert opdracht.history.first().history_change_reason.startswith("De raad nam")


def test_the_settle_page_warns_and_asks_for_the_reason(client, world, griffie):
    opdracht = world["raadsopdracht"]
    client.force_login(griffie)
    url = reverse("acties:raadsopdracht-settle", args=[opdracht.pk])
    assert "3.1" in client.get(url).content.decode()
    response = client.post(
        url, {"afgedaan_op": "2026-11-01", "afdoeningsdocument": "RIS999"}
    )
    assert response.status_code == 200
    assert "Geef een reden om de opdracht toch af te doen." in (
        response.content.decode()
    )
    assert Raadsopdracht.objects.get(pk=opdracht.pk).status != "afgedaan"


def test_the_griffie_returns_a_proposed_settlement(
    client, world, griffie, beleidsmedewerker
):
    opdracht = world["raadsopdracht"]
    services.raadsopdracht_propose_settlement(
        raadsopdracht=opdracht, toelichting="Uitgevoerd met actie 3.1.", user=griffie
    )
    url = reverse("acties:raadsopdracht-return", args=[opdracht.pk])
    client.force_login(beleidsmedewerker)
    assert client.post(url, {"reden": "x"}).status_code == 403
    client.force_login(griffie)
    assert (
        "Voorstel teruggeven"
        in client.get(opdracht.get_absolute_url()).content.decode()
    )
    response = client.post(url, {"reden": ""})
    assert response.status_code == 200  # the reason is required
    response = client.post(url, {"reden": "De brief noemt actie 3.1 niet."})
    assert response.status_code == 302
    opdracht.refresh_from_db()
    assert opdracht.status == "in_uitvoering"
    row = opdracht.history.first()
    assert (row.history_user, row.history_change_reason) == (
        griffie,
        "Afdoeningsvoorstel teruggegeven: De brief noemt actie 3.1 niet.",
    )
    # Nothing to return now: a message, nothing changed.
    rows = opdracht.history.count()
    response = client.post(url, {"reden": "Nog eens"})
    assert response.status_code == 200
    assert "Er is geen afdoeningsvoorstel om terug te geven" in (
        response.content.decode()
    )
    assert opdracht.history.count() == rows
    assert Raadsopdracht.objects.get(pk=opdracht.pk).status == "in_uitvoering"


def test_a_commitment_is_part_of_one_mandate_that_is_part_of_none(world, griffie):
    motie = world["raadsopdracht"]
    toezegging = services.raadsopdracht_create(
        soort="toezegging",
        nummer="T.1",
        titel="Toezegging",
        hoofdopdracht=motie,
        user=griffie,
        reason="Toegezegd in de commissie",
    )
    with pytest.raises(ValidationError):
        services.raadsopdracht_create(
            soort="toezegging",
            nummer="T.2",
            titel="Onderdeel van een onderdeel",
            hoofdopdracht=toezegging,
            user=griffie,
            reason="x",
        )
    with pytest.raises(ValidationError):
        services.raadsopdracht_update(
            raadsopdracht=motie, hoofdopdracht=toezegging, user=griffie, reason="x"
        )
    assert list(motie.onderdelen.all()) == [toezegging]


def test_the_register_finds_a_motion_by_its_submitter(client, griffie, demo):
    client.force_login(griffie)
    page = client.get("/raadsopdrachten/", {"q": "Grinwis"})
    assert [o.nummer for o in page.context["object_list"]] == ["H.4"]
    overdue = client.get("/raadsopdrachten/", {"te_laat": "ja"})
    assert "Amendement bij IV, toezegging 2" in [
        o.nummer for o in overdue.context["object_list"]
    ]
    export = client.get("/raadsopdrachten/export.csv", {"te_laat": "ja"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    header, *rows = text.splitlines()
    column = header.split(";").index("over de uiterste datum")
    assert rows and all(row.split(";")[column] == "ja" for row in rows)


def test_overdue_actions_are_flagged_in_the_list_and_on_their_page(
    client, griffie, demo
):
    client.force_login(griffie)
    actie = Actie.objects.get(code="4.2")
    assert actie.te_laat
    html = client.get(actie.get_absolute_url()).content.decode()
    assert "de geplande einddatum is voorbij en de actie is niet afgerond" in html
    listing = client.get("/acties/", {"te_laat": "ja"}).content.decode()
    assert "status-badge--te-laat" in listing
