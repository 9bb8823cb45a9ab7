"""Rate limits per token, per person for single sign-on's access tokens
(``API_RATE_LIMIT``, requests per minute), counted in Django's cache (per
process with the default cache, one count for all processes with a shared
one): 429 with ``Retry-After`` beyond it."""

from rest_framework.throttling import SimpleRateThrottle

from beveiliging.security_log import client_ip

from .authentication import OidcBearer


class PerToken(SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        if isinstance(token, OidcBearer):
            ident = f"oidc-{token.gebruiker.pk}"
        elif getattr(token, "pk", None):
            ident = f"token-{token.pk}"
        else:
            ident = client_ip(request._request) or "onbekend"
        return self.cache_format % {"scope": self.scope, "ident": ident}
