import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from actieprogramma.accounts import user_create_with_role
from beveiliging.constants import Rol

DEMO_USERS = {
    Rol.BELEIDSMEDEWERKER: ("demo-beleidsmedewerker", "Bea", "Beleid (demo)"),
    Rol.GRIFFIE: ("demo-griffie", "Gijs", "Griffie (demo)"),
    Rol.COORDINATOR: ("demo-coordinator", "Coby", "Coördinator (demo)"),
}


class Command(BaseCommand):
    help = (
        "Development only: create one demo account per role, give each a fresh "
        "random password and print the credentials."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are only created when DEBUG is on.")
        user_model = get_user_model()
        lines = []
        for role, (username, first_name, last_name) in DEMO_USERS.items():
            password = secrets.token_urlsafe(12)
            user = user_model.objects.filter(username=username).first()
            if user is None:
                user_create_with_role(
                    username=username,
                    password=password,
                    role=role,
                    # An address that can never be delivered to: notices and
                    # digests show on the console of `make run`.
                    email=f"{username}@example.invalid",
                    first_name=first_name,
                    last_name=last_name,
                )
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
            lines.append(f"  {role.label:<18} {username:<24} {password}")
        self.stdout.write("")
        self.stdout.write(
            "Demo accounts (new passwords on every run; development only):"
        )
        self.stdout.write(f"  {'rol':<18} {'gebruikersnaam':<24} wachtwoord")
        for line in lines:
            self.stdout.write(line)
        self.stdout.write("Log in at http://127.0.0.1:8000/accounts/login/")
        self.stdout.write("")
