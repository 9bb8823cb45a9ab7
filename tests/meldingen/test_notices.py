"""Notices by e-mail, received by a real SMTP server on loopback: who gets
which message, with which subject and links, and never any text that may hold
more than a title (a remark, a progress update)."""

import re

import pytest
from django.urls import reverse

from acties import services
from acties.constants import RaadsopdrachtStatus
from acties.models import Opmerking
from meldingen.models import Bericht, BerichtStatus, Meldingsvoorkeur
from tests.factories import (
    ActieFactory,
    RaadsopdrachtActieFactory,
    RaadsopdrachtFactory,
    TussenevaluatieFactory,
    UserFactory,
    VoortgangsupdateFactory,
)
from tests.meldingen.conftest import bodies, free_port

pytestmark = pytest.mark.django_db

VRAAG = "VRAAGTEKST: hoe staat het met de pilot in de hotels?"
VOORTGANG = "VOORTGANGSTEKST: gesprek met de eigenaar van pand X gevoerd."
SITE = "https://tracker.example.nl"


def person(role, name):
    return UserFactory(role=role, username=name, email=f"{name}@denhaag.example.nl")


@pytest.fixture
def officer(db):
    return person("beleidsmedewerker", "els")


@pytest.fixture
def clerk(db):
    return person("griffie", "gert")


@pytest.fixture
def actie(officer):
    actie = ActieFactory(
        code="3.1", titel="Certificering hotels", contactpersoon=officer
    )
    VoortgangsupdateFactory(actie=actie, tekst=VOORTGANG)
    return actie


def assert_clean(message):
    """Titles, codes and links only: no remark or progress text, no BSN-like
    number, and both a reason and a way to switch it off."""
    text, html = bodies(message)
    for body in (text, html):
        assert "VRAAGTEKST" not in body
        assert "VOORTGANGSTEKST" not in body
        assert not re.search(r"(?<!\d)\d{9}(?!\d)", body)
        assert "omdat" in body
        assert f"{SITE}/account/meldingen/" in body
    assert message["Auto-Submitted"] == "auto-generated"


def place(client, actie, tekst=VRAAG):
    return client.post(
        reverse("acties:actie-opmerking-create", args=[actie.pk]), {"tekst": tekst}
    )


def test_a_question_reaches_the_contact_person_and_the_answer_the_asker(
    client, smtp, actie, officer, clerk, django_capture_on_commit_callbacks
):
    client.force_login(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        assert place(client, actie).status_code == 302
    vraag = actie.opmerkingen.get()

    assert smtp.recipients() == [officer.email]
    (message,) = smtp.to(officer.email)
    assert message["Subject"] == "Vraag of opmerking bij actie 3.1 Certificering hotels"
    text, html = bodies(message)
    link = f"{SITE}/acties/{actie.pk}/#opmerking-{vraag.pk}"
    assert link in text
    assert f'href="{link}"' in html
    assert "contactpersoon" in text
    assert_clean(message)

    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("acties:opmerking-reply", args=[vraag.pk]),
            {"tekst": "De pilot start in maart."},
        )
    assert response.status_code == 302
    (answer,) = smtp.to(clerk.email)
    assert answer["Subject"] == "Reactie op uw vraag bij actie 3.1 Certificering hotels"
    assert link in bodies(answer)[0]
    assert "De pilot start" not in bodies(answer)[0]
    assert_clean(answer)
    # Nobody is told about their own words.
    assert len(smtp.to(officer.email)) == 1
    assert Bericht.objects.filter(status=BerichtStatus.VERZONDEN).count() == 2


def test_a_remark_on_a_mandate_reaches_the_contact_people_of_its_actions(
    client, smtp, actie, officer, clerk, django_capture_on_commit_callbacks
):
    other = person("beleidsmedewerker", "ali")
    opdracht = RaadsopdrachtFactory(nummer="M.7", titel="Motie hotels")
    RaadsopdrachtActieFactory(raadsopdracht=opdracht, actie=actie)
    RaadsopdrachtActieFactory(
        raadsopdracht=opdracht, actie=ActieFactory(contactpersoon=other)
    )
    client.force_login(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("acties:raadsopdracht-opmerking-create", args=[opdracht.pk]),
            {"tekst": VRAAG},
        )
    assert smtp.recipients() == sorted([officer.email, other.email])
    for message in smtp.to(other.email):
        assert "M.7 Motie hotels" in message["Subject"]
        assert_clean(message)


