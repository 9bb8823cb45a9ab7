"""An unknown URL under ``/api/v1/``: 404 as problem details."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from .constants import API_VERSION
from .problems import PROBLEM_JSON


@csrf_exempt  # any method may ask; none of them changes anything
def not_found(request, *args, **kwargs):
    response = JsonResponse(
        {
            "type": "https://datatracker.ietf.org/doc/html/rfc9110#status.404",
            "title": _("Niet gevonden."),
            "status": 404,
            "detail": _("Deze URL bestaat niet in de API. Zie /api/v1/openapi.json."),
            "instance": request.path,
        },
        status=404,
        content_type=PROBLEM_JSON,
    )
    response["API-Version"] = API_VERSION
    return response
