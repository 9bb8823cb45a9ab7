"""Errors as problem details (RFC 9457, ``application/problem+json``), in Dutch.

Every error of the API, whether DRF raised it, a service refused a write or
the URL does not exist, leaves as one object: ``type``, ``title``,
``status``, ``detail``, ``instance`` and, for input that was refused,
``invalidParams`` (name and reason per field), as the NLGov API Design Rules
ask.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, transaction
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from .constants import API_VERSION

PROBLEM_JSON = "application/problem+json"

TITLES = {
    400: _("De invoer is niet geldig."),
    401: _("Niet geauthenticeerd."),
    403: _("Geen toegang."),
    404: _("Niet gevonden."),
    405: _("Methode niet toegestaan."),
    406: _("Dit formaat kan niet worden geleverd."),
    409: _("Conflict."),
    412: _("De versie is verouderd."),
    415: _("Dit formaat wordt niet ondersteund."),
    428: _("Versie vereist."),
    429: _("Te veel verzoeken."),
    500: _("Interne fout."),
    503: _("Tijdelijk niet beschikbaar."),
}


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = _(
        "Een wijziging vraagt de header If-Match met de ETag van de versie die u "
        "het laatst las."
    )
    default_code = "precondition_required"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("Deze stap kan bij dit record nu niet.")
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _(
        "Het record is gewijzigd sinds de versie in If-Match. Er is niets "
        "opgeslagen; lees het record opnieuw en voer uw wijziging opnieuw uit."
    )
    default_code = "precondition_failed"


def plain_problem(path: str, code: int, detail: str) -> JsonResponse:
    """A problem outside DRF (an unknown URL, a server error): a plain Django
    response with the same body and headers."""
    response = JsonResponse(
        {
            "type": f"https://datatracker.ietf.org/doc/html/rfc9110#status.{code}",
            "title": str(TITLES.get(code, _("Fout."))),
            "status": code,
            "detail": str(detail),
            "instance": path,
        },
        status=code,
        content_type=PROBLEM_JSON,
    )
    response["API-Version"] = API_VERSION
    return response


def problem(request, code: int, detail: str, *, params=None, headers=None) -> Response:
    body = {
        "type": f"https://datatracker.ietf.org/doc/html/rfc9110#status.{code}",
        "title": str(TITLES.get(code, _("Fout."))),
        "status": code,
        "detail": str(detail),
        "instance": request.path if request is not None else "",
    }
    if params:
        body["invalidParams"] = params
    return Response(body, status=code, headers=headers, content_type=PROBLEM_JSON)


def _params(detail, prefix: str = "") -> list[dict]:
    """DRF's nested error detail as a flat list of name and reason."""
    if isinstance(detail, dict):
        rows = []
        for name, value in detail.items():
            key = "nonFieldErrors" if name == "non_field_errors" else name
            rows += _params(value, f"{prefix}.{key}" if prefix else key)
        return rows
    if isinstance(detail, list):
        if all(not isinstance(v, (dict, list)) for v in detail):
            return [
                {
                    "name": prefix or "nonFieldErrors",
                    "code": getattr(v, "code", "invalid"),
                    "reason": str(v),
                }
                for v in detail
            ]
        rows = []
        for index, value in enumerate(detail):
            rows += _params(value, f"{prefix}.{index}")
        return rows
    return [
        {
            "name": prefix or "nonFieldErrors",
            "code": getattr(detail, "code", "invalid"),
            "reason": str(detail),
        }
    ]


def exception_handler(exc, context):
    """DRF's exception handler, speaking problem details."""
    request = context.get("request")
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Dit record bestaat niet."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict
            if hasattr(exc, "error_dict")
            else {"nonFieldErrors": exc.messages}
        )
        exc = exceptions.ValidationError(detail)
    if not isinstance(exc, exceptions.APIException):
        return None
    # Nothing of a refused call stays: the request's own transaction
    # (basis.transactions, not ATOMIC_REQUESTS, which DRF's set_rollback
    # looks for) is rolled back.
    if connection.in_atomic_block:
        transaction.set_rollback(True)
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        return problem(
            request,
            exc.status_code,
            _("Het verzoek is niet uitgevoerd; verbeter de genoemde velden."),
            params=_params(exc.detail),
            headers=headers,
        )
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    return problem(request, exc.status_code, detail, headers=headers)
