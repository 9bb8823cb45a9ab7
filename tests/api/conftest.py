import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from beveiliging import services


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # The rate limits count in the cache; each test starts with none used.
    cache.clear()
    yield
    cache.clear()


def token_for(user, scope="write", naam="test") -> str:
    _token, raw = services.api_token_create(user=user, naam=naam, scope=scope)
    return raw


def client_for(user, scope="write") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user, scope)}")
    return client


@pytest.fixture
def api():
    return client_for
