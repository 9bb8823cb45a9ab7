import csv
import io

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse

from acties.forms import ActieForm
from acties.models import Actie, Raadsopdracht
from tests.factories import ActieFactory, OrganisatieFactory, RaadsopdrachtFactory

pytestmark = pytest.mark.django_db

ALL = {"beleidsmedewerker", "griffie", "coordinator"}
EDITORS = {"beleidsmedewerker", "coordinator"}
REGISTER = {"griffie", "coordinator"}

# name: (record whose pk is the URL argument, roles that may GET, roles that may
# POST, what a permitted POST of an empty form answers). POST on a page that only
# shows is 405 for those who may see it.
ROUTES = {
    "home": (None, ALL, set(), 405),
    "programma-list": (None, ALL, set(), 405),
    "programma-detail": ("programma", ALL, set(), 405),
    "acties:actie-list": (None, ALL, set(), 405),
    "acties:actie-export": (None, ALL, set(), 405),
    "acties:actie-create": (None, EDITORS, EDITORS, 200),
    "acties:actie-detail": ("actie", ALL, set(), 405),
    "acties:actie-update": ("actie", EDITORS, EDITORS, 200),
    "acties:voortgangsupdate-create": ("actie", EDITORS, EDITORS, 200),
    "acties:voortgangsupdate-update": ("update", EDITORS, EDITORS, 200),
    "acties:indicator-create": ("actie", EDITORS, EDITORS, 200),
    "acties:indicator-update": ("indicator", EDITORS, EDITORS, 200),
    "acties:meting-create": ("indicator", EDITORS, EDITORS, 200),
    "acties:meting-update": ("meting", EDITORS, EDITORS, 200),
    "acties:actie-koppelen": ("actie", ALL, ALL, 200),
    "acties:raadsopdracht-koppelen": ("raadsopdracht", ALL, ALL, 200),
    "acties:koppeling-delete": ("koppeling", ALL, ALL, 200),
    "acties:raadsopdracht-list": (None, ALL, set(), 405),
    "acties:raadsopdracht-export": (None, ALL, set(), 405),
    "acties:raadsopdracht-create": (None, REGISTER, REGISTER, 200),
    "acties:raadsopdracht-detail": ("raadsopdracht", ALL, set(), 405),
    "acties:raadsopdracht-update": ("raadsopdracht", REGISTER, REGISTER, 200),
    "acties:raadsopdracht-propose": ("raadsopdracht", EDITORS, EDITORS, 200),
    "acties:raadsopdracht-settle": ("raadsopdracht", REGISTER, REGISTER, 200),
    "acties:raadsopdracht-return": ("raadsopdracht", REGISTER, REGISTER, 200),
    "acties:vergadering-list": (None, ALL, set(), 405),
    "acties:vergadering-create": (None, REGISTER, REGISTER, 200),
    "acties:vergadering-update": ("vergadering", REGISTER, REGISTER, 200),
    "acties:actie-document-create": ("actie", EDITORS, EDITORS, 200),
    "acties:raadsopdracht-document-create": ("raadsopdracht", REGISTER, REGISTER, 200),
    # The world's document belongs to an action.
    "acties:document-update": ("document", EDITORS, EDITORS, 200),
    "acties:open-vragen": (None, ALL, set(), 405),
    "acties:actie-opmerking-create": ("actie", ALL, ALL, 200),
    "acties:raadsopdracht-opmerking-create": ("raadsopdracht", ALL, ALL, 200),
    "evaluatie:opmerking-create": ("evaluatie", ALL, ALL, 200),
    "acties:opmerking-reply": ("opmerking", ALL, ALL, 200),
    "acties:wat-komt-eraan": (None, ALL, set(), 405),
    "acties:wat-komt-eraan-export": (None, ALL, set(), 405),
    "programma-openbaar": ("programma", {"coordinator"}, {"coordinator"}, 200),
    # Officers import actions, the griffie the register.
    "acties:import": (None, ALL, ALL, 200),
    "acties:import-template": (None, EDITORS, set(), 405),
    "acties:programma-export": ("programma", ALL, set(), 405),
    "acties:organisatie-list": (None, ALL, set(), 405),
    "acties:organisatie-create": (None, EDITORS, EDITORS, 200),
    "acties:organisatie-update": ("organisatie", EDITORS, EDITORS, 200),
    "historie": (None, ALL, set(), 405),
    "historie-export": (None, ALL, set(), 405),
    "record-history": ("indicator", ALL, set(), 405),
    "peildatum": (None, ALL, set(), 405),
    "zoeken": (None, ALL, set(), 405),
    "vergelijk": (None, ALL, set(), 405),
    "evaluatie:list": (None, ALL, set(), 405),
    "evaluatie:create": (None, EDITORS, EDITORS, 200),
    "evaluatie:detail": ("evaluatie", ALL, set(), 405),
    "evaluatie:update": ("evaluatie", EDITORS, EDITORS, 200),
    "evaluatie:preview": ("evaluatie", ALL, set(), 405),
    "evaluatie:pdf": ("evaluatie", ALL, set(), 405),
    "evaluatie:finalise": ("evaluatie", {"coordinator"}, {"coordinator"}, 200),
    # Without an authenticator app: the set-up form, and pages that say there is
    # nothing to remove or verify (a POST there goes back to the set-up page).
    "beveiliging:tweestaps": (None, ALL, ALL, 200),
    "beveiliging:tweestaps-delete": (None, ALL, ALL, 302),
    "beveiliging:reservecodes": (None, ALL, ALL, 302),
    "beveiliging:verify": (None, ALL, ALL, 200),
    "beveiliging:rolbeleid": (None, {"coordinator"}, {"coordinator"}, 200),
    # Each person's own e-mail settings; an empty form switches everything off.
    "meldingen:voorkeuren": (None, ALL, ALL, 302),
    # One's own API tokens; an empty form makes none.
    "beveiliging:api-tokens": (None, ALL, ALL, 200),
}
# Without login: the public page of a programme is tested in
# tests/actieprogramma/test_public.py.
PUBLIC = {"login", "logout", "health", "openbaar", "openbaar-data", "openbaar-document"}
# Answers anonymous readers 404 rather than the login page (nothing says the
# file exists): tested in tests/acties/test_documents.py.
OWN_RULES = {"acties:document-download"}
# Only for the remark's author, whoever the role: tested in
# tests/acties/test_remarks.py.
OWN_RULES |= {
    "acties:opmerking-update",
    "acties:opmerking-withdraw",
    "acties:opmerking-beantwoord",
}
# Only for the one who asked for the job (404 for others), and "maak PDF",
# which only takes a POST: tested in tests/taken/test_jobs.py.
OWN_RULES |= {
    "taken:list",
    "taken:detail",
    "taken:status",
    "taken:bestand",
    "evaluatie:pdf-job",
    # The preview a job made: tested in tests/acties/test_import_job.py.
    "acties:import-voorvertoning",
    # Revoking a token: its owner or a coordinator (404 for others): tested in
    # tests/beveiliging/test_api_tokens.py.
    "beveiliging:api-token-revoke",
}


