"""The lists' filters, for the API: the same filters as the pages, with
records named by their numeric id (an id that does not exist finds nothing,
as in any other query, instead of failing as a form's choice does), no
sorting (a cursor's order is the id's) and no empty values for typed filters.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_filters import rest_framework
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions

from acties.filters import ActieFilterSet, RaadsopdrachtFilterSet

MAX_ID = 2**63 - 1  # the largest id a database column holds


class IdField(forms.IntegerField):
    """Digits only: not "3.0", "-1" or "1e3", which a form's number field takes."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not (str(value).isascii() and str(value).isdecimal()):
            raise ValidationError(
                _("Geef een id: een geheel getal vanaf 1."), code="invalid"
            )
        return super().to_python(value)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A record by its numeric id."""

    field_class = IdField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


def _by_id(field_name: str, **kwargs) -> IdFilter:
    return IdFilter(field_name=field_name, help_text=_("het numerieke id"), **kwargs)


class ApiFilterSet(rest_framework.FilterSet):
    """The base of the filters made from ``filterset_fields``: a reference is
    an id, a yes-or-no is ``true`` or ``false``."""

    @classmethod
    def filter_for_lookup(cls, field, lookup_type):
        if field.is_relation and lookup_type == "exact":
            return IdFilter, {}
        return super().filter_for_lookup(field, lookup_type)


class ApiActieFilterSet(ActieFilterSet):
    programma = _by_id("programma_id")
    actielijn = _by_id("actielijn_id")
    pijler = _by_id("actielijn__pijlers", distinct=True)
    trekker = _by_id("trekker_id")
    partner = _by_id("partners", distinct=True)
    raadsopdracht = _by_id("raadsopdrachten", distinct=True)
    sortering = None

    def __init__(self, data=None, *args, **kwargs):
        # Not the page's narrowing of the choices per programme: ids need none.
        django_filters.FilterSet.__init__(self, data, *args, **kwargs)


class ApiRaadsopdrachtFilterSet(RaadsopdrachtFilterSet):
    programma = IdFilter(method="filter_programma_id", help_text=_("het numerieke id"))
    vergadering = IdFilter(method="filter_vergadering", help_text=_("het numerieke id"))
    sortering = None

    def filter_programma_id(self, queryset, name, value):
        from pijlers.models import Programma

        return self.filter_programma(queryset, name, Programma(pk=int(value)))


class FilterBackend(DjangoFilterBackend):
    """The filters, strictly: a typed filter given no value, or a value it
    cannot read (``ingetrokken=misschien``), is refused with 400 instead of
    being left out, so that a caller never takes an unfiltered list for a
    filtered one."""

    filterset_base = ApiFilterSet

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        errors = {}
        if filterset.is_valid():
            for name, f in filterset.filters.items():
                raw = request.query_params.getlist(name)
                if not raw or isinstance(f, django_filters.CharFilter):
                    continue
                if "" in raw or filterset.form.cleaned_data.get(name) in (None, []):
                    errors[name] = [
                        _("Deze waarde kan dit filter niet lezen; laat het weg of "
                          "geef een geldige waarde.")
                    ]  # fmt: skip
        else:
            errors = {name: list(e) for name, e in filterset.errors.items()}
        if errors:
            raise exceptions.ValidationError(errors)
        return filterset.qs
