import pytest

from actieprogramma.constants import Rol
from tests.factories import UserFactory


@pytest.fixture
def beleidsmedewerker(db):
    return UserFactory(role=Rol.BELEIDSMEDEWERKER)


@pytest.fixture
def griffie(db):
    return UserFactory(role=Rol.GRIFFIE)


@pytest.fixture
def coordinator(db):
    return UserFactory(role=Rol.COORDINATOR, is_staff=True)
