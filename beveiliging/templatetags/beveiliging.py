from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("beveiliging/_sso_login.html")
def sso_login(next_url: str = "") -> dict:
    """The button to log in through the identity provider, when one is configured."""
    if not settings.OIDC_ENABLED:
        return {}
    return {
        "url": reverse("oidc_authentication_init"),
        "provider": settings.OIDC_PROVIDER_NAME,
        "next": next_url,
    }
