"""The second-factor state of a session, kept in the session itself.

Worked out at login (one query) and again whenever the user's own devices
change, so that the middleware needs no query on ordinary pages. A change of
the role policy therefore applies from the next login of each user.
"""

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY

from . import selectors
from .constants import Tweestapsstatus

STATE_SESSION_KEY = "beveiliging_tweestaps"
# The secret of an authenticator app being set up, until a code confirms it.
PENDING_KEY_SESSION_KEY = "beveiliging_nieuwe_sleutel"

OIDC_BACKEND = "beveiliging.oidc.RoleMappingOIDCBackend"


def signed_in_through_sso(request) -> bool:
    return request.session.get(BACKEND_SESSION_KEY) == OIDC_BACKEND


def refresh_state(request, user=None) -> Tweestapsstatus:
    """Work out and remember what this session must do after the password."""
    user = user if user is not None else request.user
    if settings.OIDC_SKIP_OTP and signed_in_through_sso(request):
        # The identity provider asked for its own second factor.
        state = Tweestapsstatus.VRIJ
    else:
        state = selectors.second_factor_state(user=user)
    request.session[STATE_SESSION_KEY] = state.value
    return state


def current_state(request) -> Tweestapsstatus:
    value = request.session.get(STATE_SESSION_KEY)
    if value in Tweestapsstatus.values:
        return Tweestapsstatus(value)
    # A session from before this existed: once.
    return refresh_state(request)


def remember_state_at_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    # Passed on: a request built outside the middleware (the test client's
    # force_login) has no ``request.user``.
    refresh_state(request, user)
