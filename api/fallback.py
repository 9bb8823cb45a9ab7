"""An unknown URL under ``/api/v1/``: 404 as problem details."""

from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from .problems import plain_problem


@csrf_exempt  # any method may ask; none of them changes anything
def not_found(request, *args, **kwargs):
    return plain_problem(
        request.path,
        404,
        _("Deze URL bestaat niet in de API. Zie /api/v1/openapi.json."),
    )
