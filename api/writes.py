"""Writes through the same forms and services as the pages.

A write of the API becomes the edit page's form, filled with the record as
it is and the fields the caller sent on top: so the BSN guard, the length
limits, the rules between fields and the reason that status and progress
ask for are the page's, and the service that saves is the page's. Only the
fields the caller sent and that differ are written (what the page's merge
writes); the others stay as they are.
"""

import hashlib
import json
from dataclasses import dataclass, field

from django import forms
from django.db import DEFAULT_DB_ALIAS, transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework import exceptions

from acties.models import Actie, Raadsopdracht
from basis.forms import NoVictimDataMixin
from historie.chain import lock_chains

from .problems import PreconditionFailed, PreconditionRequired


@dataclass(frozen=True)
class FormWrite:
    form_class: type[forms.BaseForm]
    # The API's name of a field where it is not the form's (``actielijn_id``).
    renamed: dict[str, str] = field(default_factory=dict)

    def form_name(self, api_name: str) -> str:
        return self.renamed.get(api_name, api_name)

    def api_name(self, form_name: str) -> str:
        back = {v: k for k, v in self.renamed.items()}
        return back.get(form_name, form_name)

    def bound(self, instance, given: dict) -> forms.BaseForm:
        """The page's form of ``instance`` (None: a new record) as it is,
        with ``given`` (API names) on top."""
        kwargs = {"merge": False} if hasattr(self.form_class, "merge_fields") else {}
        if instance is not None:
            kwargs["instance"] = instance
        unbound = self.form_class(**kwargs)
        data = {}
        for name, form_field in unbound.fields.items():
            value = form_field.prepare_value(unbound[name].initial)
            if value is None or value is False:
                continue  # left out, as a browser leaves out an empty field
            data[name] = value
        for api_name, value in given.items():
            name = self.form_name(api_name)
            if value is None or value is False:
                data.pop(name, None)
            elif isinstance(value, bool):
                data[name] = "on"
            else:
                data[name] = value
        return self.form_class(data=data, **kwargs)

    def check(self, form: forms.BaseForm) -> None:
        """A ValidationError (400, per field) if the form refuses."""
        if form.is_valid():
            return
        detail = {}
        for name, errors in form.errors.items():
            key = "non_field_errors" if name == "__all__" else self.api_name(name)
            detail[key] = list(errors)
        raise exceptions.ValidationError(detail)


def representation_tag(data) -> str:
    """A record's ETag: a digest of what the API says of it, so that anything
    it shows (a new link, a measurement, an organisation's new name, a date
    passed) gives another tag, and a conditional read never keeps a client
    on old data."""
    body = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return f'"{hashlib.sha256(body.encode()).hexdigest()[:24]}"'


def tags(header: str, *, weak: bool) -> set[str]:
    """The entity tags of a conditional header; weak ones only when the
    comparison is weak (If-None-Match), never for If-Match (RFC 9110 13.1)."""
    found = set()
    for part in header.split(","):
        part = part.strip()
        if part.startswith("W/"):
            if not weak:
                continue
            part = part[2:]
        if part:
            found.add(part)
    return found


def locked_update(model, pk, request, write, *, tag_of):
    """``write(current)`` under the record's row lock (after the history
    chains' lock, in the order every writer takes them), if the caller's
    ``If-Match`` names the record as it is now (``tag_of(current)``): 404
    for a record that does not exist, 428 without If-Match, 412 and nothing
    written when it changed since."""
    header = request.headers.get("If-Match", "").strip()
    with transaction.atomic(using=DEFAULT_DB_ALIAS):
        lock_chains(DEFAULT_DB_ALIAS)
        current = get_object_or_404(model._default_manager.select_for_update(), pk=pk)
        if not header:
            raise PreconditionRequired()
        now = tag_of(current)
        if header != "*" and now not in tags(header, weak=False):
            raise PreconditionFailed(
                _(
                    "Het record is gewijzigd sinds de versie in If-Match "
                    "(nu %(etag)s). Er is niets opgeslagen; lees het record "
                    "opnieuw en voer uw wijziging opnieuw uit."
                )
                % {"etag": now}
            )
        return write(current)


class KoppelingApiForm(NoVictimDataMixin, forms.Form):
    """A link between a mandate and an action, any of them (the service holds
    the link to the mandate's scope)."""

    raadsopdracht = forms.ModelChoiceField(queryset=Raadsopdracht.objects.all())
    actie = forms.ModelChoiceField(queryset=Actie.objects.all())
    toelichting = forms.CharField(max_length=2000)
    toelichting_openbaar = forms.BooleanField(required=False)
