"""The public read API under ``/api/v1/openbaar/``: without a token, what
the public pages and the public open data of programmes whose public page is
on show, and nothing else (``acties.opendata``: no budgets, no progress
updates, no notes that are not marked public, no mandate of a programme that
is not public, no names of who wrote or changed what).

It has paths of its own rather than answering anonymous calls on the
resources with a token, so that no cache can ever hand a signed-in answer to
the public or the other way round, and so that the OpenAPI document states
exactly which fields the public gets. Its answers may be cached by anyone
(``Cache-Control: public``) and carry an ``ETag``: ``If-None-Match`` with it
answers 304 while nothing changed.
"""

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, status, viewsets
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle

from acties.models import Actie, Indicator, Meting, Raadsopdracht, RaadsopdrachtActie
from acties.opendata import public_mandate, public_register
from beveiliging.security_log import client_ip
from pijlers.models import Actielijn, Pijler, Programma

from . import serializers as s
from .filters import ApiFilterSet, IdFilter
from .problems import PROBLEM_JSON
from .views import PROBLEM, ApiViewMixin
from .writes import representation_tag, tags

PUBLIC_ERRORS = {(code, PROBLEM_JSON): PROBLEM for code in (400, 404, 406, 429)}


class PerAddress(SimpleRateThrottle):
    """``API_PUBLIC_RATE_LIMIT`` calls a minute per client address."""

    scope = "openbaar"

    def get_rate(self):
        return f"{settings.API_PUBLIC_RATE_LIMIT}/min"

    def get_cache_key(self, request, view):
        return self.cache_format % {
            "scope": self.scope,
            # The address the lockout and the security log see (TRUSTED_PROXIES),
            # not a header any client can write.
            "ident": client_ip(request._request) or "onbekend",
        }


class PublicViewMixin(ApiViewMixin):
    """Read only, for everyone; cacheable, with an ETag of the answer."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [PerAddress]
    http_method_names = ["get", "head", "options"]

    def _conditional(self, request, response: Response) -> Response:
        tag = representation_tag(response.data)
        if tag in tags(request.headers.get("If-None-Match", ""), weak=True):
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
        response["ETag"] = tag
        return response

    def list(self, request, *args, **kwargs):
        return self._conditional(request, super().list(request, *args, **kwargs))

    def retrieve(self, request, *args, **kwargs):
        return self._conditional(request, super().retrieve(request, *args, **kwargs))

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code in (200, 304):
            # NoStoreMiddleware leaves an answer marked public alone.
            patch_cache_control(
                response, public=True, max_age=settings.API_PUBLIC_MAX_AGE
            )
        return response


def _public(model_name: str, serializer):
    return extend_schema_view(
        list=extend_schema(
            summary=_("Openbaar: lijst van %s") % model_name,
            tags=["openbaar"],
            auth=[],
            responses={200: serializer(many=True), **PUBLIC_ERRORS},
        ),
        retrieve=extend_schema(
            summary=_("Openbaar: één record uit %s") % model_name,
            tags=["openbaar"],
            auth=[],
            responses={200: serializer, **PUBLIC_ERRORS},
        ),
    )


@_public("programma's", s.PubliekProgrammaSerializer)
class PubliekProgrammaViewSet(PublicViewMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Programma.objects.filter(openbaar=True)
    serializer_class = s.PubliekProgrammaSerializer
    filterset_fields = ["slug"]


@_public("pijlers", s.PijlerSerializer)
class PubliekPijlerViewSet(PublicViewMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Pijler.objects.filter(programma__openbaar=True).select_related(
        "programma"
    )
    serializer_class = s.PijlerSerializer
    filterset_fields = ["programma"]


@_public("actielijnen", s.ActielijnSerializer)
class PubliekActielijnViewSet(PublicViewMixin, viewsets.ReadOnlyModelViewSet):
    queryset = (
        Actielijn.objects.filter(programma__openbaar=True)
        .select_related("programma")
        .prefetch_related("pijlers")
    )
    serializer_class = s.ActielijnSerializer
    filterset_fields = ["programma"]


@_public("acties", s.PubliekActieSerializer)
class PubliekActieViewSet(PublicViewMixin, viewsets.ReadOnlyModelViewSet):
    queryset = (
        Actie.objects.filter(programma__openbaar=True)
        .select_related("actielijn", "trekker", "programma")
        .prefetch_related("partners")
    )
    serializer_class = s.PubliekActieSerializer
    filterset_fields = ["programma", "actielijn", "status"]


@_public("indicatoren", s.PubliekIndicatorSerializer)
class PubliekIndicatorViewSet(PublicViewMixin, viewsets.ReadOnlyModelViewSet):
    queryset = (
        Indicator.objects.filter(actie__programma__openbaar=True)
        .select_related("actie__programma")
        .prefetch_related(
            Prefetch("metingen", queryset=Meting.objects.order_by("datum", "id"))
        )
    )
    serializer_class = s.PubliekIndicatorSerializer
    filterset_fields = ["actie"]


class PubliekRaadsopdrachtFilterSet(ApiFilterSet):
    programma = IdFilter(
        method="filter_programma",
        help_text=_("het numerieke id van het programma: zijn opdrachten en die "
                    "zijn acties uitvoeren"),
    )  # fmt: skip

    class Meta:
        model = Raadsopdracht
        fields = ["status", "soort"]

    def filter_programma(self, queryset, name, value):
        carried_out = RaadsopdrachtActie.objects.filter(
            raadsopdracht=OuterRef("pk"), actie__programma_id=value
        )
        return queryset.filter(Q(programma_id=value) | Q(Exists(carried_out)))


@_public("raadsopdrachten", s.PubliekRaadsopdrachtSerializer)
class PubliekRaadsopdrachtViewSet(PublicViewMixin, viewsets.ReadOnlyModelViewSet):
    queryset = (
        public_register()
        .select_related("hoofdopdracht")
        .prefetch_related(
            Prefetch(
                "acties",
                queryset=Actie.objects.filter(programma__openbaar=True),
                to_attr="publieke_acties",
            )
        )
    )
    serializer_class = s.PubliekRaadsopdrachtSerializer
    filterset_class = PubliekRaadsopdrachtFilterSet


class PubliekKoppelingFilterSet(ApiFilterSet):
    class Meta:
        model = RaadsopdrachtActie
        fields = ["raadsopdracht", "actie"]


@_public("koppelingen", s.PubliekKoppelingSerializer)
class PubliekKoppelingViewSet(PublicViewMixin, viewsets.ReadOnlyModelViewSet):
    queryset = RaadsopdrachtActie.objects.filter(
        public_mandate("raadsopdracht__"), actie__programma__openbaar=True
    )
    serializer_class = s.PubliekKoppelingSerializer
    filterset_class = PubliekKoppelingFilterSet


def register(router, prefix: str = "openbaar") -> None:
    for name, viewset, basename in (
        ("programmas", PubliekProgrammaViewSet, "programma"),
        ("pijlers", PubliekPijlerViewSet, "pijler"),
        ("actielijnen", PubliekActielijnViewSet, "actielijn"),
        ("acties", PubliekActieViewSet, "actie"),
        ("indicatoren", PubliekIndicatorViewSet, "indicator"),
        ("raadsopdrachten", PubliekRaadsopdrachtViewSet, "raadsopdracht"),
        ("koppelingen", PubliekKoppelingViewSet, "koppeling"),
    ):
        router.register(f"{prefix}/{name}", viewset, basename=f"openbaar-{basename}")
