"""Single sign-on's pages (/oidc/), served only when OIDC_RP_CLIENT_ID is set.

Outside the ``beveiliging`` namespace, because mozilla-django-oidc finds its
callback by the plain name ``oidc_authentication_callback``.
"""

from django.conf import settings
from django.urls import include, path

urlpatterns = (
    [path("oidc/", include("mozilla_django_oidc.urls"))]
    if settings.OIDC_ENABLED
    else []
)
