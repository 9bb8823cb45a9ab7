from django.contrib.auth.models import Group
from django.db import models
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
