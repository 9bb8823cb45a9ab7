"""Every form of the application, with a valid post and its free-text fields."""

import pytest
from django.apps import apps
from django.urls import resolve, reverse

from basis.views import MergeServiceFormView
from historie.records import tracked_models
from tests.acties.conftest import world  # noqa: F401 - the fixture, shared here
from tests.factories import ActieFactory, RaadsopdrachtFactory


def _actie_values(actie) -> dict:
    return {
        "actielijn": actie.actielijn_id,
        "code": actie.code,
        "titel": actie.titel,
        "omschrijving": actie.omschrijving,
        "status": actie.status,
        "voortgang": actie.voortgang,
        "trekker": actie.trekker_id or "",
        "reden": "",
    }


def _opdracht_values(opdracht) -> dict:
    return {
        "soort": opdracht.soort,
        "nummer": opdracht.nummer,
        "titel": opdracht.titel,
        "tekst": opdracht.tekst,
        "indieners": opdracht.indieners,
        "datum_aangenomen": opdracht.datum_aangenomen or "",
        "vergadering": opdracht.vergadering,
        "ris_nummer": opdracht.ris_nummer,
        "programma": opdracht.programma_id or "",
        "programmaoverstijgend": opdracht.programmaoverstijgend,
        "status": opdracht.status,
        "deadline": "",
        "reden": "",
    }


def _evaluatie_values(evaluatie, w) -> dict:
    return {
        "titel": evaluatie.titel,
        "kenmerk": "",
        "peildatum": evaluatie.peildatum,
        "basisdatum": "",
        "samenvatting": "",
        "conclusies": "",
        "aanbevelingen": "",
        f"pijler_{w['pijler'].pk}": "",
        f"actielijn_{w['actielijn'].pk}": "",
        "reden": "",
    }


# route name: (record in the URL, a valid post from the current records, the
# free-text fields: every CharField of the form, as the tests check). Only
# the finalising of an evaluation has none.
FORMS = {
    "acties:actie-create": (
        None,
        lambda w: {**_actie_values(w["actie"]), "code": "3.99"},
        ["code", "titel", "omschrijving", "reden"],
    ),
    "acties:actie-update": (
        "actie",
        lambda w: _actie_values(w["actie"]),
        ["code", "titel", "omschrijving", "reden"],
    ),
    "acties:voortgangsupdate-create": (
        "actie",
        lambda w: {"datum": "2026-03-01", "tekst": "Op schema."},
        ["tekst"],
    ),
    "acties:voortgangsupdate-update": (
        "update",
        lambda w: {"datum": "2026-03-01", "tekst": "Op schema.", "reden": ""},
        ["tekst", "reden"],
    ),
    "acties:indicator-create": (
        "actie",
        lambda w: {"naam": "Nieuwe indicator", "eenheid": "", "nulwaarde": "0"},
        ["naam", "eenheid", "reden"],
    ),
    "acties:indicator-update": (
        "indicator",
        lambda w: {"naam": w["indicator"].naam, "eenheid": "", "nulwaarde": "1"},
        ["naam", "eenheid", "reden"],
    ),
    "acties:meting-create": (
        "indicator",
        lambda w: {"datum": "2026-02-01", "waarde": "7", "toelichting": ""},
        ["toelichting", "reden"],
    ),
    "acties:meting-update": (
        "meting",
        lambda w: {"datum": "2026-01-01", "waarde": "8", "toelichting": ""},
        ["toelichting", "reden"],
    ),
    "acties:actie-koppelen": (
        "actie",
        lambda w: {"raadsopdracht": w["losse_opdracht"].pk, "toelichting": "Past."},
        ["toelichting"],
    ),
    "acties:raadsopdracht-koppelen": (
        "raadsopdracht",
        lambda w: {"actie": w["losse_actie"].pk, "toelichting": "Past."},
        ["toelichting"],
    ),
    "acties:actie-opmerking-create": (
        "actie",
        lambda w: {"tekst": "Wanneer start de pilot?"},
        ["tekst"],
    ),
    "acties:raadsopdracht-opmerking-create": (
        "raadsopdracht",
        lambda w: {"tekst": "Is dit al besproken?"},
        ["tekst"],
    ),
    "evaluatie:opmerking-create": (
        "evaluatie",
        lambda w: {"tekst": "Komt er een paragraaf over de financiën?"},
        ["tekst"],
    ),
    "acties:opmerking-reply": (
        "opmerking",
        lambda w: {"tekst": "In februari."},
        ["tekst"],
    ),
    "acties:koppeling-delete": (
        "koppeling",
        lambda w: {"reden": "Vergist."},
        ["reden"],
    ),
    "acties:raadsopdracht-create": (
        None,
        lambda w: {**_opdracht_values(w["raadsopdracht"]), "nummer": "H.99"},
        [
            "nummer",
            "titel",
            "tekst",
            "indieners",
            "fractie",
            "vergadering",
            "ris_nummer",
            "bron",
            "deadline_toelichting",
            "reden",
        ],
    ),
    "acties:raadsopdracht-update": (
        "raadsopdracht",
        lambda w: _opdracht_values(w["raadsopdracht"]),
        [
            "nummer",
            "titel",
            "tekst",
            "indieners",
            "fractie",
            "vergadering",
            "ris_nummer",
            "bron",
            "deadline_toelichting",
            "reden",
        ],
    ),
    "acties:vergadering-create": (
        None,
        lambda w: {
            "soort": "commissie",
            "commissie": "Samenleving",
            "datum": "2027-01-14",
            "titel": "",
            "reden": "",
        },
        ["commissie", "titel", "reden"],
    ),
    "acties:document-update": (
        "document",
        lambda w: {"titel": "Plan van aanpak", "soort": "overig", "kenmerk": ""},
        ["titel", "kenmerk", "reden"],
    ),
    "acties:vergadering-update": (
        "vergadering",
        # A committee meeting: every text field may hold text.
        lambda w: {
            "soort": "commissie",
            "commissie": "Samenleving",
            "datum": "2026-05-28",
            "titel": "Commissievergadering",
            "reden": "",
        },
        ["commissie", "titel", "reden"],
    ),
    "acties:raadsopdracht-propose": (
        "raadsopdracht",
        lambda w: {"afdoening_toelichting": "Uitgevoerd."},
        ["afdoening_toelichting"],
    ),
    "acties:raadsopdracht-settle": (
        "raadsopdracht",
        lambda w: {
            "afgedaan_op": "2026-02-01",
            "afdoeningsdocument": "BOW/2026.1",
            "afdoening_toelichting": "",
            "reden": "",
        },
        ["afdoeningsdocument", "afdoening_toelichting", "reden"],
    ),
    # A token is shown on the answer itself (201), once.
    "beveiliging:api-tokens": (
        None,
        lambda w: {"naam": "Dashboard", "scope": "read", "dagen": "30"},
        ["naam"],
    ),
    "acties:organisatie-create": (
        None,
        lambda w: {"naam": "Nieuwe partner", "afkorting": "", "soort": "overig"},
        ["naam", "afkorting", "reden"],
    ),
    "acties:organisatie-update": (
        "organisatie",
        lambda w: {"naam": w["organisatie"].naam, "afkorting": "", "soort": "politie"},
        ["naam", "afkorting", "reden"],
    ),
    "evaluatie:create": (
        None,
        lambda w: {
            "programma": w["programma"].pk,
            "titel": "Tweede tussenevaluatie",
            "kenmerk": "",
            "peildatum": "2026-06-30",
            "basisdatum": "",
            "samenvatting": "",
            "conclusies": "",
            "aanbevelingen": "",
        },
        ["titel", "kenmerk", "samenvatting", "conclusies", "aanbevelingen"],
    ),
    "evaluatie:update": (
        "evaluatie",
        lambda w: _evaluatie_values(w["evaluatie"], w),
        [
            "titel",
            "kenmerk",
            "samenvatting",
            "conclusies",
            "aanbevelingen",
            "pijler_{pijler}",
            "actielijn_{actielijn}",
            "reden",
        ],
    ),
    "evaluatie:finalise": ("evaluatie", lambda w: {"bevestig": "on"}, []),
    "programma-openbaar": (
        "programma",
        lambda w: {"openbaar": "on", "reden": "Voor de raad."},
        ["reden"],
    ),
}