def test_switched_off_means_no_message_and_no_row(
    client, smtp, actie, officer, clerk, django_capture_on_commit_callbacks
):
    Meldingsvoorkeur.objects.create(gebruiker=officer, opmerkingen=False)
    client.force_login(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        assert place(client, actie).status_code == 302
    assert smtp.messages == []
    assert not Bericht.objects.exists()


def test_the_settlement_cycle_tells_the_griffie_and_then_the_proposer(
    client, smtp, actie, officer, clerk, django_capture_on_commit_callbacks
):
    second_clerk = person("griffie", "gwen")
    coordinator = person("coordinator", "cor")
    opdracht = RaadsopdrachtFactory(nummer="M.12", titel="Motie hotels")
    RaadsopdrachtActieFactory(raadsopdracht=opdracht, actie=actie)

    client.force_login(officer)
    propose = reverse("acties:raadsopdracht-propose", args=[opdracht.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(propose, {"afdoening_toelichting": "Uitgevoerd."})
    assert response.status_code == 302
    assert smtp.recipients() == sorted([clerk.email, second_clerk.email])
    assert not smtp.to(coordinator.email)
    for message in smtp.messages:
        assert message[1]["Subject"] == "Afdoening voorgesteld: Motie M.12 Motie hotels"
        assert f"{SITE}/raadsopdrachten/{opdracht.pk}/" in bodies(message[1])[0]
        assert "Uitgevoerd." not in bodies(message[1])[0]
        assert_clean(message[1])

    # Returned: the proposer hears it, without the reason's text.
    client.force_login(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("acties:raadsopdracht-return", args=[opdracht.pk]),
            {"reden": "Nog geen raadsinformatiebrief."},
        )
    assert response.status_code == 302
    (returned,) = smtp.to(officer.email)
    assert returned["Subject"] == "Afdoening teruggegeven: Motie M.12 Motie hotels"
    assert "raadsinformatiebrief" not in bodies(returned)[0]
    assert_clean(returned)

    # Proposed again, then settled: the proposer hears that too.
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(propose, {"afdoening_toelichting": "Nu met brief."})
    services.actie_update(
        actie=actie, versie=None, status="afgerond", user=officer, reason="Klaar"
    )
    client.force_login(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("acties:raadsopdracht-settle", args=[opdracht.pk]),
            {"afgedaan_op": "2026-11-01", "afdoeningsdocument": "RIS999123"},
        )
    assert response.status_code == 302
    opdracht.refresh_from_db()
    assert opdracht.status == RaadsopdrachtStatus.AFGEDAAN
    subjects = [m["Subject"] for m in smtp.to(officer.email)]
    assert subjects == [
        "Afdoening teruggegeven: Motie M.12 Motie hotels",
        "Afdoening bevestigd: Motie M.12 Motie hotels",
    ]


def test_a_mail_server_that_is_down_neither_blocks_nor_undoes_the_change(
    client, settings, actie, officer, clerk, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens there
    settings.EMAIL_USE_TLS = False
    client.force_login(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = place(client, actie)
    assert response.status_code == 302
    assert actie.opmerkingen.count() == 1
    bericht = Bericht.objects.get()
    assert bericht.status == BerichtStatus.MISLUKT
    assert "ConnectionRefusedError" in bericht.fout
    # The person it was for sees that it did not arrive.
    client.force_login(officer)
    page = client.get(reverse("meldingen:voorkeuren")).content.decode()
    assert "Niet bezorgd" in page
    assert bericht.onderwerp in page


def test_people_without_an_address_get_nothing_and_are_told_so(
    client, smtp, clerk, django_capture_on_commit_callbacks
):
    silent = UserFactory(role="beleidsmedewerker", email="")
    actie = ActieFactory(contactpersoon=silent)
    client.force_login(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        place(client, actie)
    assert smtp.messages == []
    client.force_login(silent)
    page = client.get(reverse("meldingen:voorkeuren")).content.decode()
    assert "geen e-mailadres" in page


def test_a_message_that_could_not_be_handed_over_is_offered_again(
    smtp, actie, officer, clerk
):
    """The queue was down when the message was made: it waits as a row, and
    the scheduler's sweep sends it later; one already tried is left to its
    own retries."""
    from django.utils import timezone

    from meldingen import services as meldingen

    waiting = meldingen.queue(
        ontvanger=officer,
        soort="opmerking",
        onderwerp="Vraag of opmerking bij actie 3.1",
        template="opmerking",
        context={"record": "actie 3.1", "url": SITE, "door": "Gert"},
    )
    retrying = Bericht.objects.create(
        ontvanger=clerk, adres=clerk.email, soort="antwoord", onderwerp="x",
        tekst="x", html="x", pogingen=1,
    )  # fmt: skip
    Bericht.objects.update(aangemaakt_op=timezone.now() - timezone.timedelta(hours=1))
    # (the test's transaction never commits, so nothing was handed over yet)
    assert smtp.messages == []
    assert meldingen.resend_waiting() == 1
    waiting.refresh_from_db()
    retrying.refresh_from_db()
    assert waiting.status == BerichtStatus.VERZONDEN
    assert retrying.status == BerichtStatus.WACHTEND
    assert smtp.recipients() == [officer.email]


def test_the_coordinators_hear_of_a_remark_on_the_evaluation(
    client, smtp, django_capture_on_commit_callbacks
):
    evaluatie = TussenevaluatieFactory(titel="Tussenevaluatie 2026")
    clerk = UserFactory(role="griffie", username="gert", email="gert@x.example.nl")
    officer = UserFactory(
        role="beleidsmedewerker", username="els", email="els@x.example.nl"
    )
    coordinators = [
        UserFactory(role="coordinator", username=n, email=f"{n}@x.example.nl")
        for n in ("cor", "cato")
    ]
    url = reverse("evaluatie:opmerking-create", args=[evaluatie.pk])
    client.force_login(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"tekst": VRAAG}).status_code == 302
    vraag = Opmerking.objects.get()

    assert smtp.recipients() == sorted(c.email for c in coordinators)
    for message in smtp.to(coordinators[0].email):
        assert message["Subject"] == "Vraag of opmerking bij Tussenevaluatie 2026"
        text, html = bodies(message)
        link = f"https://tracker.example.nl/evaluaties/{evaluatie.pk}/#opmerking-{vraag.pk}"
        assert link in text and f'href="{link}"' in html
        assert "coördinator" in text
        assert_clean(message)

    # The answer goes to the asker only.
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("acties:opmerking-reply", args=[vraag.pk]),
            {"tekst": "Volgt."},
        )
    (answer,) = smtp.to(clerk.email)
    assert answer["Subject"] == "Reactie op uw vraag bij Tussenevaluatie 2026"
