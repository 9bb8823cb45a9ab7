"""Rate limits per token (``API_RATE_LIMIT``, requests per minute), counted in
Django's cache (per process with the default cache, one count for all
processes with a shared one): 429 with ``Retry-After`` beyond it."""

from rest_framework.throttling import SimpleRateThrottle


class PerToken(SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        ident = (
            f"token-{token.pk}"
            if getattr(token, "pk", None)
            else self.get_ident(request)
        )
        return self.cache_format % {"scope": self.scope, "ident": ident}
