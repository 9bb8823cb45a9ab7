from django.core.management.base import BaseCommand, CommandError

from acties.synthetic import generate


class Command(BaseCommand):
    help = (
        "Voegt synthetische programma's toe voor prestatiemetingen: pijlers, "
        "actielijnen, acties, raadsopdrachten, koppelingen en voortgangsupdates, "
        "met historie verspreid over de looptijd. Bestaande synthetische "
        "programma's blijven ongemoeid."
    )

    def add_arguments(self, parser):
        parser.add_argument("--programmes", type=int, required=True)
        parser.add_argument("--actions-per-programme", type=int, required=True)
        parser.add_argument("--updates-per-action", type=int, default=3)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        for name in ("programmes", "actions_per_programme", "updates_per_action"):
            if options[name] < 0:
                raise CommandError(f"--{name.replace('_', '-')} must not be negative.")
        result = generate(
            programmes=options["programmes"],
            actions_per_programme=options["actions_per_programme"],
            updates_per_action=options["updates_per_action"],
            seed=options["seed"],
        )
        self.stdout.write(
            f"Added {result.programmas} programmes, {result.acties} actions, "
            f"{result.raadsopdrachten} mandates and {result.voortgangsupdates} "
            "progress updates, each with its history."
        )
