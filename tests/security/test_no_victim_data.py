"""No victim data: every free-text field of every form refuses a possible BSN."""

import importlib
import importlib.util
import inspect
from pathlib import Path

import pytest
from django import forms
from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from basis.forms import NoVictimDataMixin
from basis.validators import BSN_MESSAGE
from tests.security.conftest import (
    FORMS,
    field_names,
    form_url,
    row_counts,
    valid_post,
)

pytestmark = pytest.mark.django_db

BSN = "123456782"
NOT_A_BSN = "123456789"  # nine digits that fail the eleven-test

# Forms that store nothing (searching and filtering) may do without the guard.
ROOT = Path(__file__).resolve().parents[2]

# Forms that store nothing typed: searches and filters, and the second
# factor's codes and confirmation word.
SEARCH_FORMS = {
    "actieprogramma.forms.HistorieFilterForm",
    "actieprogramma.forms.PeildatumForm",
    "actieprogramma.forms.VergelijkForm",
    "beveiliging.forms.TweestapsSetupForm",
    "beveiliging.forms.VerifyForm",
    "beveiliging.forms.TweestapsDeleteForm",
}

FIELD_CASES = [
    (name, index)
    for name, (_r, _p, fields) in FORMS.items()
    for index in range(len(fields))
]


def _form_modules() -> list[str]:
    """Every ``forms`` and ``admin`` module of the project's own apps, from the
    settings, so that an app added later is held to the guard as well."""
    names = []
    for config in django_apps.get_app_configs():
        if Path(config.path).resolve().parent != ROOT:
            continue
        for module in ("forms", "admin"):
            if importlib.util.find_spec(f"{config.name}.{module}") is not None:
                names.append(f"{config.name}.{module}")
    return names


def test_the_guard_looks_at_the_forms_of_every_app():
    assert {"beveiliging.forms", "acties.forms", "pijlers.admin"} <= set(
        _form_modules()
    )


