"""The API's resources under ``/api/v1/`` (NLGov API Design Rules): plural
Dutch nouns, no trailing slashes, JSON, ``API-Version`` on every response,
errors as problem details, cursor pagination, filters as on the lists."""

import copy
import datetime
import io

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from acties import services as acties_services
from acties.forms import (
    ActieForm,
    AfdoenForm,
    AfdoeningVoorstelForm,
    IndicatorForm,
    MetingForm,
    OntkoppelForm,
    OpmerkingForm,
    OrganisatieForm,
    RaadsopdrachtForm,
    TeruggevenForm,
    VoortgangsupdateForm,
)
from acties.models import (
    Actie,
    Indicator,
    Meting,
    Opmerking,
    Organisatie,
    Raadsopdracht,
    RaadsopdrachtActie,
    Vergadering,
    Voortgangsupdate,
)
from acties.permissions import (
    can_propose_settlement,
    can_remark,
    can_return_proposal,
    can_settle,
)
from acties.snapshot import compare, end_of_day, programma_state, snapshot_at
from basis.exchange import plain
from basis.uploads import repr_digest
from beveiliging.models import ApiToken
from beveiliging.security_log import security_event
from evaluatie import services as evaluatie_services
from evaluatie.models import Tussenevaluatie
from historie.changes import ValueFormatter, record_entries, user_name
from pijlers import services as pijler_services
from pijlers.forms import ActielijnForm, PijlerForm, ProgrammaForm
from pijlers.models import Actielijn, Pijler, Programma

from . import serializers as s
from .authentication import OidcBearer
from .constants import API_VERSION
from .filters import ApiActieFilterSet, ApiRaadsopdrachtFilterSet, FilterBackend
from .problems import PROBLEM_JSON, Conflict
from .writes import (
    FormWrite,
    KoppelingApiForm,
    locked_update,
    representation_tag,
    tags,
)

PROBLEM = OpenApiResponse(
    response=inline_serializer(
        "Probleem",
        {
            "type": serializers.CharField(),
            "title": serializers.CharField(),
            "status": serializers.IntegerField(),
            "detail": serializers.CharField(),
            "instance": serializers.CharField(),
            "invalidParams": serializers.ListField(
                child=serializers.DictField(), required=False
            ),
        },
    ),
    description=_("Problem details (RFC 9457)"),
)
READ_ERRORS = {(code, PROBLEM_JSON): PROBLEM for code in (400, 401, 403, 404, 406, 429)}
WRITE_ERRORS = {
    (code, PROBLEM_JSON): PROBLEM
    for code in (400, 401, 403, 404, 406, 412, 415, 428, 429)
}


class ApiViewMixin:
    """What every resource shares: the version header, the security log of
    every call with the token's name, the permission a write needs."""

    filter_backends = [FilterBackend]
    # An id, as the database holds it; anything else is not a URL of the API.
    lookup_value_regex = r"[0-9]{1,18}"
    # The model permissions a write needs, per method ("add", "change").
    write_actions = {
        "POST": "add",
        "PATCH": "change",
        "PUT": "change",
        "DELETE": "delete",
    }

    def initialize_request(self, request, *args, **kwargs):
        # The request's transaction (basis.transactions) runs the view again
        # after a deadlock: the body is read from memory each time, not from
        # the stream the first attempt used up.
        if request.method in ("POST", "PATCH", "PUT", "DELETE"):
            request._stream = io.BytesIO(request.body)
        return super().initialize_request(request, *args, **kwargs)

    def write_permissions(self, request) -> list[str]:
        opts = self.get_queryset().model._meta
        verb = self.write_actions.get(request.method, "change")
        return [f"{opts.app_label}.{verb}_{opts.model_name}"]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["API-Version"] = API_VERSION
        token = getattr(request, "auth", None)
        if isinstance(token, (ApiToken, OidcBearer)):
            security_event(
                request._request,
                "api_call",
                user=token.gebruiker,
                obj=f"token={token.naam} {request.method} {request.path}",
                result=str(response.status_code),
            )
        return response


def _with_etag(response: Response, record=None) -> Response:
    response["ETag"] = representation_tag(response.data)
    return response


