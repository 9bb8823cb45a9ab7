import getpass

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from historie.records import system_user

from ... import services


class Command(BaseCommand):
    help = (
        "Remove a user's second factor (authenticator app and backup codes), for "
        "a lost or replaced phone. The user logs in with their password and, if "
        "their role requires it, sets up a new app straight away. The removal is "
        "written to the security log with the reason."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--reason",
            default="",
            help="Why, for the security log (default: lost or replaced phone).",
        )

    def handle(self, *args, username: str, reason: str, **options):
        user_model = get_user_model()
        try:
            user = user_model.objects.get(**{user_model.USERNAME_FIELD: username})
        except user_model.DoesNotExist as exc:
            raise CommandError(f"No user named {username!r}.") from exc
        count = services.second_factor_delete(
            user=user,
            by=system_user(),
            reason=(
                f"{reason or 'Telefoon kwijt of vervangen'} "
                f"(reset_otp, door {getpass.getuser()})"
            ),
        )
        if not count:
            self.stdout.write(f"{username} had no second factor; nothing removed.")
            return
        self.stdout.write(
            f"Removed the second factor of {username} ({count} device(s)). They "
            "log in with their password and set up a new app if their role "
            "requires it."
        )