def api_names(names: set[str]) -> set[str]:
    """The API (/api/v1/) answers tokens, not the login page: its own route ×
    role table is tests/api/test_roles.py."""
    return {name for name in names if name.startswith("api:")}


def url_args(name, record):
    if name == "record-history":
        return [record._meta.model_name, record.pk]
    if name == "acties:programma-export":
        return [record.pk, "zip"]
    return [record.pk]


def url_for(name, world):
    record = ROUTES[name][0]
    if name == "acties:import-template":
        return reverse(name, args=["acties", "xlsx"])
    if name == "acties:wat-komt-eraan-export":
        return reverse(name, args=["csv"])
    return reverse(name, args=url_args(name, world[record]) if record else [])


def served_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            if pattern.namespace == "admin":
                continue
            inner = (
                f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            )
            names |= served_names(pattern, inner)
        elif pattern.name:
            names.add(namespace + pattern.name)
    return names


def test_the_table_covers_every_url_the_app_serves():
    served = served_names()
    assert served - PUBLIC - OWN_RULES - api_names(served) == set(ROUTES)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_anonymous_users_are_sent_to_login(client, world, name):
    url = url_for(name, world)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, (name, method)
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_status_codes_per_role(client, request, world, role, name):
    _record, may_get, may_post, post_answer = ROUTES[name]
    client.force_login(request.getfixturevalue(role))
    url = url_for(name, world)
    assert client.get(url).status_code == (200 if role in may_get else 403)
    expected_post = (
        post_answer if role in may_post else (405 if role in may_get else 403)
    )
    assert client.post(url, {}).status_code == expected_post