class HistoryMixin:
    """``GET …/{id}/historie``: every change of the record, oldest first."""

    @extend_schema(
        summary=_("Historie van het record"),
        responses={200: s.HistorieRegelSerializer(many=True), **READ_ERRORS},
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def historie(self, request, pk=None):
        record = self.get_object()
        model = type(record)
        rows = record.history.select_related("history_user").order_by(
            "history_date", "history_id"
        )
        data = []
        for row, changed in record_entries(list(rows), model, ValueFormatter()):
            data.append(
                {
                    "versie": row.history_id,
                    "soort": row.history_type,
                    "op": row.history_date,
                    "door": user_name(row.history_user),
                    "reden": row.history_change_reason or "",
                    "wijzigingen": [
                        {"veld": f.name, "oud": plain(old), "nieuw": plain(new)}
                        for f, old, new in changed
                    ],
                }
            )
        return Response(s.HistorieRegelSerializer(data, many=True).data)


class DetailEtagMixin:
    """A record's ETag (a digest of its representation) on reading it;
    ``If-None-Match`` with it gives 304; a change names it in ``If-Match``."""

    def tag_of(self, record) -> str:
        return representation_tag(self.get_serializer(record).data)

    def retrieve(self, request, *args, **kwargs):
        record = self.get_object()
        data = self.get_serializer(record).data
        tag = representation_tag(data)
        if tag in tags(request.headers.get("If-None-Match", ""), weak=True):
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
            response["ETag"] = tag
            return response
        return _with_etag(Response(data))


class FormCreateMixin:
    """``POST`` on a list: the page's (or the admin's) form, then the service
    (``create_record``). ``parent``: (field, model) of the record the new one
    hangs under, named by id in the request."""

    create_form: FormWrite
    create_request = None
    parent: tuple[str, type] | None = None

    def create_record(self, form, parent, user):
        raise NotImplementedError

    def create(self, request, *args, **kwargs):
        given = self.create_request(data=request.data)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        parent = None
        if self.parent:
            name, model = self.parent
            given = data.pop(name)  # the record itself: the field looked it up
            parent = given if isinstance(given, model) else None
            if parent is None:
                raise exceptions.ValidationError(
                    {name: [_("Dit record bestaat niet.")]}
                )
        form = self.create_form.bound(None, data)
        self.create_form.check(form)
        record = self.create_record(form, parent, request.user)
        record = self.get_queryset().get(pk=record.pk)
        response = Response(
            self.get_serializer(record).data, status=status.HTTP_201_CREATED
        )
        response["Location"] = request.build_absolute_uri(
            f"{request.path.rstrip('/')}/{record.pk}"
        )
        return _with_etag(response, record)


def _plain_refs(value):
    """Records as their ids, as a browser's form sends them."""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, (list, tuple)):
        return [_plain_refs(v) for v in value]
    return value


class FormUpdateMixin:
    """``PATCH`` of a record: the page's (or the admin's) form of the record
    as it is, with the fields sent on top, then the service (``update_record``)
    with only the fields sent that differ, under ``If-Match`` (428 without,
    412 when stale). ``reden`` goes into the history; without it the history
    names the fields changed."""

    update_request = None

    def update_record(self, current, values: dict, user, reason: str):
        raise NotImplementedError

    def partial_update(self, request, *args, **kwargs):
        given = self.update_request(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        data = {k: _plain_refs(v) for k, v in given.validated_data.items()}
        write_form = self.create_form
        sent = {write_form.form_name(name) for name in data if name != "reden"}

        def write(current):
            # A copy for the form: a model form's validation sets the values on
            # its instance, and the service must see the record as it is.
            form = write_form.bound(copy.copy(current), data)
            write_form.check(form)
            fields = [f for f in form.changed_data if f in sent]
            if not fields:
                return current
            labels = ", ".join(str(form.fields[f].label) for f in fields)
            reason = (data.get("reden") or "").strip() or _(
                "Gewijzigd via de API: %s"
            ) % labels
            values = {f: form.cleaned_data[f] for f in fields}
            return self.update_record(current, values, request.user, reason)

        model = self.get_queryset().model
        locked_update(model, self.kwargs["pk"], request, write, tag_of=self.tag_of)
        record = self.get_queryset().get(pk=self.kwargs["pk"])
        return _with_etag(Response(self.get_serializer(record).data), record)


class RecordViewSet(
    ApiViewMixin, DetailEtagMixin, HistoryMixin, viewsets.ReadOnlyModelViewSet
):
    """A resource read by list and id, with its ETag and its history."""


class CreatableViewSet(FormCreateMixin, RecordViewSet):
    """That, and ``POST`` on the list through the page's form and service."""


class ChangeableViewSet(FormUpdateMixin, mixins.UpdateModelMixin, CreatableViewSet):
    """That, and ``PATCH`` of a record (``FormUpdateMixin``)."""

    http_method_names = ["get", "post", "patch", "head", "options"]


def _creatable(model_name: str, serializer, request_serializer):
    return extend_schema_view(
        list=extend_schema(
            summary=_("Lijst van %s") % model_name,
            responses={200: serializer(many=True), **READ_ERRORS},
        ),
        retrieve=extend_schema(
            summary=_("Eén record uit %s") % model_name,
            responses={200: serializer, **READ_ERRORS},
        ),
        create=extend_schema(
            summary=_("Een record toevoegen aan %s") % model_name,
            request=request_serializer,
            responses={201: serializer, **WRITE_ERRORS},
        ),
    )


def _changeable(model_name: str, serializer, request_serializer, change_serializer):
    return extend_schema_view(
        list=extend_schema(
            summary=_("Lijst van %s") % model_name,
            responses={200: serializer(many=True), **READ_ERRORS},
        ),
        retrieve=extend_schema(
            summary=_("Eén record uit %s") % model_name,
            responses={200: serializer, **READ_ERRORS},
        ),
        create=extend_schema(
            summary=_("Een record toevoegen aan %s") % model_name,
            request=request_serializer,
            responses={201: serializer, **WRITE_ERRORS},
        ),
        partial_update=extend_schema(
            summary=_("Een record uit %s wijzigen") % model_name,
            description=_(
                "Schrijft alleen de meegestuurde velden die anders zijn. Vraagt "
                "If-Match met de ETag van de gelezen versie (428 zonder, 412 als "
                "die verouderd is)."
            ),
            parameters=[IF_MATCH],
            request=change_serializer,
            responses={200: serializer, **WRITE_ERRORS},
        ),
    )


def _read_only(model_name: str, serializer):
    return extend_schema_view(
        list=extend_schema(
            summary=_("Lijst van %s") % model_name,
            responses={200: serializer(many=True), **READ_ERRORS},
        ),
        retrieve=extend_schema(
            summary=_("Eén record uit %s") % model_name,
            responses={200: serializer, **READ_ERRORS},
        ),
    )


# --- the programme and its structure --------------------------------------------------


# Required in fact (428 without), but not marked so: a missing header is a
# refused precondition (RFC 6585), which the document names as 428.
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description=_(
        "De ETag van de versie die u las; verplicht: zonder 428, verouderd 412."
    ),
)
DATUM = OpenApiParameter(
    "peildatum", OpenApiTypes.DATE, required=True,
    description=_("de stand aan het eind van deze dag (Europe/Amsterdam)"),
)  # fmt: skip
VAN = OpenApiParameter("van", OpenApiTypes.DATE, required=True)
TOT = OpenApiParameter("tot", OpenApiTypes.DATE, required=True)