def _form_classes():
    for module_name in _form_modules():
        module = importlib.import_module(module_name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module_name:
                yield f"{module_name}.{cls.__name__}", cls


def test_every_form_of_the_apps_has_the_guard_or_is_a_search_form():
    unguarded = {
        name for name, cls in _form_classes() if not issubclass(cls, NoVictimDataMixin)
    }
    assert unguarded == SEARCH_FORMS


def test_the_table_lists_every_text_field_of_every_form(
    client, coordinator, forms_world
):
    client.force_login(coordinator)
    for name in FORMS:
        form = client.get(form_url(name, forms_world)).context["form"]
        text_fields = {
            field_name
            for field_name, field in form.fields.items()
            # The version token of an edit page is signed, never typed.
            if isinstance(field, forms.CharField)
            and not getattr(field, "holds_no_text", False)
        }
        assert text_fields == set(field_names(name, forms_world)), name


@pytest.mark.parametrize(("name", "index"), FIELD_CASES)
def test_a_bsn_in_any_free_text_field_is_refused_and_nothing_saved(
    client, coordinator, forms_world, name, index
):
    field = field_names(name, forms_world)[index]
    client.force_login(coordinator)
    data = valid_post(name, forms_world)
    data[field] = f"BSN {BSN}"
    if name == "acties:actie-update":
        data["voortgang"] = "60"  # a change that needs a reason, given or refused
        data["reden"] = data["reden"] or "Bijgewerkt"
    before = row_counts()

    response = client.post(form_url(name, forms_world), data)

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [str(BSN_MESSAGE)]
    assert str(BSN_MESSAGE) in response.content.decode()
    assert row_counts() == before


@pytest.mark.parametrize("name", [name for name in FORMS if FORMS[name][2]])
def test_nine_digits_that_fail_the_eleven_test_are_saved(
    client, coordinator, forms_world, name
):
    client.force_login(coordinator)
    data = valid_post(name, forms_world)
    for field in field_names(name, forms_world):
        data[field] = f"{NOT_A_BSN}"
    before = row_counts()

    response = client.post(form_url(name, forms_world), data)

    # Saved: sent on (302), or a new API token shown on the answer (201).
    assert response.status_code in (201, 302), response.context["form"].errors
    assert row_counts() != before


def test_the_actie_form_gives_one_message_for_a_refused_reason(
    client, coordinator, forms_world
):
    client.force_login(coordinator)
    data = {**valid_post("acties:actie-update", forms_world), "voortgang": "70"}
    data["reden"] = f"Gesprek met {BSN}"
    response = client.post(form_url("acties:actie-update", forms_world), data)
    assert response.context["form"].errors["reden"] == [str(BSN_MESSAGE)]


def test_the_admin_refuses_a_bsn_in_a_record_and_in_its_inlines(
    client, admin_user, forms_world
):
    client.force_login(admin_user)
    programma, pijler = forms_world["programma"], forms_world["pijler"]
    url = reverse("admin:pijlers_programma_change", args=[programma.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: form.initial.get(name) or ""
        for name in form.fields
        if name != "wijzigingsreden"
    }
    data.update(
        {
            "periode_start": programma.periode_start,
            "periode_eind": programma.periode_eind,
            "vastgesteld_op": programma.vastgesteld_op,
            "wijzigingsreden": "Bijgewerkt",
            "pijlers-TOTAL_FORMS": "1",
            "pijlers-INITIAL_FORMS": "1",
            "pijlers-0-id": pijler.pk,
            "pijlers-0-programma": programma.pk,
            "pijlers-0-volgorde": pijler.volgorde,
            "pijlers-0-naam": pijler.naam,
            "pijlers-0-omschrijving": "",
        }
    )
    data = {key: "" if value is None else value for key, value in data.items()}
    before = row_counts()

    for field in ["omschrijving", "wijzigingsreden", "pijlers-0-omschrijving"]:
        response = client.post(url, {**data, field: f"Nummer {BSN}"})
        assert response.status_code == 200, field
        assert str(BSN_MESSAGE) in response.content.decode(), field
        assert row_counts() == before

    response = client.post(url, {**data, "pijlers-0-omschrijving": NOT_A_BSN})
    assert response.status_code == 302
    pijler.refresh_from_db()
    assert pijler.omschrijving == NOT_A_BSN


def test_an_imported_file_with_a_bsn_is_refused_row_by_row(
    client, coordinator, forms_world
):
    client.force_login(coordinator)
    content = f"actie;datum;tekst\r\n3.1;1-2-2026;Gesprek met {BSN}\r\n".encode()
    data = {
        "soort": "voortgangsupdates",
        "programma": forms_world["programma"].pk,
        "reden": "Import",
        "bestand": SimpleUploadedFile("updates.csv", content),
    }
    before = row_counts()

    response = client.post(reverse("acties:import"), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert str(BSN_MESSAGE) in html
    assert 'name="controle"' not in html  # nothing to confirm
    assert row_counts() == before


@pytest.mark.parametrize(
    "text",
    [
        "Gesprek met 123\u200b456\u200b782",  # zero-width spaces: shows 123456782
        "Gesprek met 123\u00ad456\u00ad782",  # soft hyphens
        "Gesprek met 123\u2013456\u00a0782",  # en dash and no-break space
        "Gesprek met １２３４５６７８２",  # full-width digits
    ],
)
def test_a_bsn_hidden_by_invisible_or_odd_characters_is_refused_over_http(
    client, beleidsmedewerker, forms_world, text
):
    client.force_login(beleidsmedewerker)
    url = reverse("acties:voortgangsupdate-create", args=[forms_world["actie"].pk])
    before = row_counts()

    response = client.post(url, {"datum": "2026-03-01", "tekst": text})

    assert response.status_code == 200
    assert response.context["form"].errors["tekst"] == [str(BSN_MESSAGE)]
    assert str(BSN_MESSAGE) in response.content.decode()
    assert row_counts() == before
