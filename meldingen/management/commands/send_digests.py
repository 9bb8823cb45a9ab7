from django.core.management.base import BaseCommand

from meldingen import services


class Command(BaseCommand):
    help = (
        "Send the e-mail digests now: this week's digest (once per person and "
        "week) and the digest before each meeting within "
        "DIGEST_DAYS_BEFORE_MEETING days (once per person and meeting)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only list who would receive what; send and record nothing.",
        )
        parser.add_argument(
            "--soort",
            choices=["week", "vergadering", "alle"],
            default="alle",
            help="Which digests (default: both).",
        )

    def handle(self, *args, dry_run=False, soort="alle", **options):
        done = []
        if soort in ("week", "alle"):
            done += [
                ("weekoverzicht", o) for o in services.weekly_digests(dry_run=dry_run)
            ]
        if soort in ("vergadering", "alle"):
            done += [
                ("vóór vergadering", o)
                for o in services.meeting_digests(dry_run=dry_run)
            ]
        for kind, overzicht in done:
            user = overzicht.ontvanger
            self.stdout.write(
                f"{kind}: {user.username} <{user.email}>, "
                f"{overzicht.aantal} onderwerpen"
            )
        verb = "zou versturen" if dry_run else "verstuurd"
        self.stdout.write(self.style.SUCCESS(f"{len(done)} overzichten {verb}."))
