"""A complete, restorable export of the register: records, history, accounts, files.

One JSON file holds everything a restore into an empty, migrated database needs
(docs/operations.md): every record of the project's own apps and every history
row, the accounts with their roles and second factors, the admin's log, the
hash chain's column
layouts and the log of history purges (PostgreSQL), both ``historie``'s,
and the stored files (the final evaluation PDFs) embedded in base64 with their
SHA-256.

The records are in Django's serialization format, with two deliberate choices:

- Date-times keep their microseconds. ``dumpdata`` rounds them to milliseconds,
  which changes history rows and so breaks their hash chain.
- Primary keys are kept, of users and groups too: history rows refer to users
  by id, and those ids are inside the rows' hashes; records refer to groups by
  id. Only what each database creates for itself is referred to by natural
  key: content types and permissions. The role groups that ``migrate`` creates
  in the new database are replaced by the exported ones.

Restoring saves every object "raw", as ``loaddata`` does: django-simple-history
writes no new history rows, and history rows keep their hashes.

The file is written one object per line, ``objects`` last, so that the restore
reads it as a stream rather than holding a million history rows in memory; it
is still one JSON document (``jq .objects`` gives a fixture for ``loaddata``).
"""

import base64
import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder

from historie.chain import (
    all_layouts,
    last_hash,
    purge_log_rows,
    restore_layouts,
    restore_purge_log,
)
from historie.models import ChainLayout, PurgeLogEntry

FORMAT = "actieprogramma-export"
VERSION = 1
CHUNK = 2000
# The chain's own tables travel in the header, under their table names: their
# rows are checked and restored apart from the records (the purge log only on
# PostgreSQL, which writes it).
LAYOUTS = ChainLayout._meta.db_table
PURGE_LOG = PurgeLogEntry._meta.db_table


class BackupError(Exception):
    """The export file cannot be restored here; the message says why."""


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but date-times and times keep their microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _dumps(value) -> str:
    # ASCII only: no character in the output can be read as a line break.
    return json.dumps(value, cls=_Encoder, ensure_ascii=True, sort_keys=True)


def project_models() -> list[type[models.Model]]:
    """Every model of this project's own apps, history models included.

    The project's apps are the packages at the top of the checkout, so that an
    app added later is exported without anyone remembering to list it.
    """
    base = Path(settings.BASE_DIR).resolve()
    return [
        model
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == base
        for model in config.get_models()
        if not model._meta.proxy and model not in (ChainLayout, PurgeLogEntry)
    ]


# Second factors (django-otp): without them a restore would lock out everyone
# whose role requires one until an administrator sets it up anew.
SECOND_FACTORS = [
    ("otp_totp", "TOTPDevice"),
    ("otp_static", "StaticDevice"),
    ("otp_static", "StaticToken"),
]


def exported_models() -> list[type[models.Model]]:
    """What the export holds, in the order it is written (and restored).

    Not held: sessions (everyone signs in again), django-axes' sign-in attempts
    and lockouts (the security log keeps sign-in events), and what each
    database creates for itself (content types, permissions).
    """
    second_factors = [
        apps.get_model(app_label, name)
        for app_label, name in SECOND_FACTORS
        if apps.is_installed(f"django_otp.plugins.{app_label}")
    ]
    return [Group, get_user_model(), *second_factors, LogEntry, *project_models()]


def _natural(model: type[models.Model]) -> dict:
    """Natural keys only for what each database creates for itself.

    Groups, users and the admin's log refer to permissions and content types;
    natural foreign keys there also name users by username, which is as exact.
    """
    if model in (Group, get_user_model(), LogEntry):
        return {"use_natural_foreign_keys": True}
    return {}


def _queryset(model: type[models.Model], using: str) -> models.QuerySet:
    queryset = model._base_manager.using(using).order_by("pk")
    if model is LogEntry:
        queryset = queryset.select_related("user", "content_type")
    return queryset


