import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from evaluatie.constants import EvaluatieStatus
from evaluatie.models import Bevinding
from tests.factories import (
    ActielijnFactory,
    PijlerFactory,
    TussenevaluatieFactory,
)

pytestmark = pytest.mark.django_db


def test_peildatum_may_not_precede_basisdatum():
    evaluatie = TussenevaluatieFactory.build(
        programma=TussenevaluatieFactory().programma,
        peildatum=datetime.date(2025, 1, 1),
        basisdatum=datetime.date(2025, 5, 22),
    )
    with pytest.raises(ValidationError) as excinfo:
        evaluatie.full_clean()
    assert "De peildatum mag niet vóór de basisdatum liggen." in str(excinfo.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        evaluatie.save()


def test_final_evaluation_needs_a_stored_pdf_hash():
    evaluatie = TussenevaluatieFactory()
    evaluatie.status = EvaluatieStatus.DEFINITIEF
    with pytest.raises(ValidationError) as excinfo:
        evaluatie.full_clean()
    assert "Een definitieve evaluatie heeft een datum en een vastgelegde PDF." in str(
        excinfo.value
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        evaluatie.save()


def test_basisdatum_defaults_to_adoption_date():
    evaluatie = TussenevaluatieFactory(basisdatum=None)
    assert evaluatie.effectieve_basisdatum == datetime.date(2025, 5, 22)


def test_finding_is_about_exactly_one_pillar_or_action_line():
    evaluatie = TussenevaluatieFactory()
    pijler = PijlerFactory(programma=evaluatie.programma)
    actielijn = ActielijnFactory(programma=evaluatie.programma)
    for kwargs in ({}, {"pijler": pijler, "actielijn": actielijn}):
        bevinding = Bevinding(tussenevaluatie=evaluatie, tekst="x", **kwargs)
        with pytest.raises(ValidationError) as excinfo:
            bevinding.full_clean()
        assert "Een bevinding gaat over één pijler of één actielijn." in str(
            excinfo.value
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            bevinding.save()
    Bevinding(tussenevaluatie=evaluatie, pijler=pijler, tekst="x").full_clean()


def test_finding_must_be_about_the_evaluated_programme():
    evaluatie = TussenevaluatieFactory()
    bevinding = Bevinding(tussenevaluatie=evaluatie, pijler=PijlerFactory(), tekst="x")
    with pytest.raises(ValidationError) as excinfo:
        bevinding.full_clean()
    assert "De bevinding gaat over een ander programma dan de evaluatie." in str(
        excinfo.value
    )
