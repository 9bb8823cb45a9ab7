"""Nothing is lost when two people edit one record: a three-way merge of forms.

An edit form remembers the version it was opened from: the values of its
fields then, signed so that they cannot be forged, travel with the page in a
hidden field (``basis``). On save, each field is compared three ways, in the
form's own terms (the value a field cleans to, so that "25" and "25.0" or a
reordered list of partners are the same):

- this person left it as it was: it is not written, whatever it holds now;
- only this person changed it: their value is written;
- both changed it to the same value: nothing to do;
- both changed it differently: a conflict. Nothing is saved; the page shows
  the other person's value (who, when) beside this person's, asks per field
  which one stays, and takes the other fields along as they are now.

A version rather than a timestamp or counter is remembered because a counter
can only refuse a stale edit, and refusing makes the second person type again
or, worse, save the whole form over the first person's work. The merge runs
under the record's row lock (``MergeServiceFormView``; the admin locks the row
when a change is posted, ``pijlers.admin.AuditedAdmin``), so no write slips in
between comparing and saving.
"""

import copy
import datetime
import decimal
from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

BASIS = "basis"
CHOICE_PREFIX = "keuze_"
THEIRS, MINE = "hunne", "mijne"
# The salt keeps the name the module had when the first tokens were signed,
# so that pages opened before the module moved can still be saved.
_SALT = "pijlers.merge.basis"
# A page left open longer than this is refused as too old to merge safely:
# the person is asked to open it again (their input is kept on the page).
MAX_AGE = datetime.timedelta(days=7)


class EditConflict(Exception):
    """Fields that both this person and someone else changed, differently."""

    def __init__(self, conflicts: list["Conflict"], current_values: dict):
        super().__init__(", ".join(c.name for c in conflicts))
        self.conflicts = conflicts
        self.current_values = current_values


@dataclass(frozen=True)
class Conflict:
    name: str
    label: str
    theirs: str
    mine: str
    by: str
    at: datetime.datetime | None


def _serialise(value):
    """A value as the form shows it, in a form that JSON keeps."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set | models.QuerySet):
        return [_serialise(v) for v in value]
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _canonical(value):
    """What a cleaned value is, for comparing (not for showing)."""
    if isinstance(value, models.Model):
        return ("pk", value.pk)
    if isinstance(value, list | tuple | set | models.QuerySet):
        return ("list", tuple(sorted(str(_canonical(v)) for v in value)))
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    if isinstance(value, decimal.Decimal):
        return value.normalize()
    return value


def _clean_raw(field: forms.Field, raw):
    """The value ``raw`` (as remembered) cleans to, without the validators.

    Validators may have changed since the page was opened (a new length
    limit); a remembered value is compared, not accepted.
    """
    if isinstance(field, forms.BooleanField):
        return bool(raw)
    try:
        return field.to_python(raw)
    except ValidationError:
        return ("ongeldig", repr(raw))


def _parse_time(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


def history_author(row) -> tuple[str, datetime.datetime | None]:
    """Who wrote a history row and when, as the conflict page names them."""
    if row is None:
        return _("iemand anders"), None
    user = row.history_user
    who = (user.get_full_name() or user.username) if user else _("iemand anders")
    return who, row.history_date


def _short(text: str, limit: int = 120) -> str:
    """A long value once in full (the table), in a choice's label only begun."""
    if len(text) <= limit:
        return text
    return _("%(begin)s… (in de tabel voluit)") % {"begin": text[:limit].rstrip()}


def _conflict_from(stored: dict) -> Conflict:
    """A conflict as a version token keeps it; tolerant of older tokens."""
    return Conflict(
        name=str(stored.get("name", "")),
        label=str(stored.get("label", "")),
        theirs=str(stored.get("theirs", "")),
        mine=str(stored.get("mine", "")),
        by=str(stored.get("by", "")),
        at=_parse_time(stored.get("at")),
    )


def when_text(moment: datetime.datetime | None) -> str:
    """A moment as the conflict page writes it: '1 december 2026 om 13:17'."""
    if moment is None:
        return ""
    return formats.date_format(timezone.localtime(moment), "j F Y \\o\\m H:i")


def _display(field: forms.Field, value) -> str:
    """A cleaned value as a person reads it."""
    if value in (None, "", [], ()):
        return _("(leeg)")
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, list | tuple | models.QuerySet):
        return ", ".join(_display(field, v) for v in value) or _("(leeg)")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "j F Y")
    if isinstance(value, decimal.Decimal | int | float) and not isinstance(value, bool):
        return formats.number_format(value, use_l10n=True)
    choices = getattr(field, "choices", None)
    if choices is not None and not isinstance(value, models.Model):
        labels = {str(key): label for key, label in choices}
        return str(labels.get(str(value), value))
    return str(value)


