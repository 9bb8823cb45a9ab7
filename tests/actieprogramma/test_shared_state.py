"""More than one application node: what they share.

CACHE_URL puts the cache (fragments, rate limits, the identity provider's
answers) and the sessions' cache in one Redis for every node; a Redis that is
away is a cache miss, never an error page. DOCUMENT_STORAGE=s3 puts stored
files in an S3-compatible bucket every node reaches. scripts/cluster.py runs
two real nodes behind nginx; these tests hold the settings and the parts.
"""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.core.cache import caches
from django.core.files.storage import storages
from django.test import override_settings

from tests.api.conftest import client_for

ROOT = Path(__file__).resolve().parents[2]
REDIS = "redis://127.0.0.1:6379/14"
# CI runs the suite on SQLite and on PostgreSQL at the same time against the
# one Redis: each run keeps to keys of its own.
PREFIX = f"test-{os.getpid()}"


def effective(**env) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-c",
         "import django;django.setup();from django.conf import settings as s;"
         "print(s.CACHES['default']['BACKEND'], s.SESSION_ENGINE, "
         "s.STORAGES['default']['BACKEND'])"],
        cwd=ROOT, env={**clean, "DJANGO_SETTINGS_MODULE": "actieprogramma.settings",
                       "DEBUG": "true", **env},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_one_machine_by_default_and_shared_state_when_configured():
    assert effective() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",
        "django.core.files.storage.FileSystemStorage",
    ]
    assert effective(
        CACHE_URL=REDIS, DOCUMENT_STORAGE="s3", S3_BUCKET="documenten"
    ) == [
        "django_redis.cache.RedisCache",
        "django.contrib.sessions.backends.cached_db",
        "storages.backends.s3.S3Storage",
    ]


def test_a_wrong_storage_setting_stops_the_start():
    for env, message in (
        ({"DOCUMENT_STORAGE": "ftp"}, "DOCUMENT_STORAGE is 'local' or 's3'"),
        ({"DOCUMENT_STORAGE": "s3"}, "DOCUMENT_STORAGE=s3 needs S3_BUCKET"),
    ):
        result = subprocess.run(
            [sys.executable, "-c", "import django;django.setup()"],
            cwd=ROOT,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "actieprogramma.settings",
                 "DEBUG": "true", **env},
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert result.returncode != 0
        assert message in result.stderr


def redis_cache(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": PREFIX,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }


def _forget(server) -> None:
    for key in server.scan_iter(f"{PREFIX}:*"):
        server.delete(key)


@pytest.fixture
def shared_redis():
    server = redis.Redis.from_url(REDIS)
    _forget(server)
    # Django's own setting_changed handler gives the new cache to the code.
    with override_settings(CACHES=redis_cache(REDIS)):
        yield server
    _forget(server)


@pytest.mark.django_db
def test_the_rate_limit_is_one_count_in_the_shared_redis(
    shared_redis, beleidsmedewerker, monkeypatch
):
    """What a second node sees is what Redis holds: the count is there, not
    in the process."""
    from api.throttling import PerToken

    monkeypatch.setattr(PerToken, "rate", "3/min", raising=False)
    api = client_for(beleidsmedewerker, "read")
    codes = [api.get("/api/v1/programmas").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    keys = [k.decode() for k in shared_redis.scan_iter(f"{PREFIX}:*throttle_token*")]
    assert len(keys) == 1
    # Another process (another node) reads the same count from Redis.
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c",
         "import redis,pickle,sys;r=redis.Redis.from_url(sys.argv[1]);"
         "print(len(pickle.loads(r.get(sys.argv[2]))))", REDIS, keys[0]],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert result.stdout.strip() == "3"


@pytest.mark.django_db
def test_a_redis_that_is_away_is_a_miss_not_an_error_page(client, beleidsmedewerker):
    # Nothing listens on port 1 of loopback.
    with override_settings(CACHES=redis_cache("redis://127.0.0.1:1/0")):
        assert caches["default"].get("iets") is None  # a miss, not an error
        client.force_login(beleidsmedewerker)
        assert client.get("/").status_code == 200
        assert client.get("/acties/").status_code == 200
        api = client_for(beleidsmedewerker, "read")
        assert api.get("/api/v1/acties").status_code == 200


@pytest.fixture
def s3_bucket(settings, tmp_path):
    """An S3-compatible server on loopback (moto's), with an empty bucket,
    and the default storage pointed at it as DOCUMENT_STORAGE=s3 does."""
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client(
        "s3", endpoint_url=endpoint, region_name="eu-west-1",
        aws_access_key_id="test", aws_secret_access_key="test",
    ).create_bucket(
        Bucket="documenten",
        CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
    )  # fmt: skip
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "documenten", "endpoint_url": endpoint,
                "region_name": "eu-west-1", "access_key": "test",
                "secret_key": "test", "default_acl": "private",
                "querystring_auth": True, "file_overwrite": False,
            },
        },
    }  # fmt: skip
    # Django's setting_changed handler gives the new storage to the code.
    assert type(storages["default"]).__name__ == "S3Storage"
    yield endpoint
    server.stop()


@pytest.mark.django_db
def test_documents_go_to_the_bucket_and_come_back_through_the_application(
    s3_bucket, client, beleidsmedewerker, tmp_path
):
    import boto3

    from tests.documents import pdf_bytes
    from tests.factories import ActieFactory

    actie = ActieFactory()
    content = pdf_bytes()
    upload = io.BytesIO(content)
    upload.name = "Plan van aanpak.pdf"
    client.force_login(beleidsmedewerker)
    response = client.post(
        f"/acties/{actie.pk}/documenten/nieuw/",
        {"titel": "Plan van aanpak", "soort": "overig", "bestand": upload,
         "reden": "Plan toegevoegd"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    document = actie.documenten.get()
    listed = boto3.client(
        "s3", endpoint_url=s3_bucket, region_name="eu-west-1",
        aws_access_key_id="test", aws_secret_access_key="test",
    ).list_objects_v2(Bucket="documenten")  # fmt: skip
    assert [o["Key"] for o in listed["Contents"]] == [document.bestand.name]
    assert not (tmp_path / "media").exists()  # nothing on the node's own disk
    download = client.get(document.get_absolute_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