def _serialized(model: type[models.Model], using: str) -> Iterator[dict]:
    objects = _queryset(model, using).iterator(chunk_size=CHUNK)
    while chunk := [obj for _, obj in zip(range(CHUNK), objects, strict=False)]:
        for data in serializers.serialize("python", chunk, **_natural(model)):
            for name, value in data["fields"].items():
                if isinstance(value, list):  # many-to-many: a stable order
                    data["fields"][name] = sorted(value)
            yield data


def _file_fields(model: type[models.Model]) -> list[str]:
    """Attribute names of the stored files, on a model or its history model."""
    source = getattr(model, "instance_type", model)  # history model → tracked model
    return [
        f.attname
        for f in source._meta.concrete_fields
        if isinstance(f, models.FileField)
    ]


def _files(using: str) -> list[dict]:
    """Every stored file the records refer to, with its contents in base64.

    Files of current records must exist. Names only in history rows are taken
    along when the file is still there (a file removed by design, such as the
    PDF of a finalisation that failed, is not). All in the default storage,
    where the restore puts them back.
    """
    found: dict[str, bytes] = {}
    for model in project_models():
        for attname in _file_fields(model):
            history = hasattr(model, "instance_type")
            names = (
                model._base_manager.using(using)
                .exclude(**{attname: ""})
                .exclude(**{f"{attname}__isnull": True})
                .values_list(attname, flat=True)
                .distinct()
            )
            for name in names:
                if name in found:
                    continue
                if not default_storage.exists(name):
                    if history:
                        continue
                    raise BackupError(
                        f"{model._meta.label} refers to the file {name!r}, which is "
                        "missing from storage: the backup would be incomplete."
                    )
                with default_storage.open(name, "rb") as handle:
                    found[name] = handle.read()
    return [
        {
            "name": name,
            "sha256": hashlib.sha256(content).hexdigest(),
            "size": len(content),
            "content_base64": base64.b64encode(content).decode("ascii"),
        }
        for name, content in sorted(found.items())
    ]


def _migrations(using: str) -> dict[str, str]:
    """The newest applied migration of each app: the schema the data fits."""
    applied = MigrationRecorder(connections[using]).applied_migrations()
    newest: dict[str, str] = {}
    for app_label, name in sorted(applied):
        newest[app_label] = max(newest.get(app_label, ""), name)
    return newest


def _restore_purge_log(rows: list[list], using: str) -> None:
    if rows and connections[using].vendor != "postgresql":
        raise BackupError(
            "The export holds a log of history purges, which only PostgreSQL "
            "keeps; restore it into PostgreSQL."
        )
    restore_purge_log(rows, using=using)


def _chain_heads(using: str) -> dict[str, dict]:
    """Rows and last hash of each history table, to compare after a restore."""
    return {
        model._meta.db_table: {
            "rows": model._base_manager.using(using).count(),
            "last_hash": last_hash(model, using=using),
        }
        for model in project_models()
        if hasattr(model, "instance_type")
    }


@dataclass
class Counts:
    objects: int = 0
    files: int = 0


def export(stream: IO[str], *, using: str = "default") -> Counts:
    """Write the export to ``stream`` (a text file); return what it holds.

    Everything is read in one transaction; on PostgreSQL a REPEATABLE READ one,
    so that the file shows one moment even while people keep working.
    """
    counts = Counts()
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                )
        files = _files(using)
        header = {
            "format": FORMAT,
            "version": VERSION,
            "migrations": _migrations(using),
            "history_chain": _chain_heads(using),
            LAYOUTS: all_layouts(using=using),
            PURGE_LOG: purge_log_rows(using=using),
            "files": files,
        }
        stream.write("{\n")
        for key, value in header.items():
            stream.write(f"{_dumps(key)}: {_dumps(value)},\n")
        stream.write('"objects": [\n')
        separator = ""
        for model in exported_models():
            for data in _serialized(model, using):
                stream.write(separator + _dumps(data))
                separator = ",\n"
                counts.objects += 1
        stream.write("\n]}\n")
    counts.files = len(files)
    return counts


# --- restoring -----------------------------------------------------------------


