import os

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from actieprogramma.accounts import user_create_with_role
from beveiliging.constants import Rol


class Command(BaseCommand):
    help = (
        "Create a user with one role. The password is read from the environment "
        "variable DJANGO_USER_PASSWORD, so that it never appears in a shell history."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Rol.values)
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args, username: str, role: str, **options):
        password = os.environ.get("DJANGO_USER_PASSWORD", "")
        if not password:
            raise CommandError("Set DJANGO_USER_PASSWORD to the new user's password.")
        if get_user_model().objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        candidate = get_user_model()(username=username, email=options["email"])
        try:
            validate_password(password, user=candidate)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        user = user_create_with_role(
            username=username,
            password=password,
            role=Rol(role),
            email=options["email"],
            first_name=options["first_name"],
            last_name=options["last_name"],
        )
        self.stdout.write(f"Created {user.username} with role {role}.")
