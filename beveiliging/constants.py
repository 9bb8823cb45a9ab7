from django.db import models
from django.utils.translation import gettext_lazy as _


class Tweestapsstatus(models.TextChoices):
    """Where a signed-in session stands with the second factor."""

    # No second factor asked: no device, no role that requires one, or signed
    # in through the identity provider while OIDC_SKIP_OTP is on.
    VRIJ = "vrij", _("geen tweede stap nodig")
    # A confirmed device: a code is asked before any other page.
    VERIFIEREN = "verifieren", _("code nodig")
    # No device, but a role that requires one: set one up before any other page.
    INSTELLEN = "instellen", _("instellen nodig")


# Backup codes made at a time; each works once.
BACKUP_CODE_COUNT = 10


class Rol(models.TextChoices):
    """The roles of the design; each is a Django group of the same name.

    Here, on the ground floor, so that every app (this one included) names a
    role by this class rather than by a string of its own.
    """

    BELEIDSMEDEWERKER = "beleidsmedewerker", _("beleidsmedewerker")
    GRIFFIE = "griffie", _("griffie")
    COORDINATOR = "coordinator", _("coördinator")


# Roles that bring access to the admin with them, as `create_user` does: a
# coordinator manages the programme structure there.
STAFF_ROLES = frozenset({Rol.COORDINATOR})