def _read(stream: IO[str]) -> tuple[dict, Iterator[dict]]:
    """The header, and the objects one by one (see the module's docstring)."""
    header_lines = []
    for line in stream:
        if line.startswith('"objects": ['):
            break
        header_lines.append(line)
    else:
        raise BackupError("This is not an export_all file (no objects).")
    header = json.loads("".join(header_lines).rstrip().rstrip(",") + "}")
    if header.get("format") != FORMAT or header.get("version") != VERSION:
        raise BackupError("This is not an export_all file of a known version.")

    def objects() -> Iterator[dict]:
        for line in stream:
            line = line.rstrip("\n").rstrip(",")
            if line in ("", "]}"):
                continue
            yield json.loads(line)

    return header, objects()


def _check_target(header: dict, using: str) -> None:
    here = _migrations(using)
    different = sorted(
        app
        for app in set(header["migrations"]) | set(here)
        if header["migrations"].get(app) != here.get(app)
    )
    if different:
        raise BackupError(
            "The database is not migrated to the schema of the export "
            f"(apps {', '.join(different)}); run migrate with the same release."
        )
    occupied = [
        model._meta.label
        for model in exported_models()
        if model is not Group and model._base_manager.using(using).exists()
    ]
    if all_layouts(using=using):
        occupied.append(LAYOUTS)
    if purge_log_rows(using=using):
        occupied.append(PURGE_LOG)
    if occupied:
        raise BackupError(
            "The database is not empty; restore into a new, migrated database "
            f"(records found in {', '.join(occupied[:5])})."
        )


def _decoded_files(header: dict) -> list[tuple[str, bytes]]:
    files = []
    for item in header["files"]:
        content = base64.b64decode(item["content_base64"])
        if hashlib.sha256(content).hexdigest() != item["sha256"]:
            raise BackupError(f"The file {item['name']!r} in the export is damaged.")
        files.append((item["name"], content))
    return files


def _write_files(files: list[tuple[str, bytes]]) -> list[str]:
    """Put the files in storage under their own names; returns those written."""
    written = []
    for name, content in files:
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as handle:
                if handle.read() != content:
                    raise BackupError(
                        f"Storage holds a different file named {name!r}; not "
                        "overwritten."
                    )
            continue
        if default_storage.save(name, ContentFile(content)) != name:
            raise BackupError(f"Storage renamed {name!r}; restore stopped.")
        written.append(name)
    return written


def _save_all(objects: Iterable[dict], using: str) -> int:
    """Save the objects raw, as loaddata does; returns how many."""
    connection = connections[using]
    loaded, deferred, seen = 0, [], set()
    with connection.constraint_checks_disabled():
        for obj in serializers.deserialize(
            "python", objects, using=using, handle_forward_references=True
        ):
            # The database is empty: insert straight away, without first
            # trying an UPDATE as a save with a primary key otherwise does.
            obj.save(using=using, force_insert=True)
            if obj.deferred_fields:
                deferred.append(obj)
            seen.add(type(obj.object))
            loaded += 1
        for obj in deferred:
            obj.save_deferred_fields(using=using)
    connection.check_constraints(table_names=[m._meta.db_table for m in seen])
    statements = connection.ops.sequence_reset_sql(no_style(), list(seen))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
    return loaded


def restore(stream: IO[str], *, using: str = "default") -> Counts:
    """Restore an export into an empty database migrated to the same schema."""
    header, objects = _read(stream)
    _check_target(header, using)
    files = _decoded_files(header)
    written = _write_files(files)
    try:
        with transaction.atomic(using=using):
            # The roles migrate created, with ids of their own: the export's
            # come instead, with the ids that records refer to.
            Group.objects.using(using).all().delete()
            loaded = _save_all(objects, using)
            restore_layouts(header[LAYOUTS], using=using)
            _restore_purge_log(header[PURGE_LOG], using)
            if _chain_heads(using) != header["history_chain"]:
                raise BackupError(
                    "The restored history does not end where the export says it "
                    "does (rows or last hash per table): the file is incomplete "
                    "or was changed."
                )
    except Exception:
        for name in written:
            default_storage.delete(name)
        raise
    return Counts(objects=loaded, files=len(files))
