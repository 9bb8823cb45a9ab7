"""The narrative of an evaluation has a maximum length per section.

One pasted document in a section would add dozens of pages to the report; each
section and each finding is refused one character past its limit by the
service, with Django's Dutch message stating the limit, and nothing is saved.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError

from basis.validators import MAX_EVALUATIETEKST
from evaluatie import services
from evaluatie.models import Bevinding, Tussenevaluatie
from historie.records import system_user
from pijlers.models import Programma
from tests.factories import PijlerFactory, TussenevaluatieFactory
from tests.pijlers.test_text_limits import text_of, too_long
from tests.security.conftest import row_counts

pytestmark = pytest.mark.django_db

SECTIONS = ["samenvatting", "conclusies", "aanbevelingen"]


def _create(section):
    def write(text):
        evaluatie = services.tussenevaluatie_create(
            programma=Programma.objects.get(),
            titel="Tweede tussenevaluatie",
            peildatum=datetime.date(2026, 12, 31),
            user=system_user(),
            reason="Concept gestart",
            **{section: text},
        )
        return getattr(Tussenevaluatie.objects.get(pk=evaluatie.pk), section)

    return write


def _update(section):
    def write(text):
        evaluatie = Tussenevaluatie.objects.get(titel="Tussenevaluatie")
        services.tussenevaluatie_update(
            tussenevaluatie=evaluatie,
            user=system_user(),
            reason="Geschreven",
            **{section: text},
        )
        return getattr(Tussenevaluatie.objects.get(pk=evaluatie.pk), section)

    return write


def _bevinding(text):
    evaluatie = Tussenevaluatie.objects.get(titel="Tussenevaluatie")
    pijler = evaluatie.programma.pijlers.get()
    services.bevindingen_save(
        tussenevaluatie=evaluatie,
        teksten={("pijler", pijler.pk): text},
        user=system_user(),
        reason="Bevindingen",
    )
    return Bevinding.objects.get(tussenevaluatie=evaluatie, pijler=pijler).tekst


# (service, the field it writes)
CASES = {
    **{f"tussenevaluatie_create {s}": (_create(s), s) for s in SECTIONS},
    **{f"tussenevaluatie_update {s}": (_update(s), s) for s in SECTIONS},
    "bevindingen_save": (_bevinding, "tekst"),
}


@pytest.fixture
def evaluatie(db):
    evaluatie = TussenevaluatieFactory()
    PijlerFactory(programma=evaluatie.programma)
    return evaluatie


@pytest.mark.parametrize("case", CASES)
def test_text_past_the_limit_is_refused_by_the_service(evaluatie, case):
    write, field = CASES[case]
    before = row_counts()

    with pytest.raises(ValidationError) as exc:
        write(text_of(MAX_EVALUATIETEKST + 1))

    assert exc.value.message_dict[field] == [too_long(MAX_EVALUATIETEKST)]
    assert row_counts() == before


@pytest.mark.parametrize("case", CASES)
def test_text_of_exactly_the_limit_is_saved_whole(evaluatie, case):
    write, _field = CASES[case]
    text = text_of(MAX_EVALUATIETEKST)

    assert write(text) == text


def test_a_finding_that_was_saved_is_kept_when_its_edit_is_too_long(evaluatie):
    pijler = evaluatie.programma.pijlers.get()
    _bevinding("Op schema.")

    with pytest.raises(ValidationError):
        _bevinding(text_of(MAX_EVALUATIETEKST + 1))

    assert Bevinding.objects.get(pijler=pijler).tekst == "Op schema."
