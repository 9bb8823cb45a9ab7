"""Audit-history machinery shared by every app's services.

Every write in this project goes through a service, and every service ends in
one of the helpers below, so that each change leaves exactly one history row
that names a user and a reason. Relations that need history are explicit link
models with their own ``HistoricalRecords``; ``sync_links`` writes them row by
row, because Django's ``RelatedManager.set()`` uses ``bulk_create`` and would
leave no history.
"""

import collections
import contextlib
import contextvars
import datetime
import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, models, router, transaction
from django.db.models import F, Window
from django.db.models.deletion import Collector
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords

from .chain import HASH_FIELDS, HashChainedHistory, lock_chains

M = TypeVar("M", bound=models.Model)

#: The reason a history row gives. People type at most 1,000 characters (the
#: forms' reason fields); services compose some from a note, e.g. "Afdoening
#: voorgesteld: " and the proposal's explanation of up to 5,000.
MAX_REDEN = 6_000

_recorded_at: contextvars.ContextVar[datetime.datetime | None] = contextvars.ContextVar(
    "recorded_at", default=None
)


@contextlib.contextmanager
def recorded_at(when: datetime.datetime | None) -> Iterator[None]:
    """Date the history rows written inside the block at ``when``.

    Only for loading records from documents of known date (and synthetic data),
    so that the programme as of a past date can be reconstructed; the reason of
    such a row must say where it came from.
    """
    token = _recorded_at.set(when)
    try:
        yield
    finally:
        _recorded_at.reset(token)


def _stamp(instance: models.Model, *, user, reason: str) -> None:
    instance._history_user = user
    instance._change_reason = reason
    when = _recorded_at.get()
    if when is not None:
        instance._history_date = when
    else:
        # An instance reused after a dated load must not carry the old date on.
        instance.__dict__.pop("_history_date", None)


