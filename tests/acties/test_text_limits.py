"""Free text of actions, updates, measurements and mandates has a maximum length.

Each limit is refused one character past it by the service (so by every caller:
forms, admin, import, commands), with Django's Dutch message that states it, and
nothing is saved; text of exactly the limit is saved whole.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from acties import services
from acties.models import (
    Actie,
    Meting,
    Raadsopdracht,
    RaadsopdrachtActie,
    Voortgangsupdate,
)
from basis.validators import (
    MAX_LANGE_TOELICHTING,
    MAX_OMSCHRIJVING,
    MAX_RAADSTEKST,
    MAX_TOELICHTING,
    MAX_VOORTGANGSUPDATE,
)
from historie.records import system_user
from tests.factories import ActieFactory, RaadsopdrachtFactory
from tests.pijlers.test_text_limits import text_of, too_long
from tests.security.conftest import row_counts

pytestmark = pytest.mark.django_db


def _actie_create(w, text):
    actie = services.actie_create(
        actielijn=w["actielijn"],
        code="3.50",
        titel="Nieuwe actie",
        omschrijving=text,
        user=system_user(),
        reason="Test",
    )
    return actie.omschrijving


def _actie_update(w, text):
    actie = w["actie"]
    services.actie_update(
        actie=actie,
        versie=actie.versie,
        omschrijving=text,
        user=system_user(),
        reason="Test",
    )
    return Actie.objects.get(pk=actie.pk).omschrijving


def _voortgangsupdate_create(w, text):
    update = services.voortgangsupdate_create(
        actie=w["actie"],
        datum=datetime.date(2026, 3, 1),
        tekst=text,
        user=system_user(),
    )
    return Voortgangsupdate.objects.get(pk=update.pk).tekst


def _voortgangsupdate_update(w, text):
    services.voortgangsupdate_update(
        voortgangsupdate=w["update"], tekst=text, user=system_user(), reason="Test"
    )
    return Voortgangsupdate.objects.get(pk=w["update"].pk).tekst


def _meting_create(w, text):
    meting = services.meting_create(
        indicator=w["indicator"],
        datum=datetime.date(2026, 2, 1),
        waarde=Decimal(7),
        toelichting=text,
        user=system_user(),
        reason="Test",
    )
    return Meting.objects.get(pk=meting.pk).toelichting


def _meting_update(w, text):
    services.meting_update(
        meting=w["meting"], toelichting=text, user=system_user(), reason="Test"
    )
    return Meting.objects.get(pk=w["meting"].pk).toelichting


def _raadsopdracht_create(w, text):
    opdracht = services.raadsopdracht_create(
        soort="motie",
        nummer="M.50",
        titel="Nieuwe motie",
        tekst=text,
        user=system_user(),
        reason="Test",
    )
    return Raadsopdracht.objects.get(pk=opdracht.pk).tekst


def _raadsopdracht_propose(w, text):
    opdracht = w["raadsopdracht"]
    services.raadsopdracht_propose_settlement(
        raadsopdracht=opdracht, toelichting=text, user=system_user()
    )
    return Raadsopdracht.objects.get(pk=opdracht.pk).afdoening_toelichting


def _raadsopdracht_settle(w, text):
    opdracht = w["raadsopdracht"]
    services.raadsopdracht_settle(
        raadsopdracht=opdracht,
        afgedaan_op=datetime.date(2026, 2, 1),
        afdoeningsdocument="BOW/2026.1",
        afdoening_toelichting=text,
        user=system_user(),
        reason="Afgedaan; de gekoppelde actie loopt door",
    )
    return Raadsopdracht.objects.get(pk=opdracht.pk).afdoening_toelichting


def _raadsopdracht_actie_link(w, text):
    koppeling = services.raadsopdracht_actie_link(
        raadsopdracht=w["losse_opdracht"],
        actie=w["losse_actie"],
        toelichting=text,
        user=system_user(),
    )
    return RaadsopdrachtActie.objects.get(pk=koppeling.pk).toelichting


@pytest.fixture
def w(world):
    """``world`` plus a mandate and an action of its programme, not linked yet."""
    return {
        **world,
        "losse_opdracht": RaadsopdrachtFactory(
            nummer="M.51", programma=world["programma"]
        ),
        "losse_actie": ActieFactory(actielijn=world["actielijn"], code="3.2"),
    }


# (service, the field it writes, the field's limit)
CASES = {
    "actie_create": (_actie_create, "omschrijving", MAX_OMSCHRIJVING),
    "actie_update": (_actie_update, "omschrijving", MAX_OMSCHRIJVING),
    "voortgangsupdate_create": (
        _voortgangsupdate_create, "tekst", MAX_VOORTGANGSUPDATE
    ),
    "voortgangsupdate_update": (
        _voortgangsupdate_update, "tekst", MAX_VOORTGANGSUPDATE
    ),
    "meting_create": (_meting_create, "toelichting", MAX_TOELICHTING),
    "meting_update": (_meting_update, "toelichting", MAX_TOELICHTING),
    "raadsopdracht_create": (_raadsopdracht_create, "tekst", MAX_RAADSTEKST),
    "raadsopdracht_propose_settlement": (
        _raadsopdracht_propose,
        "afdoening_toelichting",
        MAX_LANGE_TOELICHTING,
    ),
    "raadsopdracht_settle": (
        _raadsopdracht_settle,
        "afdoening_toelichting",
        MAX_LANGE_TOELICHTING,
    ),
    "raadsopdracht_actie_link": (
        _raadsopdracht_actie_link,
        "toelichting",
        MAX_TOELICHTING,
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_text_past_the_limit_is_refused_by_the_service(w, case):
    write, field, limit = CASES[case]
    before = row_counts()

    with pytest.raises(ValidationError) as exc:
        write(w, text_of(limit + 1))

    assert exc.value.message_dict[field] == [too_long(limit)]
    assert row_counts() == before


@pytest.mark.parametrize("case", CASES)
def test_text_of_exactly_the_limit_is_saved_whole(w, case):
    write, _field, limit = CASES[case]
    text = text_of(limit)

    assert write(w, text) == text


def test_the_limits_fit_their_use():
    # A progress update is a few paragraphs, a description longer, a council
    # text or an evaluation section a few pages; none is a pasted document.
    assert 2_000 <= MAX_TOELICHTING < MAX_VOORTGANGSUPDATE <= MAX_LANGE_TOELICHTING
    assert MAX_LANGE_TOELICHTING < MAX_OMSCHRIJVING < MAX_RAADSTEKST <= 20_000


# --- over HTTP and in the import --------------------------------------------------


def test_the_update_form_states_the_limit_and_saves_nothing(
    client, beleidsmedewerker, world
):
    client.force_login(beleidsmedewerker)
    url = reverse("acties:voortgangsupdate-create", args=[world["actie"].pk])
    assert f'maxlength="{MAX_VOORTGANGSUPDATE}"' in client.get(url).content.decode()
    before = row_counts()

    response = client.post(
        url, {"datum": "2026-03-01", "tekst": text_of(MAX_VOORTGANGSUPDATE + 1)}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["tekst"] == [too_long(MAX_VOORTGANGSUPDATE)]
    assert too_long(MAX_VOORTGANGSUPDATE) in response.content.decode()
    assert row_counts() == before

    response = client.post(
        url, {"datum": "2026-03-01", "tekst": text_of(MAX_VOORTGANGSUPDATE)}
    )
    assert response.status_code == 302
    assert world["actie"].voortgangsupdates.filter(datum="2026-03-01").exists()


def _import(client, world, soort: str, rows: list[list[str]]):
    content = "\r\n".join(";".join(row) for row in rows).encode() + b"\r\n"
    return client.post(
        reverse("acties:import"),
        {
            "soort": soort,
            "programma": world["programma"].pk,
            "bestand": SimpleUploadedFile("import.csv", content),
            "reden": "Kwartaalrapportage",
        },
    )


@pytest.mark.parametrize(
    ("soort", "header", "cells", "column", "limit"),
    [
        (
            "voortgangsupdates",
            ["actie", "datum", "tekst"],
            ["3.1", "1-3-2026"],
            "tekst",
            MAX_VOORTGANGSUPDATE,
        ),
        (
            "acties",
            ["code", "titel", "omschrijving"],
            ["3.1", "Signalen bundelen"],
            "omschrijving",
            MAX_OMSCHRIJVING,
        ),
        (
            "metingen",
            ["actie", "indicator", "datum", "waarde", "toelichting"],
            ["3.1", "{indicator}", "1-2-2026", "7"],
            "toelichting",
            MAX_TOELICHTING,
        ),
    ],
)
def test_the_import_refuses_an_over_long_cell_by_row_and_column(
    client, beleidsmedewerker, world, soort, header, cells, column, limit
):
    client.force_login(beleidsmedewerker)
    cells = [cell.format(indicator=world["indicator"].naam) for cell in cells]
    rows = [header, [*cells, text_of(limit)], [*cells, text_of(limit + 1)]]
    if soort != "voortgangsupdates":
        rows.pop(1)  # one row per action or measurement
    before = row_counts()

    response = _import(client, world, soort, rows)

    row = len(rows)  # the header is row 1
    plan = response.context["plan"]
    assert plan.errors == [(row, column, too_long(limit))]
    html = response.content.decode()
    assert f"Rij {row}, kolom {column}: {too_long(limit)}" in html
    assert 'name="controle"' not in html  # nothing to confirm
    assert row_counts() == before
