"""Site-wide request handling for the security baseline (docs/security.md)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from beveiliging.security_log import security_event

# Kept in the session: when the user signed in, and when they were last seen.
LOGIN_AT = "_login_at"
SEEN_AT = "_seen_at"
# How stale "last seen" may get before it is written back: saving the session on
# every request would cost a database write per page.
SEEN_RESOLUTION = 60
HEALTH_PATH = "/health/"


class NoStoreMiddleware:
    """No page of the application is kept in a browser's or proxy's cache.

    Pages show a municipality's work against human trafficking to signed-in
    people; after logging out, the back button must not show them again.
    Static files are served before this (whitenoise) and keep their caching;
    so does an answer that marks itself public (the public read API).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "public" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


class SessionTimeoutMiddleware:
    """Ends a session after SESSION_IDLE_TIMEOUT without a request and
    SESSION_ABSOLUTE_TIMEOUT after signing in, whatever the activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # /health/ must answer without the session (which needs the database).
        if request.path == HEALTH_PATH:
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            login_at = session.setdefault(LOGIN_AT, now)
            seen_at = session.get(SEEN_AT, now)
            idle = now - seen_at > settings.SESSION_IDLE_TIMEOUT
            expired = now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT
            if idle or expired:
                security_event(
                    request,
                    "session_expired",
                    result="idle" if idle else "absolute",
                    user=user,
                )
                logout(request)
                messages.info(
                    request,
                    _("U bent afgemeld omdat u een half uur niets hebt gedaan.")
                    if idle
                    else _("U bent afgemeld: een sessie duurt hoogstens 12 uur."),
                )
                return redirect_to_login(request.get_full_path())
            if now - seen_at >= SEEN_RESOLUTION or SEEN_AT not in session:
                session[SEEN_AT] = now
        return self.get_response(request)
