"""Cached page fragments that are never stale for recorded data.

Every change to a tracked record adds a row to its history table, so the newest
history id of each table, read in one query, is a generation number for all
recorded data: a fragment cached under it is valid until any record changes.
Keys hold the generation, so a per-process cache (each gunicorn worker has its
own) never serves stale content; entries of older generations age out.

What history does not record (a user's display name, a purge of old history)
can show late by at most ``FRAGMENT_CACHE_SECONDS``.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property

from .records import tracked_models

_SQL: dict[str, str] = {}


def history_generation() -> str:
    """The newest history id of every tracked table, as one string (one query)."""
    sql = _SQL.get(connection.vendor)
    if sql is None:
        quote = connection.ops.quote_name
        parts = [
            # Table names come from the models, quoted; nothing from a request.
            f"(SELECT MAX({quote('history_id')}) FROM {quote(table)})"  # noqa: S608
            for table in sorted(
                model.history.model._meta.db_table for model in tracked_models()
            )
        ]
        sql = _SQL[connection.vendor] = "SELECT " + ", ".join(parts)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return ".".join("" if value is None else str(value) for value in row)


def fragment_key(name: str, *parts) -> str:
    """A cache key for fragment ``name`` of the current generation."""
    text = "|".join([history_generation(), *(str(part) for part in parts)])
    return f"fragment:{name}:{hashlib.sha256(text.encode()).hexdigest()}"


def cached_fragment(key: str, build: Callable[[], dict]) -> dict:
    """The cached value under ``key``, or ``build()``'s, stored for next time."""
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout=settings.FRAGMENT_CACHE_SECONDS)
    return value


class CountedPaginator(Paginator):
    """A paginator whose total is kept under ``count_key`` (a ``fragment_key``):
    counting 1.2 million history rows for "page 1 of 24,576" took longer than
    the rest of ``/historie/``, and the total changes only with the data."""

    def __init__(self, object_list, per_page, *, count_key: str, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        return cached_fragment(
            self.count_key, lambda: {"count": Paginator.count.func(self)}
        )["count"]