def history_writer(func):
    """``transaction.atomic`` for a service that writes history.

    Takes the history chains' lock before the service locks or writes any row,
    so that concurrent writers queue in one order instead of deadlocking
    (``history_chain.lock_chains`` says why). Every service that writes
    tracked records is decorated with it instead of ``transaction.atomic``.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with transaction.atomic(using=DEFAULT_DB_ALIAS):
            lock_chains(DEFAULT_DB_ALIAS)
            return func(*args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class ChangeLog:
    """How the programme's change log treats a tracked model.

    ``search``: the text fields of a history row that the log's search looks
    in. ``via``: the lookup on a history row that ties it to an action line,
    for the log's filter by line: "actielijn" (the line itself), "actie" (an
    action of the line), "indicator", "opdracht" (a mandate linked to an
    action of the line), or None.
    """

    search: tuple[str, ...] = ()
    via: str | None = None


class _TrackedHistory(HistoricalRecords):
    def __init__(self, *, change_log: ChangeLog | None, **kwargs):
        super().__init__(**kwargs)
        self.change_log = change_log

    def contribute_to_class(self, cls, name):
        # The model says itself whether and how the change log shows it.
        cls.change_log = self.change_log
        super().contribute_to_class(cls, name)


def tracked_history(
    *, change_log: ChangeLog | None = None, **kwargs
) -> HistoricalRecords:
    """The ``HistoricalRecords`` every tracked model uses (one place to tune it).

    Its rows form a hash chain per table (``historie.chain``). ``change_log``:
    how the programme's change log shows the model's changes (None: it does
    not; its changes are in its own history).
    """
    return _TrackedHistory(change_log=change_log, bases=[HashChainedHistory], **kwargs)


def system_user():
    """The named account that history rows show for changes made by commands."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=settings.SYSTEM_USERNAME,
        defaults={"first_name": "Systeem", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def is_system_user(user) -> bool:
    """Whether ``user`` is the account of commands (``system_user``), not a person."""
    return user is not None and user.username == settings.SYSTEM_USERNAME


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reden": _("Geef een reden voor deze wijziging.")})
    if len(reason) > MAX_REDEN:
        raise ValidationError(
            {
                "reden": _(
                    "De reden is te lang: hooguit %(limit)s tekens (het zijn er nu "
                    "%(count)s)."
                )
                % {"limit": MAX_REDEN, "count": len(reason)}
            }
        )
    return reason


def save_with_history(instance: M, *, user, reason: str) -> M:
    """Validate and save ``instance``; its history row names ``user`` and ``reason``."""
    reason = _require_reason(reason)
    instance.full_clean()
    _stamp(instance, user=user, reason=reason)
    instance.save()
    return instance


def delete_with_history(instance: models.Model, *, user, reason: str) -> None:
    """Delete ``instance``, leaving a '-' history row with ``user`` and ``reason``.

    Records deleted with it (links that cascade) get the same user and reason:
    Django's collector sends the deletion signals, which write their history
    rows, with the very instances it collected, so those are stamped here.
    """
    reason = _require_reason(reason)
    collector = Collector(using=router.db_for_write(type(instance)), origin=instance)
    collector.collect([instance])
    for collected in collector.data.values():
        for obj in collected:
            _stamp(obj, user=user, reason=reason)
    collector.delete()


def sync_links(
    *,
    owner: models.Model,
    link_model: type[models.Model],
    owner_field: str,
    target_field: str,
    targets: Iterable[models.Model],
    user,
    reason: str,
) -> bool:
    """Make the links of ``owner`` be exactly ``targets``, one history row per change.

    Returns whether anything changed.
    """
    wanted = {target.pk: target for target in targets}
    existing = {
        getattr(link, f"{target_field}_id"): link
        for link in link_model.objects.filter(**{owner_field: owner})
    }
    changed = False
    for target_pk, link in existing.items():
        if target_pk not in wanted:
            delete_with_history(link, user=user, reason=reason)
            changed = True
    for target_pk, target in wanted.items():
        if target_pk not in existing:
            link = link_model(**{owner_field: owner, target_field: target})
            save_with_history(link, user=user, reason=reason)
            changed = True
    return changed


class Keep:
    """The default of a service's keyword argument: leave the field as it is
    (on create: the model's own default)."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = Keep()


def given(**values) -> dict[str, object]:
    """The values a service's caller passed, without those left at ``KEEP``."""
    return {name: value for name, value in values.items() if value is not KEEP}


def _field_names(model: type[models.Model]) -> frozenset[str]:
    return frozenset(
        name
        for field in model._meta.concrete_fields
        for name in (field.name, field.attname)
    )


def _check_names(model: type[models.Model], values: Mapping[str, object]) -> None:
    unknown = set(values) - _field_names(model)
    if unknown:
        names = ", ".join(sorted(unknown))
        raise TypeError(f"{model.__name__} has no field(s) {names}")


def model_changes(instance: models.Model, values: Mapping[str, object]) -> dict:
    """Set ``values`` on ``instance``; return ``{field: (old, new)}`` per change.

    Only the model's own fields: any other name is a caller's mistake, which
    must not pass as an attribute that is set and silently never stored.
    """
    _check_names(type(instance), values)
    changes = {}
    for name, new in values.items():
        old = getattr(instance, name)
        if old != new:
            changes[name] = (old, new)
            setattr(instance, name, new)
    return changes


def create_with_history(
    model: type[M], values: Mapping[str, object], *, user, reason: str
) -> M:
    """Create a ``model`` from ``values`` with a '+' history row."""
    _check_names(model, values)
    return save_with_history(model(**values), user=user, reason=reason)


def update_with_history(
    instance: M, values: Mapping[str, object], *, user, reason: str
) -> bool:
    """Apply ``values``; save with a '~' history row only if something changed.

    Returns whether anything changed, so that repeating an update (an idempotent
    import, a form saved twice) leaves no empty history rows.
    """
    if not model_changes(instance, values):
        return False
    save_with_history(instance, user=user, reason=reason)
    return True


# --- reading history back: the state at a moment, and what happened between ------


def versions_at(
    model: type[models.Model], moment: datetime.datetime, *, ids=None
) -> dict[int, models.Model]:
    """The version of every ``model`` record that was current at ``moment``.

    One query over the history table, whatever the number of records: the
    newest history row per record before ``moment`` (by date, then by history
    id, because loaded records are dated in the past after later rows were
    written). Records whose newest row is a deletion did not exist then.
    Returns ``{pk: Version}``: the fields as they were, by attribute name
    (timestamps left out).
    ``ids`` (ids or a subquery of them) limits it to those records.
    """
    history_model = model.history.model
    history = history_model.objects.filter(history_date__lte=moment)
    if ids is not None:
        history = history.filter(id__in=ids)
    if connection.vendor == "postgresql":
        rows = history.order_by("id", "-history_date", "-history_id").distinct("id")
    else:
        newest = Window(
            RowNumber(),
            partition_by=[F("id")],
            order_by=[F("history_date").desc(), F("history_id").desc()],
        )
        rows = history.annotate(_newest=newest).filter(_newest=1)
    # Plain values, not model instances, and no timestamps (the history date,
    # auto-updated times) or chain hashes: a snapshot of a whole instance holds
    # hundreds of thousands of versions, and building model objects and
    # time-zone-aware datetimes for each would cost several times the query.
    version = _version_type(history_model)
    return {
        row.id: row
        for row in map(version._make, rows.values_list(*version._fields))
        if row.history_type != "-"
    }


@functools.cache
def _version_type(history_model: type[models.Model]) -> type:
    """A named tuple of the history model's fields, by attribute name.

    Without the chain's hashes, which nothing reading a version needs.
    """
    names = [
        f.attname
        for f in history_model._meta.concrete_fields
        if not isinstance(f, models.DateTimeField) and f.attname not in HASH_FIELDS
    ]
    return collections.namedtuple(f"{history_model.__name__}Version", names)


def rows_between(
    model: type[models.Model],
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    ids: Iterable[int] | None = None,
) -> list[models.Model]:
    """History rows written after ``start`` up to and including ``end``, in order."""
    rows = model.history.model.objects.filter(
        history_date__gt=start, history_date__lte=end
    ).select_related("history_user")
    if ids is not None:
        rows = rows.filter(id__in=list(ids))
    return list(rows.order_by("history_date", "history_id"))


def tracked_models() -> list[type[models.Model]]:
    """Every model with an audit history (django-simple-history marks them)."""
    from django.apps import apps

    return [
        model
        for model in apps.get_models()
        if getattr(model._meta, "simple_history_manager_attribute", None)
    ]
