"""Test data. Every factory writes through the history helpers, as production code
does, so records made in tests have a history row like any other."""

import datetime
from importlib import import_module

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from acties.constants import RaadsopdrachtSoort
from acties.models import (
    Actie,
    Indicator,
    Organisatie,
    Raadsopdracht,
    RaadsopdrachtActie,
    Voortgangsupdate,
)
from evaluatie.models import Tussenevaluatie
from historie.records import save_with_history, system_user
from pijlers.models import Actielijn, Pijler, Programma

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"gebruiker{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Gebruiker {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            if not Group.objects.filter(name=extracted).exists():
                restore_roles()  # flushed by a transactional test before
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


class HistoryFactory(factory.django.DjangoModelFactory):
    """Saves through ``save_with_history`` with the system user and a test reason."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        instance = model_class(*args, **kwargs)
        return save_with_history(instance, user=system_user(), reason="Testgegevens")


class ProgrammaFactory(HistoryFactory):
    class Meta:
        model = Programma

    titel = factory.Sequence(lambda n: f"Testprogramma {n}")
    slug = factory.Sequence(lambda n: f"testprogramma-{n}")
    gemeente = "Den Haag"
    periode_start = datetime.date(2025, 1, 1)
    periode_eind = datetime.date(2028, 12, 31)
    vastgesteld_op = datetime.date(2025, 5, 22)
    doelstelling = "Een stad zonder uitbuiting."


class PijlerFactory(HistoryFactory):
    class Meta:
        model = Pijler

    programma = factory.SubFactory(ProgrammaFactory)
    volgorde = factory.Sequence(lambda n: n + 1)
    naam = factory.Sequence(lambda n: f"Pijler {n}")


class ActielijnFactory(HistoryFactory):
    class Meta:
        model = Actielijn

    programma = factory.SubFactory(ProgrammaFactory)
    nummer = factory.Sequence(lambda n: n + 1)
    naam = factory.Sequence(lambda n: f"Actielijn {n}")


class OrganisatieFactory(HistoryFactory):
    class Meta:
        model = Organisatie

    naam = factory.Sequence(lambda n: f"Organisatie {n}")


class ActieFactory(HistoryFactory):
    class Meta:
        model = Actie

    actielijn = factory.SubFactory(ActielijnFactory)
    programma = factory.SelfAttribute("actielijn.programma")
    code = factory.Sequence(lambda n: f"9.{n}")
    titel = factory.Sequence(lambda n: f"Actie {n}")


class VoortgangsupdateFactory(HistoryFactory):
    class Meta:
        model = Voortgangsupdate

    actie = factory.SubFactory(ActieFactory)
    datum = datetime.date(2026, 1, 15)
    tekst = "Het werk ligt op schema."
    auteur = factory.LazyFunction(system_user)


class IndicatorFactory(HistoryFactory):
    class Meta:
        model = Indicator

    actie = factory.SubFactory(ActieFactory)
    naam = factory.Sequence(lambda n: f"Indicator {n}")


class RaadsopdrachtFactory(HistoryFactory):
    class Meta:
        model = Raadsopdracht

    soort = RaadsopdrachtSoort.MOTIE
    nummer = factory.Sequence(lambda n: f"M.{n}")
    titel = factory.Sequence(lambda n: f"Motie {n}")
    ris_nummer = factory.Sequence(lambda n: f"RIS9{n:05d}")
    datum_aangenomen = datetime.date(2025, 6, 1)


class RaadsopdrachtActieFactory(HistoryFactory):
    class Meta:
        model = RaadsopdrachtActie

    raadsopdracht = factory.SubFactory(RaadsopdrachtFactory)
    actie = factory.SubFactory(ActieFactory)
    toelichting = "Deze actie voert de opdracht uit."


class TussenevaluatieFactory(HistoryFactory):
    class Meta:
        model = Tussenevaluatie

    programma = factory.SubFactory(ProgrammaFactory)
    titel = "Tussenevaluatie"
    peildatum = datetime.date(2026, 12, 31)


def restore_roles() -> None:
    """The role groups, which a transactional or live-server test's flush
    empties with the rest.

    The migration that made them cannot be replayed here, so they are made
    again from its own table of permissions.
    """
    roles = {
        name: list(wanted)
        for name, wanted in import_module(
            "actieprogramma.migrations.0001_roles"
        ).ROLE_PERMISSIONS.items()
    }
    for migration, app in (
        ("0003_vergadering_permissions", "acties"),
        ("0004_document_permissions", "acties"),
        ("0005_opmerking_permissions", "acties"),
        ("0006_api_token_permissions", "beveiliging"),
    ):
        later = import_module(f"actieprogramma.migrations.{migration}")
        for name, codenames in later.GRANTS.items():
            roles[name] += [f"{app}.{code}" for code in codenames]
    for name, wanted in roles.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app, codename=code)
                for app, code in (dotted.split(".") for dotted in wanted)
            ]
        )