class MergeFormMixin:
    """An edit form that merges instead of overwriting (see the module).

    For ModelForms of tracked records. ``merge_fields`` are the fields a person
    edits; by default every field but the reason and the form's machinery.
    """

    merge_machinery = frozenset({BASIS, "reden"})

    def __init__(
        self, *args, conflicts: Iterable[Conflict] = (), merge: bool = True, **kwargs
    ):
        """``merge=False`` for a caller that has just read the record and applies
        its values at once under its own checks (the import re-plans the file
        on confirming), not a page a person had open.

        The form works on its own copy of the record: a ModelForm writes what
        was typed into its instance while it validates, and the caller's
        object must stay as it is stored (the page's title, the service's
        comparison), so nobody has to read it again.
        """
        if kwargs.get("instance") is not None:
            kwargs["instance"] = copy.copy(kwargs["instance"])
        super().__init__(*args, **kwargs)
        self.merge_base: dict | None = None
        self.base_error = ""
        self.conflicts = list(conflicts)
        self.merging = merge and self.instance.pk is not None
        if not self.merging:
            return
        basis = forms.CharField(widget=forms.HiddenInput, required=False)
        basis.holds_no_text = True  # a signed token, not something typed
        self.fields[BASIS] = basis
        if self.is_bound:
            self.merge_base = self._load(self.data.get(self.add_prefix(BASIS)))
            if self.merge_base is not None:
                self.conflicts = [
                    _conflict_from(c) for c in self.merge_base.get("c", [])
                ]
        self._add_choices()

    def get_initial_for_field(self, field, field_name):
        # The version is taken when the page is drawn, after subclasses have
        # set their fields' initial values in their own __init__.
        if field_name == BASIS and BASIS not in self.initial:
            self.initial[BASIS] = self.snapshot()
        return super().get_initial_for_field(field, field_name)

    # --- the remembered version ---------------------------------------------------

    @property
    def merge_fields(self) -> list[str]:
        return [
            name
            for name in self.fields
            if name not in self.merge_machinery and not name.startswith(CHOICE_PREFIX)
        ]

    def raw_values(self) -> dict:
        """The fields' values as an unbound form of this record shows them."""
        return {name: _serialise(self[name].value()) for name in self.merge_fields}

    def snapshot(
        self, *, values: dict | None = None, conflicts: Iterable[Conflict] = ()
    ) -> str:
        """The signed version token: ``values`` (default: this form's now)."""
        return signing.dumps(
            {
                "m": self.instance._meta.label_lower,
                "pk": self.instance.pk,
                "t": timezone.now().isoformat(),
                "v": self.raw_values() if values is None else values,
                "c": [
                    {**c.__dict__, "at": c.at.isoformat() if c.at else None}
                    for c in conflicts
                ],
            },
            salt=_SALT,
            compress=True,
        )

    def _load(self, token) -> dict | None:
        if not token:
            self.base_error = _(
                "Deze pagina mist de versie waarvan u uitging. Open het formulier "
                "opnieuw vanaf de pagina van het record."
            )
            return None
        try:
            base = signing.loads(token, salt=_SALT, max_age=MAX_AGE.total_seconds())
        except signing.SignatureExpired:
            self.base_error = _(
                "Dit formulier is langer dan een week open geweest. Open het opnieuw; "
                "neem uw tekst eerst over."
            )
            return None
        except signing.BadSignature:
            self.base_error = _(
                "De versie waarvan u uitging is onleesbaar. Open het formulier opnieuw."
            )
            return None
        if (
            base.get("m") != self.instance._meta.label_lower
            or base.get("pk") != self.instance.pk
        ):
            self.base_error = _("Dit formulier hoort bij een ander record.")
            return None
        return base

    def _add_choices(self) -> None:
        """A required choice per conflicting field, first in the form."""
        added = {}
        for conflict in self.conflicts:
            when = when_text(conflict.at)
            theirs = _("De waarde van %(by)s%(when)s: %(value)s") % {
                "by": conflict.by,
                "when": f" ({when})" if when else "",
                "value": _short(conflict.theirs),
            }
            added[CHOICE_PREFIX + conflict.name] = forms.ChoiceField(
                label=_("Welke waarde van ‘%(label)s’ blijft?")
                % {"label": conflict.label},
                choices=[
                    (THEIRS, theirs),
                    (
                        MINE,
                        _("Uw waarde: %(value)s") % {"value": _short(conflict.mine)},
                    ),
                ],
                widget=forms.RadioSelect,
                required=True,
                error_messages={
                    "required": gettext_lazy(
                        "Kies welke waarde blijft: die van de ander of de uwe."
                    )
                },
            )
        if added:
            self.fields = {**added, **self.fields}

    # --- comparing ----------------------------------------------------------------

    def _base_value(self, name: str):
        return _clean_raw(self.fields[name], self.merge_base["v"].get(name))

    def _differs_from_base(self, name: str) -> bool:
        if name not in self.cleaned_data or name not in self.merge_base["v"]:
            return False
        return _canonical(self.cleaned_data[name]) != _canonical(self._base_value(name))

    @property
    def changed_data(self) -> list[str]:
        """What this person changed: against the version they opened, not now."""
        if self.merge_base is None or not hasattr(self, "cleaned_data"):
            return super().changed_data
        return [name for name in self.merge_fields if self._differs_from_base(name)]

    def clean(self):
        if self.merging and self.merge_base is None:
            raise ValidationError(self.base_error, code="basis")
        # A field whose conflict the person settled in the other's favour is
        # left as it was: the remembered version holds the other's value.
        for conflict in self.conflicts:
            name = conflict.name
            if name in self.fields and self.cleaned_data.get(CHOICE_PREFIX + name) == (
                THEIRS
            ):
                self.cleaned_data[name] = self._base_value(name)
        return super().clean()

    def _post_clean(self):
        """Validate the record as this person's save would leave it.

        A ModelForm writes every field into its instance and validates that;
        fields this person left alone are validated with the values the record
        has now (a colleague may have changed them since), so that nobody gets
        an error about a field they did not touch.
        """
        if self.merge_base is None or not hasattr(self, "cleaned_data"):
            return super()._post_clean()
        columns = {f.name for f in self.instance._meta.concrete_fields}
        untouched = {
            name: self.cleaned_data[name]
            for name in self.merge_fields
            if name in columns
            and name in self.cleaned_data
            and name in self.merge_base["v"]
            and not self._differs_from_base(name)
        }
        for name in untouched:
            self.cleaned_data[name] = getattr(self.instance, name)
        try:
            super()._post_clean()
        finally:
            self.cleaned_data.update(untouched)

    def merge(
        self, current: models.Model, *, keep_theirs_on_conflict: bool = False
    ) -> list[str]:
        """The fields to write onto ``current`` (locked), or ``EditConflict``.

        ``keep_theirs_on_conflict``: leave a conflicting field as it is now
        instead (for a caller that found no conflict a moment before and has
        no page to ask on).
        """
        now_form = type(self)(instance=current)
        now_values = now_form.raw_values()
        write, conflicting = [], []
        for name in self.merge_fields:
            if name not in self.cleaned_data:
                continue
            field = self.fields[name]
            mine = _canonical(self.cleaned_data[name])
            theirs = _canonical(_clean_raw(field, now_values.get(name)))
            if name not in self.merge_base["v"]:
                # The page did not have this field when it was opened (a
                # finding for a pillar added since, a field added by an
                # upgrade): what it posts is no choice of this person's.
                continue
            base = _canonical(self._base_value(name))
            if mine in (base, theirs):
                continue  # untouched, or the same change twice
            if theirs == base:
                write.append(name)
            else:
                conflicting.append(name)
        if conflicting and not keep_theirs_on_conflict:
            raise EditConflict(
                [
                    self._conflict(name, now_form, now_values, current)
                    for name in conflicting
                ],
                now_values,
            )
        return write

    def _conflict(self, name, now_form, now_values, current) -> Conflict:
        field = self.fields[name]
        by, at = self.last_change(current, name)
        return Conflict(
            name=name,
            label=str(field.label or name),
            theirs=_display(field, _clean_raw(field, now_values.get(name))),
            mine=_display(field, self.cleaned_data[name]),
            by=by,
            at=at,
        )

    # Form fields that stand for several columns of the record, by form field:
    # a change of any of them is a change of the field.
    merge_columns: dict[str, list[str]] = {}

    def last_change(self, current: models.Model, name: str):
        """Who last changed field ``name`` since the page was opened, and when.

        From the record's history; a field that is no column of the record
        and has no ``merge_columns`` is attributed to the record's newest
        change (a form may know better and override this).
        """
        since = datetime.datetime.fromisoformat(self.merge_base["t"])
        rows = list(
            current.history.filter(history_date__gt=since)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        )
        attnames = self.merge_columns.get(name)
        if attnames is None:
            try:
                attnames = [current._meta.get_field(name).attname]
            except FieldDoesNotExist:  # not a column: the newest change
                attnames = []
        row = rows[-1] if rows else None
        if attnames and rows:
            before = current.history.filter(history_date__lte=since).first()

            def values(version):
                return (
                    [getattr(version, a, None) for a in attnames] if version else None
                )

            previous = values(before)
            for candidate in rows:
                if values(candidate) != previous:
                    row = candidate
                previous = values(candidate)
        return history_author(row)

    def newest_change(self, history) -> tuple[str, datetime.datetime] | None:
        """Who made the newest of ``history``'s rows since the page was opened.

        For fields that are records of their own (partners, findings), whose
        own history says who changed them.
        """
        row = (
            history.filter(history_date__gt=self.merge_base["t"])
            .select_related("history_user")
            .order_by("-history_date", "-history_id")
            .first()
        )
        return None if row is None else history_author(row)

    def merged_initial(self, current_values: dict) -> dict:
        """The page after a conflict: others' changes taken along, this person's
        kept, the reason as typed."""
        initial = dict(current_values)
        for name in self.merge_fields:
            if name in self.cleaned_data and self._differs_from_base(name):
                initial[name] = _serialise(self.cleaned_data[name])
        if "reden" in self.fields:
            initial["reden"] = self.cleaned_data.get("reden", "")
        return initial
