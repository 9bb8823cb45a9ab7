"""Which records carry review remarks (opmerkingen), and how a remark names
and links its record.

Actions and mandates hold their remarks through a foreign key of their own.
A record of a floor above this app (the evaluation) cannot be named here
without turning the layers upside down, so it registers itself from its
app's ``ready()``; its remarks point at it through a generic link
(``Opmerking.onderwerp``). Everything about remarks (placing, replying, the
permissions, the open questions, the notices) goes through this table, so a
registered record needs nothing else.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse


@dataclass(frozen=True)
class Subject:
    model: type[models.Model]
    # The URL name of the page that places a remark; takes the record's pk.
    place_url: str
    # How the page speaks of the record: "de <noun> verandert niet".
    noun: str
    # A short label for lists and messages ("actie 3.1").
    label: Callable[[models.Model], str]
    # The crumbs above a page about the record: (title, url) pairs.
    crumbs: Callable[[models.Model], tuple]
    # The foreign key of Opmerking that holds the record; None: the generic
    # link (``onderwerp``).
    field: str | None = None
    # The lookup from the record to its programme, for the list of open
    # questions per programme (generic subjects only).
    programma: str = "programma"


_SUBJECTS: dict[type[models.Model], Subject] = {}


def register(subject: Subject) -> None:
    _SUBJECTS[subject.model] = subject


def subject_of(record) -> Subject:
    """The registration of ``record``'s model; ValueError for a model that
    carries no remarks."""
    try:
        return _SUBJECTS[type(record)]
    except KeyError:
        raise ValueError(f"{type(record).__name__} carries no remarks") from None


def generic_subjects() -> Iterable[Subject]:
    return [s for s in _SUBJECTS.values() if s.field is None]


def link_values(record) -> dict:
    """The fields of a new remark on ``record``: one of the three links set."""
    subject = subject_of(record)
    values = {"actie": None, "raadsopdracht": None}
    if subject.field:
        values[subject.field] = record
        return {**values, "onderwerp_type": None, "onderwerp_id": None}
    return {
        **values,
        "onderwerp_type": ContentType.objects.get_for_model(record),
        "onderwerp_id": record.pk,
    }


def on_record(record) -> Q:
    """The remarks on ``record``."""
    subject = subject_of(record)
    if subject.field:
        return Q(**{subject.field: record})
    return Q(
        onderwerp_type=ContentType.objects.get_for_model(record),
        onderwerp_id=record.pk,
    )


def of_programma(programma) -> Q:
    """The remarks on a programme's registered records of a generic link."""
    condition = Q(pk__in=[])
    for subject in generic_subjects():
        ids = subject.model.objects.filter(**{subject.programma: programma})
        condition |= Q(
            onderwerp_type=ContentType.objects.get_for_model(subject.model),
            onderwerp_id__in=ids.values("pk"),
        )
    return condition


def looked_after_by(user) -> Q | None:
    """The remarks on the kinds of record ``user`` may change (and so is
    expected to answer for); None when there are none."""
    condition = None
    for subject in _SUBJECTS.values():
        opts = subject.model._meta
        if not user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
            continue
        if subject.field:
            part = Q(**{f"{subject.field}__isnull": False})
        else:
            part = Q(onderwerp_type=ContentType.objects.get_for_model(subject.model))
        condition = part if condition is None else condition | part
    return condition


def read_permission(record) -> str:
    opts = subject_of(record).model._meta
    return f"{opts.app_label}.view_{opts.model_name}"


def place_url(record) -> str:
    return reverse(subject_of(record).place_url, args=[record.pk])
