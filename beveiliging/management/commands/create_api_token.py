from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ... import services
from ...models import ApiScope


class Command(BaseCommand):
    help = (
        "Make a personal API token for a user and print it once; only its hash is "
        "stored. The token acts with the user's role permissions, within its scope "
        "(read: only reading)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for.")
        parser.add_argument(
            "--scope", choices=[c.value for c in ApiScope], default=ApiScope.READ
        )
        parser.add_argument(
            "--days",
            type=int,
            default=services.TOKEN_DAYS_DEFAULT,
            help=f"Valid for this many days (1-{services.TOKEN_DAYS_MAX}).",
        )

    def handle(self, *args, username, name, scope, days, **options):
        user_model = get_user_model()
        try:
            user = user_model.objects.get(**{user_model.USERNAME_FIELD: username})
        except user_model.DoesNotExist as exc:
            raise CommandError(f"No user named {username!r}.") from exc
        if not user.is_active:
            raise CommandError(f"The account {username!r} is not active.")
        try:
            token, raw = services.api_token_create(
                user=user, naam=name, scope=scope, dagen=days
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stderr.write(
            f"Token {token.naam!r} ({token.get_scope_display()}) for {username}, "
            f"valid until {token.verloopt_op:%Y-%m-%d %H:%M %Z}. It is shown only now:"
        )
        self.stdout.write(raw)
