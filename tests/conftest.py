import pytest
from django.db import connection

from beveiliging.constants import Rol
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
def _media_of_its_own(settings, tmp_path):
    """Stored files (evaluation PDFs, documents) go to the test's own folder,
    never into the checkout's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher is deliberately slow; tests only need a working one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(config, items):
    """Run PostgreSQL-only tests only against PostgreSQL (CI runs both legs).

    They are deselected, not skipped, on SQLite: they test the production
    database's own guarantees (the append-only triggers), which SQLite, the
    development database, does not have. .ci/run runs the suite on both.
    """
    if connection.vendor == "postgresql":
        return
    selected = [item for item in items if "postgresql" not in item.keywords]
    deselected = [item for item in items if "postgresql" in item.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached fragments are keyed by history ids, which a rolled-back test can
    # hand out again on SQLite: every test starts with an empty cache.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