def test_unknown_records_give_404(client, coordinator):
    client.force_login(coordinator)
    for name, (record, *_rest) in ROUTES.items():
        if record:
            args = [987654] if name != "record-history" else [record, 987654]
            if name == "acties:programma-export":
                args.append("json")
            assert client.get(reverse(name, args=args)).status_code == 404, name


def snapshot():
    """Every row of every table and of its history, to prove nothing changed."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"pijlers", "acties", "evaluatie"}
    }


def test_griffie_gets_403_on_every_action_write_and_nothing_changes(
    client, griffie, world
):
    actie = world["actie"]
    valid_actie = {
        "actielijn": actie.actielijn_id,
        "code": "3.9",
        "titel": "Poging",
        "status": "lopend",
        "voortgang": "50",
        "versie": actie.versie,
        "reden": "Poging van de griffie",
    }
    writes = [
        ("acties:actie-create", [], valid_actie),
        ("acties:actie-update", [actie.pk], valid_actie),
        (
            "acties:voortgangsupdate-create",
            [actie.pk],
            {"datum": "2026-03-01", "tekst": "x"},
        ),
        (
            "acties:voortgangsupdate-update",
            [world["update"].pk],
            {"datum": "2026-03-01", "tekst": "x"},
        ),
        ("acties:indicator-create", [actie.pk], {"naam": "x", "nulwaarde": "0"}),
        (
            "acties:indicator-update",
            [world["indicator"].pk],
            {"naam": "x", "nulwaarde": "0"},
        ),
        (
            "acties:meting-create",
            [world["indicator"].pk],
            {"datum": "2026-02-01", "waarde": "1"},
        ),
        (
            "acties:meting-update",
            [world["meting"].pk],
            {"datum": "2026-02-01", "waarde": "1"},
        ),
        ("acties:organisatie-create", [], {"naam": "Nieuw", "soort": "overig"}),
        (
            "acties:organisatie-update",
            [world["organisatie"].pk],
            {"naam": "Nieuw", "soort": "overig"},
        ),
        (
            "acties:raadsopdracht-propose",
            [world["raadsopdracht"].pk],
            {"afdoening_toelichting": "Klaar"},
        ),
    ]
    client.force_login(griffie)
    before = snapshot()
    for name, args, data in writes:
        response = client.post(reverse(name, args=args), data)
        assert response.status_code == 403, name
    assert snapshot() == before
    actie.refresh_from_db()
    assert (actie.titel, actie.versie) == (world["actie"].titel, 1)


def test_griffie_sees_no_edit_controls_for_actions(client, griffie, world):
    client.force_login(griffie)
    html = client.get(url_for("acties:actie-detail", world)).content.decode()
    for forbidden in [
        reverse("acties:actie-update", args=[world["actie"].pk]),
        reverse("acties:voortgangsupdate-create", args=[world["actie"].pk]),
        reverse("acties:indicator-create", args=[world["actie"].pk]),
        reverse("acties:meting-update", args=[world["meting"].pk]),
    ]:
        assert forbidden not in html
    html = client.get(reverse("acties:actie-list")).content.decode()
    assert reverse("acties:actie-create") not in html
    # The griffie does keep the register: mandate controls are there.
    html = client.get(url_for("acties:raadsopdracht-detail", world)).content.decode()
    assert reverse("acties:raadsopdracht-settle", args=[world["raadsopdracht"].pk]) in (
        html
    )


def edit_form(actie, **changes):
    """The edit page's post, opened now: with the version it starts from."""
    actie = Actie.objects.get(pk=actie.pk)
    data = {
        "actielijn": actie.actielijn_id,
        "code": actie.code,
        "titel": actie.titel,
        "status": actie.status,
        "voortgang": actie.voortgang,
        "trekker": actie.trekker_id or "",
        "basis": ActieForm(instance=actie).snapshot(),
    }
    data.update(changes)
    return data


