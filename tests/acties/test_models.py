import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from acties.constants import RaadsopdrachtStatus
from acties.models import Actie, Meting, RaadsopdrachtActie
from tests.factories import (
    ActieFactory,
    ActielijnFactory,
    IndicatorFactory,
    RaadsopdrachtActieFactory,
    RaadsopdrachtFactory,
)

pytestmark = pytest.mark.django_db


def _raw_save(instance):
    """Save past model validation, to prove the database refuses it too."""
    with pytest.raises(IntegrityError), transaction.atomic():
        instance.save()


def test_action_code_is_unique_per_programme():
    actie = ActieFactory(code="4.1")
    dubbel = Actie(
        actielijn=actie.actielijn, programma=actie.programma, code="4.1", titel="Dubbel"
    )
    with pytest.raises(ValidationError) as excinfo:
        dubbel.full_clean()
    assert "Dit programma heeft al een actie met deze code." in str(excinfo.value)
    _raw_save(dubbel)

    # The same code in another programme is a different action.
    ander = ActielijnFactory()
    Actie(
        actielijn=ander, programma=ander.programma, code="4.1", titel="Elders"
    ).full_clean()


@pytest.mark.parametrize("voortgang", [-1, 101, 250])
def test_progress_must_be_between_0_and_100(voortgang):
    actie = ActieFactory.build(actielijn=ActielijnFactory(), voortgang=voortgang)
    actie.programma = actie.actielijn.programma
    with pytest.raises(ValidationError) as excinfo:
        actie.full_clean()
    assert "voortgang" in excinfo.value.message_dict
    _raw_save(actie)


def test_progress_bounds_are_allowed():
    for voortgang in (0, 100):
        actie = ActieFactory(voortgang=voortgang)
        assert actie.voortgang == voortgang


def test_planned_end_may_not_precede_start():
    actie = ActieFactory.build(
        actielijn=ActielijnFactory(),
        gepland_start=datetime.date(2026, 6, 1),
        gepland_eind=datetime.date(2026, 5, 31),
    )
    actie.programma = actie.actielijn.programma
    with pytest.raises(ValidationError) as excinfo:
        actie.full_clean()
    assert "Het geplande einde mag niet vóór de geplande start liggen." in str(
        excinfo.value
    )
    _raw_save(actie)


def test_budget_may_not_be_negative():
    actie = ActieFactory.build(actielijn=ActielijnFactory(), budget=Decimal("-1"))
    actie.programma = actie.actielijn.programma
    with pytest.raises(ValidationError):
        actie.full_clean()
    _raw_save(actie)


def test_action_must_be_in_its_action_lines_programme():
    actie = ActieFactory.build(actielijn=ActielijnFactory())
    actie.programma = ActielijnFactory().programma  # another programme
    with pytest.raises(ValidationError) as excinfo:
        actie.full_clean()
    assert "De actielijn hoort bij een ander programma." in str(excinfo.value)


def test_mandate_is_settled_only_with_a_date_and_a_document():
    opdracht = RaadsopdrachtFactory()
    opdracht.status = RaadsopdrachtStatus.AFGEDAAN
    with pytest.raises(ValidationError) as excinfo:
        opdracht.full_clean()
    assert "Een raadsopdracht is afgedaan met een datum en een afdoeningsdocument" in (
        str(excinfo.value)
    )
    _raw_save(opdracht)

    opdracht.refresh_from_db()
    opdracht.status = RaadsopdrachtStatus.AFGEDAAN
    opdracht.afgedaan_op = datetime.date(2019, 7, 2)
    with pytest.raises(ValidationError):  # still no document
        opdracht.full_clean()
    opdracht.afdoeningsdocument = "BOW/2019.171"
    opdracht.full_clean()


def test_open_mandate_has_no_settlement_date():
    opdracht = RaadsopdrachtFactory()
    opdracht.afgedaan_op = datetime.date(2019, 7, 2)
    with pytest.raises(ValidationError):
        opdracht.full_clean()
    _raw_save(opdracht)


def test_mandate_number_is_unique_per_ris_number():
    RaadsopdrachtFactory(nummer="H.4", ris_nummer="RIS302261")
    with pytest.raises(ValidationError) as excinfo:
        RaadsopdrachtFactory(nummer="H.4", ris_nummer="RIS302261")
    assert "Er is al een raadsopdracht met dit nummer en RIS-nummer." in str(
        excinfo.value
    )
    # Without a RIS number, numbers may repeat (toezeggingen are often unnumbered).
    RaadsopdrachtFactory(nummer="T1", ris_nummer="")
    RaadsopdrachtFactory(nummer="T1", ris_nummer="")


def test_mandate_action_link_is_unique():
    link = RaadsopdrachtActieFactory()
    dubbel = RaadsopdrachtActie(
        raadsopdracht=link.raadsopdracht, actie=link.actie, toelichting="Nogmaals"
    )
    with pytest.raises(ValidationError) as excinfo:
        dubbel.full_clean()
    assert "Deze actie is al aan deze raadsopdracht gekoppeld." in str(excinfo.value)
    _raw_save(dubbel)


def test_one_measurement_per_indicator_per_day():
    indicator = IndicatorFactory()
    datum = datetime.date(2026, 6, 30)
    Meting.objects.create(indicator=indicator, datum=datum, waarde=Decimal(17))
    dubbel = Meting(indicator=indicator, datum=datum, waarde=Decimal(18))
    with pytest.raises(ValidationError) as excinfo:
        dubbel.full_clean()
    assert "Voor deze indicator is op deze datum al een meting vastgelegd." in str(
        excinfo.value
    )
    _raw_save(dubbel)
