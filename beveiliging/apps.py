from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BeveiligingConfig(AppConfig):
    name = "beveiliging"
    verbose_name = _("beveiliging")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .session import remember_state_at_login

        # The second-factor state is worked out once, at login, and kept in the
        # session, so that ordinary pages cost no extra query.
        user_logged_in.connect(
            remember_state_at_login, dispatch_uid="beveiliging-second-factor"
        )
