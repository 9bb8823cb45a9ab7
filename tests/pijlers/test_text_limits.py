"""Every free-text field of the domain has a maximum length, and services keep to it.

The table below names every ``TextField`` of every model with history and its
limit: a new text field fails the first test until it has a limit. The service
tests of the programme's structure are here; those of actions and mandates are in
``tests/acties/test_text_limits.py``, those of evaluations in
``tests/evaluatie/test_text_limits.py``.
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

from basis.validators import (
    MAX_EVALUATIETEKST,
    MAX_LANGE_TOELICHTING,
    MAX_OMSCHRIJVING,
    MAX_RAADSTEKST,
    MAX_TOELICHTING,
    MAX_VOORTGANGSUPDATE,
)
from historie.records import system_user, tracked_models
from pijlers import services
from pijlers.models import Actielijn, Pijler, Programma
from tests.factories import ActielijnFactory, PijlerFactory, ProgrammaFactory
from tests.security.conftest import row_counts

LIMITS = {
    "pijlers.Programma.doelstelling": MAX_LANGE_TOELICHTING,
    "pijlers.Programma.omschrijving": MAX_OMSCHRIJVING,
    "pijlers.Programma.verantwoording": MAX_OMSCHRIJVING,
    "pijlers.Pijler.omschrijving": MAX_OMSCHRIJVING,
    "pijlers.Actielijn.omschrijving": MAX_OMSCHRIJVING,
    "acties.Actie.omschrijving": MAX_OMSCHRIJVING,
    "acties.Voortgangsupdate.tekst": MAX_VOORTGANGSUPDATE,
    "acties.Meting.toelichting": MAX_TOELICHTING,
    "acties.Raadsopdracht.tekst": MAX_RAADSTEKST,
    "acties.Raadsopdracht.afdoening_toelichting": MAX_LANGE_TOELICHTING,
    "acties.RaadsopdrachtActie.toelichting": MAX_TOELICHTING,
    "acties.Opmerking.tekst": MAX_TOELICHTING,
    "evaluatie.Tussenevaluatie.samenvatting": MAX_EVALUATIETEKST,
    "evaluatie.Tussenevaluatie.conclusies": MAX_EVALUATIETEKST,
    "evaluatie.Tussenevaluatie.aanbevelingen": MAX_EVALUATIETEKST,
    "evaluatie.Bevinding.tekst": MAX_EVALUATIETEKST,
}


def text_of(length: int) -> str:
    """Ordinary prose of exactly ``length`` characters (no digits, no end space)."""
    return ("Het overleg met de partners is gevoerd. " * (length // 40 + 1))[
        : length - 1
    ] + "."


def too_long(limit: int) -> str:
    """Django's Dutch message for text one character past ``limit``."""
    return (
        f"Zorg dat deze waarde niet meer dan {limit} tekens bevat "
        f"(het zijn er nu {limit + 1})."
    )


def _text_fields(model) -> dict[str, models.TextField]:
    return {
        field.name: field
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField)
    }


def test_every_text_field_of_the_domain_has_its_limit_in_form_and_model():
    found = {}
    for model in tracked_models():
        historical = model.history.model
        for name, field in _text_fields(model).items():
            label = f"{model._meta.label}.{name}"
            found[label] = field.max_length
            # The form field renders and checks max_length; full_clean() in the
            # services checks the validator, which a TextField does not add.
            assert [
                v.limit_value
                for v in field.validators
                if isinstance(v, MaxLengthValidator)
            ] == [field.max_length], label
            # The history table describes the same field.
            copy = historical._meta.get_field(name)
            assert copy.max_length == field.max_length, label
            formfield = field.formfield()
            assert formfield.max_length == field.max_length, label
            assert formfield.widget.attrs["maxlength"] == str(field.max_length), label
    assert found == LIMITS


def test_every_char_field_of_the_domain_has_a_limit():
    for model in tracked_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.CharField):
                assert field.max_length, f"{model._meta.label}.{field.name}"


# --- the services of the programme's structure ------------------------------------