def test_two_edits_of_one_field_from_the_same_version_ask_the_second_person(
    client, beleidsmedewerker, coordinator, world
):
    actie = world["actie"]
    url = reverse("acties:actie-update", args=[actie.pk])
    first = edit_form(actie, voortgang=40, status="lopend", reden="Eerste")
    second = edit_form(actie, voortgang=10, titel="Andere titel", reden="Tweede")

    client.force_login(beleidsmedewerker)
    response = client.post(url, first)
    assert response.status_code == 302

    client.force_login(coordinator)
    response = client.post(url, second)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Iemand anders heeft intussen dezelfde gegevens gewijzigd" in html
    assert "Andere titel" in html  # the second person's input is not lost
    actie.refresh_from_db()
    assert (actie.voortgang, actie.status, actie.titel, actie.versie) == (
        40,
        "lopend",
        world["actie"].titel,
        2,
    )
    assert actie.history.first().history_change_reason == "Eerste"


def test_an_officer_marks_an_action_to_be_explained_in_the_evaluation(
    client, beleidsmedewerker, world
):
    actie = world["actie"]
    client.force_login(beleidsmedewerker)
    url = reverse("acties:actie-update", args=[actie.pk])
    html = client.get(url).content.decode()
    assert 'name="toelichten"' in html
    assert "Toelichten in de tussenevaluatie" in html
    response = client.post(url, edit_form(actie, toelichten="on"))
    assert response.status_code == 302
    actie.refresh_from_db()
    assert actie.toelichten
    row = actie.history.first()
    assert (row.toelichten, row.history_user) == (True, beleidsmedewerker)
    assert row.history_change_reason == (
        "Gegevens bijgewerkt: Toelichten in de tussenevaluatie"
    )


def test_status_change_needs_a_reason_in_the_form(client, beleidsmedewerker, world):
    actie = world["actie"]
    client.force_login(beleidsmedewerker)
    url = reverse("acties:actie-update", args=[actie.pk])
    response = client.post(url, edit_form(actie, status="vertraagd"))
    assert response.status_code == 200
    assert "Geef een reden: u wijzigt de status of de voortgang." in (
        response.content.decode()
    )
    actie.refresh_from_db()
    assert actie.status == "gepland"

    response = client.post(url, edit_form(actie, titel="Alleen de titel"))
    assert response.status_code == 302
    actie.refresh_from_db()
    row = actie.history.first()
    assert row.history_change_reason == "Gegevens bijgewerkt: Titel"