def _date_param(request, name: str) -> datetime.date:
    value = request.query_params.get(name, "")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise exceptions.ValidationError(
            {name: [_("Geef een datum als JJJJ-MM-DD, bijvoorbeeld 2025-12-31.")]}
        ) from None


StandActie = inline_serializer(
    "StandActie",
    {
        "id": serializers.IntegerField(),
        "code": serializers.CharField(),
        "titel": serializers.CharField(),
        "status": serializers.CharField(),
        "voortgang": serializers.IntegerField(),
        "trekker": serializers.CharField(),
        "partners": serializers.ListField(child=serializers.CharField()),
        "gepland_start": serializers.DateField(allow_null=True),
        "gepland_eind": serializers.DateField(allow_null=True),
        "raadsopdrachten": serializers.ListField(child=serializers.CharField()),
        "te_laat": serializers.BooleanField(),
        "voorbeeld": serializers.BooleanField(),
    },
)
StandRaadsopdracht = inline_serializer(
    "StandRaadsopdracht",
    {
        "id": serializers.IntegerField(),
        "nummer": serializers.CharField(),
        "titel": serializers.CharField(),
        "status": serializers.CharField(),
        "deadline": serializers.DateField(allow_null=True),
        "afgedaan_op": serializers.DateField(allow_null=True),
        "acties": serializers.ListField(child=serializers.CharField()),
    },
)
Stand = inline_serializer(
    "ProgrammaStand",
    {
        "programma": serializers.IntegerField(),
        "peildatum": serializers.DateField(),
        "acties": StandActie.__class__(many=True),
        "raadsopdrachten": StandRaadsopdracht.__class__(many=True),
    },
)
Verschil = inline_serializer(
    "Verschil",
    {
        "soort": serializers.CharField(),
        "id": serializers.IntegerField(),
        "wijziging": serializers.ChoiceField(
            choices=["toegevoegd", "verwijderd", "gewijzigd"]
        ),
        "naam": serializers.CharField(),
        "velden": serializers.ListField(child=serializers.DictField()),
        "door": serializers.ListField(child=serializers.DictField()),
    },
)
Wijzigingen = inline_serializer(
    "ProgrammaWijzigingen",
    {
        "programma": serializers.IntegerField(),
        "van": serializers.DateField(),
        "tot": serializers.DateField(),
        "verschillen": Verschil.__class__(many=True),
    },
)


def _causes(causes) -> list[dict]:
    return [{"op": c.when, "door": c.user, "reden": c.reason} for c in causes]


