"""The digests: the weekly one per person, and the one before each meeting,
received by a real SMTP server; once per person and week or meeting."""

import datetime

import pytest
from django.core.management import call_command

from acties.constants import RaadsopdrachtStatus, VergaderingSoort
from acties.models import Vergadering
from basis.dates import today
from historie.records import save_with_history, system_user
from meldingen.models import Bericht, Meldingsvoorkeur
from tests.factories import (
    ActieFactory,
    RaadsopdrachtActieFactory,
    RaadsopdrachtFactory,
    UserFactory,
)
from tests.meldingen.conftest import bodies
from tests.meldingen.test_notices import SITE, assert_clean, person

pytestmark = pytest.mark.django_db


def days(n):
    return today() + datetime.timedelta(days=n)


@pytest.fixture
def register(db):
    """An officer's overdue and coming actions, a colleague's, one far off,
    and mandates: overdue, proposed, and far off."""
    officer = person("beleidsmedewerker", "els")
    colleague = person("beleidsmedewerker", "ali")
    te_laat = ActieFactory(
        code="1.1", titel="Te laat", gepland_eind=days(-3), contactpersoon=officer
    )
    binnenkort = ActieFactory(
        code="1.2", titel="Binnenkort", gepland_eind=days(5), contactpersoon=officer
    )
    ActieFactory(
        code="1.3", titel="Ver weg", gepland_eind=days(60), contactpersoon=officer
    )
    ActieFactory(
        code="1.4",
        titel="Klaar",
        gepland_eind=days(-3),
        status="afgerond",
        contactpersoon=officer,
    )
    ActieFactory(
        code="2.1",
        titel="Van een collega",
        gepland_eind=days(-1),
        contactpersoon=colleague,
    )
    overdue = RaadsopdrachtFactory(
        nummer="M.1", titel="Overdue motie", deadline=days(-10)
    )
    RaadsopdrachtActieFactory(raadsopdracht=overdue, actie=te_laat)
    RaadsopdrachtFactory(nummer="M.2", titel="Verre motie", deadline=days(90))
    RaadsopdrachtFactory(
        nummer="M.3",
        titel="Voorgestelde motie",
        status=RaadsopdrachtStatus.AFDOENING_VOORGESTELD,
    )
    return {
        "officer": officer,
        "colleague": colleague,
        "clerk": person("griffie", "gert"),
        "coordinator": person("coordinator", "cor"),
        "te_laat": te_laat,
        "binnenkort": binnenkort,
    }


def send(*args, capture):
    with capture(execute=True):
        call_command("send_digests", *args)


def test_the_weekly_digest_names_what_is_each_persons(
    smtp, register, django_capture_on_commit_callbacks
):
    send("--soort", "week", capture=django_capture_on_commit_callbacks)
    officer, clerk = register["officer"], register["clerk"]
    assert smtp.recipients() == sorted(
        u.email
        for u in (officer, register["colleague"], clerk, register["coordinator"])
    )
    (mail,) = smtp.to(officer.email)
    week = today().isocalendar()[1]
    assert mail["Subject"] == f"Weekoverzicht week {week}: 3 te laat of binnenkort"
    text, html = bodies(mail)
    assert "1.1 Te laat" in text and "(TE LAAT)" in text
    assert "1.2 Binnenkort" in text
    assert f"{SITE}/acties/{register['binnenkort'].pk}/" in html
    assert "Overdue motie" in text  # carried out by the officer's action
    for absent in ("Ver weg", "1.4 Klaar", "Van een collega", "Verre motie"):
        assert absent not in text
    assert_clean(mail)

    # The griffie: mandates and proposals, no actions.
    text = bodies(smtp.to(clerk.email)[0])[0]
    assert "Overdue motie" in text and "Voorgestelde motie" in text
    assert "Te laat" not in text.replace("TE LAAT", "")
    # The coordinator: every action that is late or due.
    text = bodies(smtp.to(register["coordinator"].email)[0])[0]
    assert "Van een collega" in text and "1.2 Binnenkort" in text

    # Once per week: a second run sends nothing.
    send("--soort", "week", capture=django_capture_on_commit_callbacks)
    assert len(smtp.messages) == 4


def test_dry_run_sends_and_records_nothing(
    smtp, register, capsys, django_capture_on_commit_callbacks
):
    send("--dry-run", capture=django_capture_on_commit_callbacks)
    out = capsys.readouterr().out
    assert "weekoverzicht: els <els@denhaag.example.nl>, 3 onderwerpen" in out
    assert "4 overzichten zou versturen." in out
    assert smtp.messages == []
    assert not Bericht.objects.exists()


def test_switched_off_or_nothing_to_say_means_no_digest(
    smtp, register, django_capture_on_commit_callbacks
):
    Meldingsvoorkeur.objects.create(gebruiker=register["officer"], weekoverzicht=False)
    idle = UserFactory(role="beleidsmedewerker", email="idle@denhaag.example.nl")
    send("--soort", "week", capture=django_capture_on_commit_callbacks)
    assert not smtp.to(register["officer"].email)
    assert not smtp.to(idle.email)


def test_the_digest_before_a_meeting(
    smtp, settings, register, django_capture_on_commit_callbacks
):
    settings.DIGEST_DAYS_BEFORE_MEETING = 5
    soon = save_with_history(
        Vergadering(
            soort=VergaderingSoort.COMMISSIE, commissie="Bestuur", datum=days(4)
        ),
        user=system_user(),
        reason="Test",
    )
    save_with_history(
        Vergadering(soort=VergaderingSoort.RAAD, datum=days(20)),
        user=system_user(),
        reason="Test",
    )
    RaadsopdrachtFactory(nummer="M.9", titel="Vóór de commissie", af_te_doen_voor=soon)
    send("--soort", "vergadering", capture=django_capture_on_commit_callbacks)
    clerk = register["clerk"]
    (mail,) = smtp.to(clerk.email)
    assert mail["Subject"].strip().startswith("Vóór Commissie Bestuur van ")
    text, _html = bodies(mail)
    assert "M.9 Vóór de commissie" in text
    assert f"{SITE}/wat-komt-eraan/?datum={days(4).isoformat()}" in text
    assert "dagen vóór elke vergadering" in text
    assert_clean(mail)
    # Only the coming meeting, and only once.
    send("--soort", "vergadering", capture=django_capture_on_commit_callbacks)
    assert len(smtp.to(clerk.email)) == 1
