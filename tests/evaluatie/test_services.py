import datetime

import pytest
from django.core.exceptions import ValidationError

from evaluatie import services
from evaluatie.constants import EvaluatieStatus
from tests.factories import ProgrammaFactory, TussenevaluatieFactory

pytestmark = pytest.mark.django_db


def test_drafting_an_evaluation_writes_history(beleidsmedewerker):
    evaluatie = services.tussenevaluatie_create(
        programma=ProgrammaFactory(),
        titel="Tussenevaluatie 2026",
        peildatum=datetime.date(2026, 12, 31),
        user=beleidsmedewerker,
        reason="Concept gestart",
    )
    assert evaluatie.status == EvaluatieStatus.CONCEPT
    services.tussenevaluatie_update(
        tussenevaluatie=evaluatie,
        samenvatting="De meeste acties lopen.",
        user=beleidsmedewerker,
        reason="Samenvatting geschreven",
    )
    assert [
        (r.history_user, r.history_change_reason)
        for r in evaluatie.history.order_by("history_id")
    ] == [
        (beleidsmedewerker, "Concept gestart"),
        (beleidsmedewerker, "Samenvatting geschreven"),
    ]


def test_final_evaluation_cannot_change(beleidsmedewerker):
    evaluatie = TussenevaluatieFactory(
        status=EvaluatieStatus.DEFINITIEF,
        definitief_op=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC),
        pdf_sha256="0" * 64,
    )
    with pytest.raises(ValidationError) as excinfo:
        services.tussenevaluatie_update(
            tussenevaluatie=evaluatie,
            samenvatting="Achteraf herschreven",
            user=beleidsmedewerker,
            reason="Poging",
        )
    assert "definitief" in excinfo.value.messages[0]
    evaluatie.refresh_from_db()
    assert evaluatie.samenvatting == ""


def test_status_is_not_set_through_an_edit(beleidsmedewerker):
    """Not an argument of the edit at all: only finalising makes it final."""
    evaluatie = TussenevaluatieFactory()
    with pytest.raises(TypeError, match="status"):
        services.tussenevaluatie_update(
            tussenevaluatie=evaluatie,
            status=EvaluatieStatus.DEFINITIEF,
            user=beleidsmedewerker,
            reason="Snel definitief",
        )
    evaluatie.refresh_from_db()
    assert evaluatie.status == EvaluatieStatus.CONCEPT