def test_create_action_confirms_and_records_history(client, beleidsmedewerker, world):
    client.force_login(beleidsmedewerker)
    response = client.post(
        reverse("acties:actie-create"),
        {
            "actielijn": world["actielijn"].pk,
            "code": "3.2",
            "titel": "Meldpunt voor signalen",
            "status": "gepland",
            "voortgang": "0",
            "partners": [world["organisatie"].pk],
            "uitbuiting": ["arbeid"],
            "gepland_start": "2026-01-01",
            "gepland_eind": "2026-12-31",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "De actie is aangemaakt." in response.content.decode()
    actie = Actie.objects.get(code="3.2")
    assert actie.arbeidsuitbuiting and not actie.seksuele_uitbuiting
    assert list(actie.partners.all()) == [world["organisatie"]]
    row = actie.history.get()
    assert (row.history_user, row.history_change_reason) == (
        beleidsmedewerker,
        "Actie aangemaakt",
    )


def test_invalid_create_keeps_input_and_explains_in_dutch(
    client, beleidsmedewerker, world
):
    client.force_login(beleidsmedewerker)
    response = client.post(
        reverse("acties:actie-create"),
        {
            "actielijn": world["actielijn"].pk,
            "code": "3.1",  # taken
            "titel": "Mijn zorgvuldig getypte titel",
            "status": "gepland",
            "voortgang": "130",
            "gepland_start": "2026-06-01",
            "gepland_eind": "2026-01-01",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Mijn zorgvuldig getypte titel" in html
    assert "Zorg ervoor dat deze waarde hoogstens 100 is." in html
    assert "Het geplande einde mag niet vóór de geplande start liggen." in html

    response = client.post(
        reverse("acties:actie-create"),
        {
            "actielijn": world["actielijn"].pk,
            "code": "3.1",
            "titel": "Mijn zorgvuldig getypte titel",
            "status": "gepland",
            "voortgang": "30",
        },
    )
    html = response.content.decode()
    assert "Dit programma heeft al een actie met deze code." in html
    assert "Mijn zorgvuldig getypte titel" in html
    assert Actie.objects.count() == 1


def test_settle_workflow_through_the_pages(client, beleidsmedewerker, griffie, world):
    opdracht = world["raadsopdracht"]
    client.force_login(beleidsmedewerker)
    response = client.post(
        reverse("acties:raadsopdracht-propose", args=[opdracht.pk]),
        {"afdoening_toelichting": "Uitgevoerd met actie 3.1."},
        follow=True,
    )
    assert "De afdoening is voorgesteld" in response.content.decode()
    client.force_login(griffie)
    url = reverse("acties:raadsopdracht-settle", args=[opdracht.pk])
    response = client.post(url, {"afgedaan_op": "2026-11-01"})
    assert response.status_code == 200  # the document is required
    assert "afdoeningsdocument" in response.context["form"].errors
    response = client.post(
        url,
        {
            "afgedaan_op": "2026-11-01",
            "afdoeningsdocument": "RIS999999",
            # Its action is not finished: the griffie says why it is settled.
            "reden": "De raad nam genoegen met de brief",
        },
    )
    assert response.status_code == 302
    opdracht.refresh_from_db()
    assert (opdracht.status, opdracht.afdoeningsdocument) == ("afgedaan", "RIS999999")
    # Settled: the steps are no longer offered and a direct post changes nothing.
    response = client.post(
        url, {"afgedaan_op": "2027-01-01", "afdoeningsdocument": "X"}, follow=True
    )
    assert "al afgedaan" in response.content.decode()
    opdracht.refresh_from_db()
    assert str(opdracht.afgedaan_op) == "2026-11-01"


def test_link_and_unlink_from_the_pages_with_reasons(client, beleidsmedewerker, world):
    actie = ActieFactory(actielijn=world["actielijn"], code="3.5")
    opdracht = world["raadsopdracht"]
    client.force_login(beleidsmedewerker)
    response = client.post(
        reverse("acties:actie-koppelen", args=[actie.pk]),
        {"raadsopdracht": opdracht.pk, "toelichting": "Voert de motie uit."},
    )
    assert response.status_code == 302
    koppeling = opdracht.actie_koppelingen.get(actie=actie)
    response = client.post(reverse("acties:koppeling-delete", args=[koppeling.pk]), {})
    assert response.status_code == 200  # a reason is required
    assert opdracht.actie_koppelingen.filter(actie=actie).exists()
    response = client.post(
        reverse("acties:koppeling-delete", args=[koppeling.pk]),
        {"reden": "Verkeerd gekoppeld"},
    )
    assert response.status_code == 302
    assert not opdracht.actie_koppelingen.filter(actie=actie).exists()
    history = client.get(reverse("acties:actie-detail", args=[actie.pk]))
    html = history.content.decode()
    assert "Raadsopdracht: H.4" in html
    assert "Verkeerd gekoppeld" in html


def test_action_history_shows_labels_and_display_values(client, coordinator, world):
    actie = world["actie"]
    client.force_login(coordinator)
    client.post(
        reverse("acties:actie-update", args=[actie.pk]),
        edit_form(
            actie,
            status="vertraagd",
            voortgang=20,
            trekker="",
            reden="Capaciteitstekort bij de politie",
        ),
    )
    html = client.get(reverse("acties:actie-detail", args=[actie.pk])).content.decode()
    assert "Capaciteitstekort bij de politie" in html
    assert "vertraagd" in html and "gepland" in html
    assert "Politie eenheid Den Haag" in html  # the old owner by name, not id
    assert "Voortgang (%)" in html


def read_csv(response):
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def test_csv_export_has_exactly_the_filtered_rows(client, griffie, world):
    lijn = world["actielijn"]
    for i in range(4):
        ActieFactory(actielijn=lijn, code=f"3.{10 + i}", status="lopend")
    ActieFactory(actielijn=lijn, code="3.20", status="afgerond")
    client.force_login(griffie)
    list_html = client.get(reverse("acties:actie-list"), {"status": "lopend"})
    assert list_html.context["paginator"].count == 4
    rows = read_csv(client.get(reverse("acties:actie-export"), {"status": "lopend"}))
    assert rows[0][:4] == ["programma", "code", "actielijn", "titel"]
    assert sorted(row[1] for row in rows[1:]) == ["3.10", "3.11", "3.12", "3.13"]
    all_rows = read_csv(client.get(reverse("acties:actie-export")))
    assert len(all_rows) - 1 == Actie.objects.count() == 6


def test_csv_export_neutralises_formulas(client, griffie, world):
    ActieFactory(
        actielijn=world["actielijn"],
        code="3.7",
        titel='=HYPERLINK("http://example.com","klik")',
        omschrijving="+31 70 1234567",
    )
    OrganisatieFactory(naam="@partner")
    client.force_login(griffie)
    rows = read_csv(client.get(reverse("acties:actie-export"), {"q": "HYPERLINK"}))
    cells = dict(zip(rows[0], rows[1], strict=True))
    assert cells["titel"] == '\'=HYPERLINK("http://example.com","klik")'
    assert cells["omschrijving"] == "'+31 70 1234567"
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell


def test_filters_are_kept_in_the_url_and_htmx_gets_only_results(client, griffie, world):
    client.force_login(griffie)
    url = reverse("acties:actie-list")
    params = {"actielijn": world["actielijn"].pk, "status": "gepland", "q": "3.1"}
    full = client.get(url, params)
    assert full.status_code == 200
    assert "<html" in full.content.decode()
    assert "status=gepland" in full.context["query"]
    partial = client.get(url, params, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert world["actie"].titel in partial.content.decode()


def test_bad_filter_values_never_give_500(client, griffie, world):
    client.force_login(griffie)
    for params in [
        {"actielijn": "abc"},
        {"status": "bestaat-niet"},
        {"page": "9999"},
        {"page": "x"},
        {"sortering": "wachtwoord"},
        {"te_laat": "misschien"},
        {"q": "\x00"},
    ]:
        response = client.get(reverse("acties:actie-list"), params)
        assert response.status_code in (200, 404), params
        response = client.get(reverse("acties:raadsopdracht-list"), params)
        assert response.status_code in (200, 404), params


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "name",
    [
        "acties:actie-list",
        "acties:actie-detail",
        "home",
        "programma-detail",
        "acties:raadsopdracht-list",
        "acties:raadsopdracht-detail",
        "peildatum",
        "vergelijk",
    ],
)
def test_query_count_does_not_grow_with_actions(client, coordinator, world, name):
    client.force_login(coordinator)
    url = url_for(name, world) + PINNED_QUERY.get(name, "")
    world["actie"].partner_koppelingen.create(organisatie=world["organisatie"])
    small = count_queries(client, url)
    lijn = world["actielijn"]
    for i in range(49):
        actie = ActieFactory(
            actielijn=lijn, code=f"3.{100 + i}", trekker=world["organisatie"]
        )
        actie.partner_koppelingen.create(organisatie=world["organisatie"])
    assert Actie.objects.count() == 50
    assert count_queries(client, url) == small == PINNED[name]


# Queries per page, session, user and permission lookups included. A change
# here is a design decision: make it on purpose. Each count includes the
# SAVEPOINT and RELEASE of the request's transaction (ATOMIC_REQUESTS inside the
# test's own transaction); outside tests those are BEGIN and COMMIT, which are
# not counted as queries.
PINNED = {
    # With the generation of the filter form's cache (basis.templatetags.fragments).
    "acties:actie-list": 17,
    # The documents and their history, the remarks and their replies.
    "acties:actie-detail": 25,
    # With the generation of the dashboard's cache, on a first visit.
    "home": 24,
    "programma-detail": 12,
    # The meetings of the filter; the commitments that are part of a mandate;
    # the generation of the filter form's cache.
    "acties:raadsopdracht-list": 12,
    # Its documents and their history, its remarks (their replies are one more
    # query when there are any).
    "acties:raadsopdracht-detail": 16,
    "peildatum": 20,
    "vergelijk": 36,
}
PINNED_QUERY = {
    "peildatum": "?datum=2030-01-01",
    "vergelijk": "?van=2020-01-01&tot=2030-01-01",
}


def test_mandate_list_filters_by_programme_through_linked_actions(
    client, griffie, world
):
    los = RaadsopdrachtFactory(soort="toezegging", nummer="T.1", titel="Los")
    client.force_login(griffie)
    response = client.get(
        reverse("acties:raadsopdracht-list"), {"programma": world["programma"].pk}
    )
    shown = list(response.context["object_list"])
    assert world["raadsopdracht"] in shown  # linked through action 3.1
    assert los not in shown


def test_every_page_of_the_demo_programme_renders_for_every_role(client, request):
    from django.core.management import call_command

    call_command("load_programme", "--demo", stdout=io.StringIO())
    pages = [
        reverse(name)
        for name, (record, may_get, *_rest) in ROUTES.items()
        if record is None and may_get == ALL and not name.endswith("export")
    ]
    pages += [a.get_absolute_url() for a in Actie.objects.all()]
    pages += [r.get_absolute_url() for r in Raadsopdracht.objects.all()]
    pages += [reverse("programma-detail", args=[Actie.objects.first().programma_id])]
    assert len(pages) > 25
    for role in sorted(ALL):
        client.force_login(request.getfixturevalue(role))
        for page in pages:
            assert client.get(page).status_code == 200, (role, page)


def test_change_log_queries_are_bounded_by_kinds_not_rows(client, coordinator, world):
    """A page of the log costs at most one query per kind of record on it."""
    from actieprogramma.selectors import KINDS

    client.force_login(coordinator)
    for i in range(60):
        actie = ActieFactory(actielijn=world["actielijn"], code=f"3.{100 + i}")
        actie.partner_koppelingen.create(organisatie=world["organisatie"])
    queries = count_queries(client, reverse("historie"))
    # Session, user, permissions, form choices, count, page: 8; then per kind
    # on the page its rows, and per related model one name lookup.
    assert queries <= 8 + len(KINDS) + 8
