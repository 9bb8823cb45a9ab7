"""The second factor, enforced on every request rather than once after login."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from .constants import Tweestapsstatus
from .session import current_state

VERIFY = "beveiliging:verify"
SETUP = "beveiliging:tweestaps"
# Pages any half-signed-in session may reach: the way out, the health check
# for the load balancer, and single sign-on's own pages.
ALWAYS_ALLOWED = frozenset(
    {
        "logout",
        "health",
        "oidc_authentication_init",
        "oidc_authentication_callback",
        "oidc_logout",
    }
)
ALLOWED = {
    Tweestapsstatus.VERIFIEREN: ALWAYS_ALLOWED | {VERIFY},
    Tweestapsstatus.INSTELLEN: ALWAYS_ALLOWED | {SETUP},
}
TARGET = {Tweestapsstatus.VERIFIEREN: VERIFY, Tweestapsstatus.INSTELLEN: SETUP}


class SecondFactorMiddleware:
    """Until the second step is done, every page sends the user to it.

    A user with a confirmed device must enter a code; a user whose role
    requires a second factor and who has no device must set one up. Only the
    page for that step, logging out, the health check and static files stay
    reachable, whatever the URL, so that no view can forget the check. Needs
    django-otp's ``OTPMiddleware`` before it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # /health/ answers without the session: it must work while the
        # database (which holds the sessions) is away.
        if request.path_info == "/health/":
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self.check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def check(self, request):
        state = current_state(request)
        if state == Tweestapsstatus.VRIJ:
            return None
        if state == Tweestapsstatus.VERIFIEREN and request.user.is_verified():
            return None
        if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        try:
            view_name = resolve(request.path_info).view_name
        except Resolver404:
            view_name = ""
        if view_name in ALLOWED[state]:
            return None
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse(TARGET[state])}?{query}")