@_changeable(
    "programma's", s.ProgrammaSerializer, s.ProgrammaNieuw, s.ProgrammaWijziging
)
class ProgrammaViewSet(ChangeableViewSet):
    queryset = Programma.objects.all()
    serializer_class = s.ProgrammaSerializer
    filterset_fields = ["slug"]
    create_request = s.ProgrammaNieuw
    create_form = FormWrite(ProgrammaForm)

    update_request = s.ProgrammaWijziging

    def update_record(self, current, values, user, reason):
        return pijler_services.programma_update(
            programma=current, user=user, reason=reason, **values
        )

    def create_record(self, form, parent, user):
        return pijler_services.programma_create(
            user=user, reason=_("Programma aangemaakt via de API"), **form.cleaned_data
        )

    @extend_schema(
        summary=_("Het programma zoals het was op een peildatum"),
        parameters=[DATUM],
        responses={200: Stand, **READ_ERRORS},
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def stand(self, request, pk=None):
        programma = self.get_object()
        day = _date_param(request, "peildatum")
        state = programma_state(
            snapshot_at(end_of_day(day), programma_id=programma.pk), programma.pk
        )
        if state is None:
            raise exceptions.NotFound(
                _("Op deze peildatum bestond het programma nog niet.")
            )
        return Response(
            {
                "programma": programma.pk,
                "peildatum": day,
                "acties": [
                    {
                        "id": a.id,
                        "code": a.code,
                        "titel": a.titel,
                        "status": a.status,
                        "voortgang": a.voortgang,
                        "trekker": a.trekker,
                        "partners": a.partners,
                        "gepland_start": a.gepland_start,
                        "gepland_eind": a.gepland_eind,
                        "raadsopdrachten": a.raadsopdrachten,
                        "te_laat": a.te_laat,
                        "voorbeeld": a.voorbeeld,
                    }
                    for a in state.acties
                ],
                "raadsopdrachten": [
                    {
                        "id": r.id,
                        "nummer": r.nummer,
                        "titel": r.titel,
                        "status": r.status,
                        "deadline": r.deadline,
                        "afgedaan_op": r.afgedaan_op,
                        "acties": r.acties,
                    }
                    for r in state.raadsopdrachten
                ],
            }
        )

    @extend_schema(
        summary=_("Wat er in het programma veranderde tussen twee datums"),
        parameters=[VAN, TOT],
        responses={200: Wijzigingen, **READ_ERRORS},
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def wijzigingen(self, request, pk=None):
        programma = self.get_object()
        van, tot = _date_param(request, "van"), _date_param(request, "tot")
        if van > tot:
            raise exceptions.ValidationError(
                {"tot": [_("De datum 'tot' ligt vóór 'van'.")]}
            )
        comparison = compare(
            end_of_day(van), end_of_day(tot), programma_id=programma.pk
        )
        return Response(
            {
                "programma": programma.pk,
                "van": van,
                "tot": tot,
                "verschillen": [
                    {
                        "soort": d.model._meta.model_name,
                        "id": d.id,
                        "wijziging": d.change,
                        "naam": d.label,
                        "velden": [
                            {
                                "veld": f.name,
                                "oud": plain(f.old),
                                "nieuw": plain(f.new),
                            }
                            for f in d.fields
                        ],
                        "door": _causes(d.causes),
                    }
                    for d in comparison.all
                ],
            }
        )


@_changeable(
    "pijlers",
    s.PijlerSerializer,
    s.PijlerNieuw,
    s.PijlerWijziging,
)
class PijlerViewSet(ChangeableViewSet):
    queryset = Pijler.objects.select_related("programma")
    serializer_class = s.PijlerSerializer
    filterset_fields = ["programma"]
    create_request = s.PijlerNieuw
    create_form = FormWrite(PijlerForm)

    update_request = s.PijlerWijziging

    def update_record(self, current, values, user, reason):
        return pijler_services.pijler_update(
            pijler=current, user=user, reason=reason, **values
        )

    def create_record(self, form, parent, user):
        return pijler_services.pijler_create(
            user=user, reason=_("Pijler aangemaakt via de API"), **form.cleaned_data
        )


@_changeable(
    "actielijnen", s.ActielijnSerializer, s.ActielijnNieuw, s.ActielijnWijziging
)
class ActielijnViewSet(ChangeableViewSet):
    queryset = Actielijn.objects.select_related("programma").prefetch_related("pijlers")
    serializer_class = s.ActielijnSerializer
    filterset_fields = ["programma"]
    create_request = s.ActielijnNieuw
    create_form = FormWrite(ActielijnForm)

    update_request = s.ActielijnWijziging

    def update_record(self, current, values, user, reason):
        return pijler_services.actielijn_update(
            actielijn=current, user=user, reason=reason, **values
        )

    def create_record(self, form, parent, user):
        return pijler_services.actielijn_create(
            user=user, reason=_("Actielijn aangemaakt via de API"), **form.cleaned_data
        )


@_changeable(
    "organisaties", s.OrganisatieSerializer, s.OrganisatieNieuw, s.OrganisatieWijziging
)
class OrganisatieViewSet(ChangeableViewSet):
    queryset = Organisatie.objects.all()
    serializer_class = s.OrganisatieSerializer
    filterset_fields = ["soort"]
    create_request = s.OrganisatieNieuw
    create_form = FormWrite(OrganisatieForm)

    update_request = s.OrganisatieWijziging

    def update_record(self, current, values, user, reason):
        return acties_services.organisatie_update(
            organisatie=current, user=user, reason=reason, **values
        )

    def create_record(self, form, parent, user):
        return acties_services.organisatie_create(
            user=user,
            reason=form.reason(_("Organisatie aangemaakt via de API")),
            **form.service_values(),
        )


# --- actions -----------------------------------------------------------------------

ACTIE_WRITE = FormWrite(
    ActieForm,
    renamed={
        "actielijn_id": "actielijn",
        "trekker_id": "trekker",
        "partner_ids": "partners",
    },
)


def _actie_reason(form, fields) -> str:
    reason = (form.cleaned_data.get("reden") or "").strip()
    if reason:
        return reason
    labels = ", ".join(str(form.fields[name].label) for name in fields)
    return _("Gegevens bijgewerkt via de API: %s") % labels


@extend_schema_view(
    list=extend_schema(
        summary=_("Lijst van acties"),
        responses={200: s.ActieSerializer(many=True), **READ_ERRORS},
    ),
    retrieve=extend_schema(
        summary=_("Eén actie"), responses={200: s.ActieSerializer, **READ_ERRORS}
    ),
    create=extend_schema(
        summary=_("Een actie aanmaken"),
        request=s.ActieWriteSerializer,
        responses={201: s.ActieSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary=_("Een actie wijzigen"),
        description=_(
            "Schrijft alleen de meegestuurde velden die anders zijn. Vraagt If-Match "
            "met de ETag van de gelezen versie (428 zonder, 412 als die verouderd is). "
            "Een reden is verplicht als status of voortgang verandert."
        ),
        parameters=[IF_MATCH],
        request=s.ActieWriteSerializer,
        responses={200: s.ActieSerializer, **WRITE_ERRORS},
    ),
)
class ActieViewSet(
    ApiViewMixin,
    DetailEtagMixin,
    HistoryMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Actie.objects.select_related(
        "actielijn", "trekker", "programma"
    ).prefetch_related("partners", "raadsopdrachten")
    serializer_class = s.ActieSerializer
    filterset_class = ApiActieFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request, *args, **kwargs):
        given = s.ActieWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        form = ACTIE_WRITE.bound(None, given.validated_data)
        ACTIE_WRITE.check(form)
        actie = acties_services.actie_create(
            user=request.user,
            reason=(form.cleaned_data.get("reden") or "").strip()
            or _("Actie aangemaakt via de API"),
            **form.service_values(),
        )
        actie = self.get_queryset().get(pk=actie.pk)
        response = Response(
            self.get_serializer(actie).data, status=status.HTTP_201_CREATED
        )
        response["Location"] = request.build_absolute_uri(f"/api/v1/acties/{actie.pk}")
        return _with_etag(response, actie)

    def partial_update(self, request, *args, **kwargs):
        given = s.ActieWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        sent = {k: v for k, v in given.validated_data.items() if k != "reden"}

        def write(current):
            form = ACTIE_WRITE.bound(current, given.validated_data)
            ACTIE_WRITE.check(form)
            wanted = {ACTIE_WRITE.form_name(name) for name in sent}
            fields = [f for f in form.changed_data if f in wanted]
            if not fields:
                return current
            return acties_services.actie_update(
                actie=current,
                versie=None,
                user=request.user,
                reason=_actie_reason(form, fields),
                **form.service_values(fields),
            )

        locked_update(Actie, self.kwargs["pk"], request, write, tag_of=self.tag_of)
        actie = self.get_queryset().get(pk=self.kwargs["pk"])
        return _with_etag(Response(self.get_serializer(actie).data), actie)


@_creatable("voortgangsupdates", s.VoortgangsupdateSerializer, s.VoortgangsupdateNieuw)
class VoortgangsupdateViewSet(CreatableViewSet):
    queryset = Voortgangsupdate.objects.select_related("auteur")
    serializer_class = s.VoortgangsupdateSerializer
    filterset_fields = ["actie"]
    create_request = s.VoortgangsupdateNieuw
    create_form = FormWrite(VoortgangsupdateForm)
    parent = ("actie", Actie)

    def create_record(self, form, parent, user):
        return acties_services.voortgangsupdate_create(
            actie=parent,
            datum=form.cleaned_data["datum"],
            tekst=form.cleaned_data["tekst"],
            user=user,
        )


@_changeable(
    "indicatoren", s.IndicatorSerializer, s.IndicatorNieuw, s.IndicatorWijziging
)
class IndicatorViewSet(ChangeableViewSet):
    queryset = Indicator.objects.select_related("actie__programma").prefetch_related(
        "metingen"
    )
    serializer_class = s.IndicatorSerializer
    filterset_fields = ["actie"]
    create_request = s.IndicatorNieuw
    create_form = FormWrite(IndicatorForm)
    parent = ("actie", Actie)

    update_request = s.IndicatorWijziging

    def update_record(self, current, values, user, reason):
        return acties_services.indicator_update(
            indicator=current, user=user, reason=reason, **values
        )

    def create_record(self, form, parent, user):
        return acties_services.indicator_create(
            actie=parent,
            user=user,
            reason=form.reason(_("Indicator aangemaakt via de API")),
            **form.service_values(),
        )


@_changeable(
    "metingen",
    s.MetingLijstSerializer,
    s.MetingNieuw,
    s.MetingWijziging,
)
class MetingViewSet(ChangeableViewSet):
    queryset = Meting.objects.all()
    serializer_class = s.MetingLijstSerializer
    filterset_fields = ["indicator"]
    create_request = s.MetingNieuw
    create_form = FormWrite(MetingForm)
    parent = ("indicator", Indicator)

    update_request = s.MetingWijziging

    def update_record(self, current, values, user, reason):
        return acties_services.meting_update(
            meting=current, user=user, reason=reason, **values
        )

    def create_record(self, form, parent, user):
        return acties_services.meting_create(
            indicator=parent,
            user=user,
            reason=form.reason(_("Meting toegevoegd via de API")),
            **form.service_values(),
        )


# --- the register --------------------------------------------------------------------


class VoorstelSerializer(s.StrictJSON, serializers.Serializer):
    afdoening_toelichting = serializers.CharField(
        help_text=_("hoe de opdracht is uitgevoerd")
    )


class AfdoeningSerializer(s.StrictJSON, serializers.Serializer):
    afgedaan_op = serializers.DateField()
    afdoeningsdocument = serializers.CharField(
        help_text=_("kenmerk van de brief of het besluit, bijvoorbeeld BOW/2019.171")
    )
    afdoening_toelichting = serializers.CharField(required=False, allow_blank=True)
    reden = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_("verplicht als niet alle gekoppelde acties klaar zijn"),
    )


class TeruggaveSerializer(s.StrictJSON, serializers.Serializer):
    reden = serializers.CharField()


def _settlement(
    name, summary, request_serializer, permission, rule, form_class, perform
):
    """One step of the settlement of a mandate (POST …/{id}/<step>), as its page:
    the role's permission, the rule for this mandate, the page's form, the
    service; If-Match as on every change."""

    def step(self, request, pk=None):
        given = request_serializer(data=request.data)
        given.is_valid(raise_exception=True)
        write = FormWrite(form_class)

        def apply(current):
            if not rule(request.user, current):
                # The role may take this step (checked before), the mandate's
                # state does not allow it now.
                raise Conflict(
                    _("Deze stap kan bij deze raadsopdracht nu niet (status: %s).")
                    % current.get_status_display()
                )
            form = write.bound(None, given.validated_data)
            write.check(form)
            return perform(current, form.cleaned_data, request.user)

        locked_update(Raadsopdracht, pk, request, apply, tag_of=self.tag_of)
        opdracht = self.get_queryset().get(pk=pk)
        return _with_etag(Response(self.get_serializer(opdracht).data), opdracht)

    step.__name__ = name
    step.write_permission = permission
    # The schema outside the action, so that the router's view carries it.
    return extend_schema(
        summary=summary,
        parameters=[IF_MATCH],
        request=request_serializer,
        responses={
            200: s.RaadsopdrachtSerializer,
            **WRITE_ERRORS,
            (409, PROBLEM_JSON): PROBLEM,
        },
        filters=False,
    )(action(detail=True, methods=["post"], filter_backends=[])(step))


def _propose(current, data, user):
    return acties_services.raadsopdracht_propose_settlement(
        raadsopdracht=current, toelichting=data["afdoening_toelichting"], user=user
    )


def _settle(current, data, user):
    return acties_services.raadsopdracht_settle(
        raadsopdracht=current,
        afgedaan_op=data["afgedaan_op"],
        afdoeningsdocument=data["afdoeningsdocument"],
        afdoening_toelichting=data.get("afdoening_toelichting"),
        reason=(data.get("reden") or "").strip(),
        user=user,
    )


def _return(current, data, user):
    return acties_services.raadsopdracht_return_proposal(
        raadsopdracht=current, reden=data["reden"], user=user
    )


RAADSOPDRACHT_WRITE = FormWrite(RaadsopdrachtForm)


class RaadsopdrachtWriteSerializer(s.StrictJSON, serializers.Serializer):
    """The register page's fields; only those sent are written."""

    soort = serializers.CharField(required=False)
    nummer = serializers.CharField(required=False)
    titel = serializers.CharField(required=False)
    tekst = serializers.CharField(required=False, allow_blank=True)
    hoofdopdracht = serializers.IntegerField(required=False, allow_null=True)
    indieners = serializers.CharField(required=False, allow_blank=True)
    fractie = serializers.CharField(required=False, allow_blank=True)
    datum_aangenomen = serializers.DateField(required=False, allow_null=True)
    aangenomen_in = serializers.IntegerField(required=False, allow_null=True)
    vergadering = serializers.CharField(required=False, allow_blank=True)
    ris_nummer = serializers.CharField(required=False, allow_blank=True)
    bron = serializers.CharField(required=False, allow_blank=True)
    programma = serializers.IntegerField(required=False, allow_null=True)
    programmaoverstijgend = serializers.BooleanField(required=False)
    status = serializers.CharField(required=False)
    deadline = serializers.DateField(required=False, allow_null=True)
    deadline_toelichting = serializers.CharField(required=False, allow_blank=True)
    af_te_doen_voor = serializers.IntegerField(required=False, allow_null=True)
    reden = serializers.CharField(required=False, allow_blank=True)


@extend_schema_view(
    list=extend_schema(
        summary=_("Het register van raadsopdrachten"),
        responses={200: s.RaadsopdrachtSerializer(many=True), **READ_ERRORS},
    ),
    retrieve=extend_schema(
        summary=_("Eén raadsopdracht"),
        responses={200: s.RaadsopdrachtSerializer, **READ_ERRORS},
    ),
    create=extend_schema(
        summary=_("Een raadsopdracht registreren"),
        request=RaadsopdrachtWriteSerializer,
        responses={201: s.RaadsopdrachtSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary=_("Een raadsopdracht wijzigen"),
        parameters=[IF_MATCH],
        request=RaadsopdrachtWriteSerializer,
        responses={200: s.RaadsopdrachtSerializer, **WRITE_ERRORS},
    ),
)
class RaadsopdrachtViewSet(
    ApiViewMixin,
    DetailEtagMixin,
    HistoryMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Raadsopdracht.objects.select_related("programma").prefetch_related(
        "acties"
    )
    serializer_class = s.RaadsopdrachtSerializer
    filterset_class = ApiRaadsopdrachtFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request, *args, **kwargs):
        given = RaadsopdrachtWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        form = RAADSOPDRACHT_WRITE.bound(None, given.validated_data)
        RAADSOPDRACHT_WRITE.check(form)
        opdracht = acties_services.raadsopdracht_create(
            user=request.user,
            reason=form.reason(_("Raadsopdracht geregistreerd via de API")),
            **form.service_values(),
        )
        opdracht = self.get_queryset().get(pk=opdracht.pk)
        response = Response(
            self.get_serializer(opdracht).data, status=status.HTTP_201_CREATED
        )
        response["Location"] = request.build_absolute_uri(
            f"/api/v1/raadsopdrachten/{opdracht.pk}"
        )
        return _with_etag(response, opdracht)

    def partial_update(self, request, *args, **kwargs):
        given = RaadsopdrachtWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        sent = {k for k in given.validated_data if k != "reden"}

        def write(current):
            form = RAADSOPDRACHT_WRITE.bound(current, given.validated_data)
            RAADSOPDRACHT_WRITE.check(form)
            fields = [f for f in form.changed_data if f in sent]
            if not fields:
                return current
            return acties_services.raadsopdracht_update(
                raadsopdracht=current,
                user=request.user,
                reason=form.reason(_("Registergegevens bijgewerkt via de API")),
                **form.service_values(fields),
            )

        locked_update(
            Raadsopdracht, self.kwargs["pk"], request, write, tag_of=self.tag_of
        )
        opdracht = self.get_queryset().get(pk=self.kwargs["pk"])
        return _with_etag(Response(self.get_serializer(opdracht).data), opdracht)

    def write_permissions(self, request) -> list[str]:
        step = getattr(self, self.action, None) if self.action else None
        needed = getattr(step, "write_permission", None)
        return [needed] if needed else super().write_permissions(request)

    afdoeningsvoorstel = _settlement(
        "afdoeningsvoorstel",
        _("Voorstellen dat de raadsopdracht is afgedaan (beleidsmedewerker)"),
        VoorstelSerializer,
        "acties.propose_settlement_raadsopdracht",
        can_propose_settlement,
        AfdoeningVoorstelForm,
        _propose,
    )
    afdoening = _settlement(
        "afdoening",
        _("De afdoening bevestigen (griffie)"),
        AfdoeningSerializer,
        "acties.settle_raadsopdracht",
        can_settle,
        AfdoenForm,
        _settle,
    )
    teruggave = _settlement(
        "teruggave",
        _("Een afdoeningsvoorstel teruggeven (griffie)"),
        TeruggaveSerializer,
        "acties.settle_raadsopdracht",
        can_return_proposal,
        TeruggevenForm,
        _return,
    )


UNLINK = FormWrite(OntkoppelForm)


@_creatable("koppelingen", s.KoppelingSerializer, s.KoppelingNieuw)
class KoppelingViewSet(CreatableViewSet):
    queryset = RaadsopdrachtActie.objects.all()
    serializer_class = s.KoppelingSerializer
    filterset_fields = ["raadsopdracht", "actie"]
    create_request = s.KoppelingNieuw
    create_form = FormWrite(KoppelingApiForm)

    http_method_names = ["get", "post", "delete", "head", "options"]

    def create_record(self, form, parent, user):
        return acties_services.raadsopdracht_actie_link(user=user, **form.cleaned_data)

    @extend_schema(
        summary=_("Een koppeling verwijderen"),
        description=_(
            "Met een reden, zoals op de pagina; de historie bewaart de koppeling. "
            "Vraagt If-Match met de ETag van de gelezen versie (428 zonder, 412 "
            "als die verouderd is)."
        ),
        parameters=[IF_MATCH],
        request=s.Ontkoppeling,
        responses={204: None, **WRITE_ERRORS},
    )
    def destroy(self, request, *args, **kwargs):
        given = s.Ontkoppeling(data=request.data)
        given.is_valid(raise_exception=True)
        form = UNLINK.bound(None, given.validated_data)
        UNLINK.check(form)

        def write(current):
            acties_services.raadsopdracht_actie_unlink(
                koppeling=current, user=request.user, reason=form.cleaned_data["reden"]
            )

        locked_update(
            RaadsopdrachtActie, self.kwargs["pk"], request, write, tag_of=self.tag_of
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@_read_only("vergaderingen", s.VergaderingSerializer)
class VergaderingViewSet(RecordViewSet):
    queryset = Vergadering.objects.all()
    serializer_class = s.VergaderingSerializer
    filterset_fields = ["soort", "datum"]


# --- evaluations, remarks -------------------------------------------------------------


class PdfRenderer(BaseRenderer):
    """Lets a client ask for the PDF (Accept: application/pdf)."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class StoredFileChanged(exceptions.APIException):
    status_code = 500
    default_code = "integrity"


@_read_only("evaluaties", s.EvaluatieSerializer)
class EvaluatieViewSet(RecordViewSet):
    queryset = Tussenevaluatie.objects.all()
    serializer_class = s.EvaluatieSerializer
    filterset_fields = ["programma", "status"]

    @extend_schema(
        summary=_("De vastgelegde PDF/A van een definitieve evaluatie"),
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            **READ_ERRORS,
            (500, PROBLEM_JSON): PROBLEM,
        },
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        pagination_class=None,
        filter_backends=[],
        renderer_classes=[JSONRenderer, PdfRenderer],
    )
    def pdf(self, request, pk=None):
        """The stored file, checked against its SHA-256 as the page does."""
        evaluatie = self.get_object()
        if not evaluatie.pdf_sha256 or not evaluatie.pdf:
            raise exceptions.NotFound(
                _("Alleen een definitieve evaluatie heeft een vastgelegde PDF.")
            )
        try:
            content = evaluatie_services.stored_pdf(evaluatie)
        except FileNotFoundError:
            raise exceptions.NotFound(_("Het PDF-bestand ontbreekt.")) from None
        except ValidationError as exc:
            raise StoredFileChanged(" ".join(exc.messages)) from None
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="tussenevaluatie-{evaluatie.pk}.pdf"'
        )
        response["Repr-Digest"] = repr_digest(evaluatie.pdf_sha256)
        return response


class OpmerkingCreateSerializer(s.StrictJSON, serializers.Serializer):
    record_soort = serializers.ChoiceField(
        choices=["actie", "raadsopdracht", "tussenevaluatie"]
    )
    record_id = serializers.IntegerField()
    tekst = serializers.CharField()


RECORD_MODELS = {
    "actie": Actie,
    "raadsopdracht": Raadsopdracht,
    "tussenevaluatie": Tussenevaluatie,
}


@extend_schema_view(
    list=extend_schema(
        summary=_("Vragen en opmerkingen"),
        responses={200: s.OpmerkingSerializer(many=True), **READ_ERRORS},
    ),
    retrieve=extend_schema(
        summary=_("Eén vraag of opmerking"),
        responses={200: s.OpmerkingSerializer, **READ_ERRORS},
    ),
    create=extend_schema(
        summary=_("Een vraag of opmerking plaatsen"),
        request=OpmerkingCreateSerializer,
        responses={201: s.OpmerkingSerializer, **WRITE_ERRORS},
    ),
)
class OpmerkingViewSet(
    ApiViewMixin,
    DetailEtagMixin,
    HistoryMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Opmerking.objects.select_related(
        "auteur", "actie", "raadsopdracht"
    ).prefetch_related("onderwerp")
    serializer_class = s.OpmerkingSerializer
    filterset_fields = ["actie", "raadsopdracht", "beantwoord", "ingetrokken"]
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        given = OpmerkingCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        model = RECORD_MODELS[given.validated_data["record_soort"]]
        record = model.objects.filter(pk=given.validated_data["record_id"]).first()
        if record is None:
            raise exceptions.ValidationError(
                {"record_id": [_("Dit record bestaat niet.")]}
            )
        if not can_remark(request.user, record):
            raise exceptions.PermissionDenied()
        form = OpmerkingForm(data={"tekst": given.validated_data["tekst"]})
        FormWrite(OpmerkingForm).check(form)
        opmerking = acties_services.opmerking_place(
            record=record, tekst=form.cleaned_data["tekst"], user=request.user
        )
        response = Response(
            self.get_serializer(opmerking).data, status=status.HTTP_201_CREATED
        )
        response["Location"] = request.build_absolute_uri(
            f"/api/v1/opmerkingen/{opmerking.pk}"
        )
        return _with_etag(response, opmerking)