def _programma_create(text_field):
    def write(text):
        values = {"doelstelling": "Een stad zonder uitbuiting.", text_field: text}
        programma = services.programma_create(
            titel="Nieuw programma",
            slug="nieuw-programma",
            gemeente="Den Haag",
            periode_start="2025-01-01",
            periode_eind="2028-12-31",
            user=system_user(),
            reason="Test",
            **values,
        )
        return getattr(Programma.objects.get(pk=programma.pk), text_field)

    return write


def _programma_update(text_field):
    def write(text):
        programma = Programma.objects.get()
        services.programma_update(
            programma=programma,
            user=system_user(),
            reason="Test",
            **{text_field: text},
        )
        return getattr(Programma.objects.get(pk=programma.pk), text_field)

    return write


def _pijler_create(text):
    pijler = services.pijler_create(
        programma=Programma.objects.get(),
        volgorde=9,
        naam="Nieuwe pijler",
        omschrijving=text,
        user=system_user(),
        reason="Test",
    )
    return Pijler.objects.get(pk=pijler.pk).omschrijving


def _pijler_update(text):
    pijler = Pijler.objects.get()
    services.pijler_update(
        pijler=pijler, omschrijving=text, user=system_user(), reason="Test"
    )
    return Pijler.objects.get(pk=pijler.pk).omschrijving


def _actielijn_create(text):
    actielijn = services.actielijn_create(
        programma=Programma.objects.get(),
        nummer=9,
        naam="Nieuwe actielijn",
        omschrijving=text,
        user=system_user(),
        reason="Test",
    )
    return Actielijn.objects.get(pk=actielijn.pk).omschrijving


def _actielijn_update(text):
    actielijn = Actielijn.objects.get()
    services.actielijn_update(
        actielijn=actielijn, omschrijving=text, user=system_user(), reason="Test"
    )
    return Actielijn.objects.get(pk=actielijn.pk).omschrijving


# (service, the field it writes, the field's limit)
CASES = {
    "programma_create doelstelling": (
        _programma_create("doelstelling"), "doelstelling", MAX_LANGE_TOELICHTING
    ),
    "programma_create omschrijving": (
        _programma_create("omschrijving"), "omschrijving", MAX_OMSCHRIJVING
    ),
    "programma_update doelstelling": (
        _programma_update("doelstelling"), "doelstelling", MAX_LANGE_TOELICHTING
    ),
    "programma_update omschrijving": (
        _programma_update("omschrijving"), "omschrijving", MAX_OMSCHRIJVING
    ),
    "pijler_create": (_pijler_create, "omschrijving", MAX_OMSCHRIJVING),
    "pijler_update": (_pijler_update, "omschrijving", MAX_OMSCHRIJVING),
    "actielijn_create": (_actielijn_create, "omschrijving", MAX_OMSCHRIJVING),
    "actielijn_update": (_actielijn_update, "omschrijving", MAX_OMSCHRIJVING),
}  # fmt: skip


@pytest.fixture
def structure(db):
    programma = ProgrammaFactory()
    PijlerFactory(programma=programma)
    ActielijnFactory(programma=programma)


@pytest.mark.parametrize("case", CASES)
def test_text_past_the_limit_is_refused_by_the_service(structure, case):
    write, field, limit = CASES[case]
    before = row_counts()

    with pytest.raises(ValidationError) as exc:
        write(text_of(limit + 1))

    assert exc.value.message_dict[field] == [too_long(limit)]
    assert row_counts() == before


@pytest.mark.parametrize("case", CASES)
def test_text_of_exactly_the_limit_is_saved_whole(structure, case):
    write, _field, limit = CASES[case]
    text = text_of(limit)

    assert write(text) == text


def test_the_admin_renders_the_limit(client, admin_user, structure):
    client.force_login(admin_user)
    programma = Programma.objects.get()
    html = client.get(f"/admin/pijlers/programma/{programma.pk}/change/").content
    assert f'maxlength="{MAX_OMSCHRIJVING}"'.encode() in html
    assert f'maxlength="{MAX_LANGE_TOELICHTING}"'.encode() in html