@pytest.fixture
def forms_world(world):  # noqa: F811 - the imported fixture
    """``world`` plus a mandate and an action that are not linked yet."""
    world = dict(world)
    world["losse_opdracht"] = RaadsopdrachtFactory(
        nummer="H.5", titel="Los", programma=world["programma"]
    )
    world["losse_actie"] = ActieFactory(actielijn=world["actielijn"], code="3.2")
    return world


def form_url(name: str, w: dict) -> str:
    record = FORMS[name][0]
    return reverse(name, args=[w[record].pk] if record else [])


def field_names(name: str, w: dict) -> list[str]:
    return [
        field.format(pijler=w["pijler"].pk, actielijn=w["actielijn"].pk)
        for field in FORMS[name][2]
    ]


def valid_post(name: str, w: dict) -> dict:
    """A valid post of the form; an edit page's carries the version it was
    opened from (``historie.merge``), as the page would."""
    for record in ("actie", "raadsopdracht", "evaluatie", "indicator"):
        w[record].refresh_from_db()
    data = {key: "" if v is None else str(v) for key, v in FORMS[name][1](w).items()}
    basis = opened_version(name, w)
    if basis is not None:
        data["basis"] = basis
    return data


def opened_version(name: str, w: dict) -> str | None:
    """The version token an edit page of the record would carry now."""
    record = FORMS[name][0]
    view = resolve(form_url(name, w)).func.view_class
    if not record or not issubclass(view, MergeServiceFormView):
        return None
    instance = type(w[record])._default_manager.get(pk=w[record].pk)
    return view.form_class(instance=instance).snapshot()


def row_counts() -> dict[str, int]:
    """Rows of every tracked model and of its history: what a refused post keeps."""
    counts = {}
    for model in tracked_models():
        counts[model._meta.label] = model._default_manager.count()
        counts[f"{model._meta.label} (historie)"] = model.history.count()
    counts["auth.User"] = apps.get_model("auth", "User").objects.count()
    return counts
