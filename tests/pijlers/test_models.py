import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pijlers.models import ActielijnPijler, Pijler, Programma
from tests.factories import ActielijnFactory, PijlerFactory, ProgrammaFactory

pytestmark = pytest.mark.django_db


def test_programma_refuses_end_before_start():
    programma = Programma(
        titel="Omgekeerd",
        slug="omgekeerd",
        gemeente="Den Haag",
        periode_start=datetime.date(2028, 1, 1),
        periode_eind=datetime.date(2025, 1, 1),
        doelstelling="-",
    )
    with pytest.raises(ValidationError) as excinfo:
        programma.full_clean()
    assert "Het einde van de looptijd mag niet vóór het begin liggen." in str(
        excinfo.value
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        programma.save()


def test_programma_slug_is_unique():
    ProgrammaFactory(slug="mensenhandel-2025-2028")
    with pytest.raises(ValidationError) as excinfo:
        ProgrammaFactory(slug="mensenhandel-2025-2028")
    assert "slug" in excinfo.value.message_dict


def test_pijler_name_and_order_are_unique_within_a_programme_only():
    pijler = PijlerFactory(volgorde=1, naam="Voorkómen")
    with pytest.raises(ValidationError) as excinfo:
        Pijler(programma=pijler.programma, volgorde=1, naam="Anders").full_clean()
    assert "Dit programma heeft al een pijler met dit volgnummer." in str(excinfo.value)
    with pytest.raises(ValidationError) as excinfo:
        Pijler(programma=pijler.programma, volgorde=2, naam="Voorkómen").full_clean()
    assert "Dit programma heeft al een pijler met deze naam." in str(excinfo.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        Pijler.objects.create(programma=pijler.programma, volgorde=1, naam="Dubbel")
    # The same pillar in another programme is fine.
    Pijler(programma=ProgrammaFactory(), volgorde=1, naam="Voorkómen").full_clean()


def test_actielijn_number_is_unique_within_a_programme():
    actielijn = ActielijnFactory(nummer=1, naam="Kennis en inzicht")
    duplicate = ActielijnFactory.build(programma=actielijn.programma, nummer=1)
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "Dit programma heeft al een actielijn met dit nummer." in str(excinfo.value)


def test_actielijn_cannot_serve_a_pillar_of_another_programme():
    actielijn = ActielijnFactory()
    vreemde_pijler = PijlerFactory()  # its own, different programme
    link = ActielijnPijler(actielijn=actielijn, pijler=vreemde_pijler)
    with pytest.raises(ValidationError) as excinfo:
        link.full_clean()
    assert "De pijler hoort bij een ander programma dan de actielijn." in str(
        excinfo.value
    )
