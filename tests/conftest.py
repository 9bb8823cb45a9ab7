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


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher is deliberately slow; tests only need a working one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
