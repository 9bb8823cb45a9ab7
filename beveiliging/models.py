from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from historie.records import tracked_history


class Rolbeleid(models.Model):
    """What a role requires at login; a coordinator sets it, with a reason.

    A role without a row requires nothing beyond the password.
    """

    rol = models.OneToOneField(
        Group,
        on_delete=models.PROTECT,
        related_name="rolbeleid",
        verbose_name=_("rol"),
    )
    tweestaps_verplicht = models.BooleanField(
        _("tweestapsverificatie verplicht"),
        default=False,
        help_text=_(
            "Wie deze rol heeft, moet bij het inloggen ook een code uit een app "
            "invullen, en stelt die app eerst in als dat nog niet gebeurd is."
        ),
    )

    history = tracked_history()

    class Meta:
        verbose_name = _("rolbeleid")
        verbose_name_plural = _("rolbeleid")
        ordering = ["rol__name"]
        permissions = [
            (
                "manage_rolbeleid",
                _("Kan tweestapsverificatie per rol verplichten"),
            ),
        ]

    def __str__(self) -> str:
        return self.rol.name


class ApiScope(models.TextChoices):
    READ = "read", _("lezen")
    WRITE = "write", _("lezen en schrijven")


class ApiToken(models.Model):
    """A personal token for the API (``/api/v1/``), named by its owner.

    The token itself is shown once, when it is made; only its SHA-256 is
    stored, with its first characters (``prefix``) to find the row. A token
    acts as its owner, with the owner's permissions, and never more than its
    scope: a read token reads. It expires, and its owner or a coordinator
    revokes it; a revoked token stays, with who revoked it and why.
    """

    gebruiker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name=_("eigenaar"),
    )
    naam = models.CharField(
        _("naam"),
        max_length=80,
        help_text=_("waarvoor het token is, bijvoorbeeld 'iBabs-koppeling'"),
    )
    scope = models.CharField(
        _("bereik"), max_length=10, choices=ApiScope.choices, default=ApiScope.READ
    )
    prefix = models.CharField(_("begin van het token"), max_length=16, unique=True)
    sleutel_hash = models.CharField(_("SHA-256 van het token"), max_length=64)
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    verloopt_op = models.DateTimeField(_("verloopt op"))
    ingetrokken_op = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    ingetrokken_door = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ingetrokken door"),
        null=True,
        blank=True,
    )

    history = tracked_history()

    class Meta:
        verbose_name = _("API-token")
        verbose_name_plural = _("API-tokens")
        ordering = ["-aangemaakt_op", "-id"]
        permissions = [
            ("revoke_any_apitoken", _("Kan API-tokens van anderen intrekken")),
        ]

    def __str__(self) -> str:
        return self.naam

    @property
    def actief(self) -> bool:
        return self.ingetrokken_op is None and self.verloopt_op > timezone.now()

    @property
    def kan_schrijven(self) -> bool:
        return self.scope == ApiScope.WRITE
