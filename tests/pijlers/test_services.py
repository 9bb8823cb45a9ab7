import pytest

from historie.records import update_with_history
from pijlers import services
from pijlers.models import ActielijnPijler
from tests.factories import PijlerFactory, ProgrammaFactory

pytestmark = pytest.mark.django_db


def test_structure_services_write_history_with_user_and_reason(coordinator):
    programma = ProgrammaFactory()
    voorkomen = services.pijler_create(
        programma=programma,
        volgorde=1,
        naam="Voorkómen",
        user=coordinator,
        reason="Pijler uit het raadsbesluit",
    )
    actielijn = services.actielijn_create(
        programma=programma,
        nummer=2,
        naam="Preventie",
        pijlers=[voorkomen],
        user=coordinator,
        reason="Actielijn uit het raadsbesluit",
    )
    services.programma_update(
        programma=programma,
        doelstelling="Een stad zonder uitbuiting.",
        kenmerk="OCW/10808144",
        user=coordinator,
        reason="Kenmerk aangevuld",
    )
    for record, reason in [
        (voorkomen, "Pijler uit het raadsbesluit"),
        (actielijn, "Actielijn uit het raadsbesluit"),
        (programma, "Kenmerk aangevuld"),
    ]:
        row = record.history.order_by("-history_id").first()
        assert row.history_user == coordinator
        assert row.history_change_reason == reason
    link_row = ActielijnPijler.history.get(actielijn_id=actielijn.pk)
    assert (link_row.pijler_id, link_row.history_type) == (voorkomen.pk, "+")


def test_changing_an_action_lines_pillars_records_each_link(coordinator):
    programma = ProgrammaFactory()
    een = PijlerFactory(programma=programma)
    twee = PijlerFactory(programma=programma)
    actielijn = services.actielijn_create(
        programma=programma,
        nummer=1,
        naam="Kennis en inzicht",
        pijlers=[een],
        user=coordinator,
        reason="Nieuw",
    )
    saved = services.actielijn_update(
        actielijn=actielijn, pijlers=[twee], user=coordinator, reason="Herindeling"
    )
    assert saved == actielijn
    assert list(actielijn.pijlers.all()) == [twee]
    assert [
        (r.pijler_id, r.history_type, r.history_change_reason)
        for r in ActielijnPijler.history.order_by("history_id")
    ] == [
        (een.pk, "+", "Nieuw"),
        (een.pk, "-", "Herindeling"),
        (twee.pk, "+", "Herindeling"),
    ]
    services.actielijn_update(
        actielijn=actielijn, pijlers=[twee], user=coordinator, reason="Nogmaals"
    )
    assert ActielijnPijler.history.count() == 3  # nothing changed: no new rows


def test_programma_create_writes_history(coordinator):
    import datetime

    programma = services.programma_create(
        titel="Actieprogramma mensenhandel 2029-2032",
        slug="mensenhandel-2029-2032",
        gemeente="Den Haag",
        periode_start=datetime.date(2029, 1, 1),
        periode_eind=datetime.date(2032, 12, 31),
        doelstelling="Een stad zonder uitbuiting.",
        user=coordinator,
        reason="Nieuw programma vastgesteld",
    )
    row = programma.history.get()
    assert (row.history_type, row.history_user, row.history_change_reason) == (
        "+",
        coordinator,
        "Nieuw programma vastgesteld",
    )


def test_a_reason_longer_than_the_limit_is_refused_and_nothing_written(coordinator):
    from django.core.exceptions import ValidationError

    from historie.records import MAX_REDEN

    programma = ProgrammaFactory(titel="Oud")
    rows = programma.history.count()
    with pytest.raises(ValidationError) as refused:
        services.programma_update(
            programma=programma, user=coordinator, reason="r" * (MAX_REDEN + 1),
            titel="Nieuw",
        )  # fmt: skip
    assert refused.value.message_dict["reden"] == [
        f"De reden is te lang: hooguit {MAX_REDEN} tekens (het zijn er nu "
        f"{MAX_REDEN + 1})."
    ]
    programma.refresh_from_db()
    assert (programma.titel, programma.history.count()) == ("Oud", rows)

    services.programma_update(
        programma=programma, user=coordinator, reason="r" * MAX_REDEN, titel="Nieuw"
    )
    assert programma.history.first().history_change_reason == "r" * MAX_REDEN


def test_a_service_refuses_a_field_the_record_does_not_have(coordinator):
    """A misspelt or foreign name is a caller's mistake, never an attribute
    that is set and silently not stored."""
    programma = ProgrammaFactory()
    with pytest.raises(TypeError, match="reden"):
        services.programma_update(
            programma=programma, user=coordinator, reason="r", reden="Oeps"
        )
    pijler = services.pijler_create(
        programma=programma, volgorde=9, naam="Negen", user=coordinator, reason="r"
    )

    with pytest.raises(TypeError, match="titel"):
        update_with_history(
            pijler, {"titel": "Geen veld"}, user=coordinator, reason="r"
        )
    assert pijler.history.count() == 1
