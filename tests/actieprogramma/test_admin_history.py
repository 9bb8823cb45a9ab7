"""The admin's history pages show history; they never write.

django-simple-history's page for one historical version saves whatever form is
posted to it, checking only the right to view (hiding the revert button does
not stop a POST). These tests post to that page for every admin with history
and every role, and check that nothing in the database changed; and they try
the admin's other ways into a final (definitief) evaluation.
"""

import datetime
import hashlib

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db import connection, models
from django.db.models.fields.files import FieldFile
from django.forms.models import model_to_dict
from django.test import Client, RequestFactory
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from beveiliging import services as beveiliging_services
from beveiliging.constants import Rol
from evaluatie.admin import TussenevaluatieAdmin
from evaluatie.constants import EvaluatieStatus
from evaluatie.models import Bevinding, Tussenevaluatie
from historie.records import save_with_history, system_user
from tests.factories import PASSWORD, TussenevaluatieFactory, UserFactory

pytestmark = pytest.mark.django_db

HISTORY_ADMINS = sorted(
    (
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, SimpleHistoryAdmin)
    ),
    key=lambda pair: pair[0]._meta.label,
)

# Who may be signed in, and whether the admin lets them in at all.
ROLES = {
    "anoniem": None,
    "beleidsmedewerker": {"role": Rol.BELEIDSMEDEWERKER},
    "griffie": {"role": Rol.GRIFFIE},
    "beleidsmedewerker-staf": {"role": Rol.BELEIDSMEDEWERKER, "is_staff": True},
    "griffie-staf": {"role": Rol.GRIFFIE, "is_staff": True},
    "coordinator": {"role": Rol.COORDINATOR, "is_staff": True},
    "superuser": {"is_staff": True, "is_superuser": True},
}


def make_user(spec):
    if spec is None:
        return None
    return UserFactory(**spec)


def database_fingerprint() -> dict[str, tuple[int, str]]:
    """Row count and a hash of all rows, per table, of every table there is.

    Read from the database's own list of tables, so history tables, link
    tables, the admin's log and django-axes's tables are all in it. Sessions
    are left out: signing in and every request touch them.
    """
    quote = connection.ops.quote_name
    fingerprint = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table == Session._meta.db_table:
                continue
            cursor.execute(f"SELECT * FROM {quote(table)}")
            rows = sorted(
                repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row))
                for row in cursor.fetchall()
            )
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            fingerprint[table] = (len(rows), digest)
    return fingerprint


def changed_form(instance: models.Model) -> dict:
    """The historical version's own values, each text and date changed a little.

    A form that the admin would accept: an attacker posts exactly this.
    """
    data = {}
    for name, value in model_to_dict(instance).items():
        field = instance._meta.get_field(name)
        if isinstance(value, FieldFile) or value is None:
            data[name] = ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif field.choices:
            data[name] = value
        elif isinstance(field, models.TextField):
            data[name] = f"{value} Achteraf herschreven."
        elif isinstance(field, models.CharField):
            data[name] = f"{value}2"
        elif isinstance(value, datetime.datetime):
            data[name] = value.isoformat()
        elif isinstance(value, datetime.date):
            data[name] = (value + datetime.timedelta(days=1)).isoformat()
        elif isinstance(value, list):
            data[name] = [getattr(item, "pk", item) for item in value]
        else:
            data[name] = value
    data.update(
        wijzigingsreden="Teruggezet naar een eerdere versie",
        _save="Opslaan",
        _change_history="1",
    )
    return data


@pytest.fixture
def every_record(world):
    """The world, plus a final evaluation with findings and a role policy."""
    definitief = TussenevaluatieFactory(
        programma=world["programma"],
        titel="Tussenevaluatie 2026",
        # Not the concept's peildatum: one final evaluation per peildatum.
        peildatum=datetime.date(2026, 9, 30),
        samenvatting="Vastgesteld.",
    )
    save_with_history(
        Bevinding(tussenevaluatie=definitief, pijler=world["pijler"], tekst="Goed."),
        user=system_user(),
        reason="Testgegevens",
    )
    definitief.status = EvaluatieStatus.DEFINITIEF
    definitief.definitief_op = datetime.datetime(2027, 1, 5, tzinfo=datetime.UTC)
    definitief.definitief_door = system_user()
    definitief.pdf_sha256 = "a" * 64
    save_with_history(definitief, user=system_user(), reason="Definitief gemaakt")
    # Required and then released again: a row with history, and nobody is
    # asked for a second factor in these tests.
    for verplicht in (["griffie"], []):
        beveiliging_services.rolbeleid_update(
            verplicht_voor=Group.objects.filter(name__in=verplicht),
            user=system_user(),
            reason="Testgegevens",
        )
    return world


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("model", "model_admin"),
    HISTORY_ADMINS,
    ids=[model._meta.label for model, _admin in HISTORY_ADMINS],
)
def test_posting_to_a_history_page_changes_nothing(
    every_record, model, model_admin, role
):
    user = make_user(ROLES[role])
    client = Client()
    if user is not None:
        client.force_login(user)
    signed_into_admin = user is not None and user.is_staff
    records = list(model._default_manager.all())
    assert records, f"no {model._meta.label} to try: add one to every_record"
    opts = model._meta
    for record in records:
        versions = list(record.history.all())
        assert versions, f"{record!r} has no history row"
        for version in versions:
            url = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_simple_history",
                args=[record.pk, version.history_id],
            )
            if signed_into_admin:
                # Reading the historical version stays possible.
                assert client.get(url).status_code in {200, 403}, url
            before = database_fingerprint()
            response = client.post(url, changed_form(version.instance))
            if signed_into_admin:
                assert response.status_code == 405, (url, response.status_code)
                assert response["Allow"] == "GET, HEAD"
            else:
                assert response.status_code == 302, (url, response.status_code)
                assert response["Location"].startswith(reverse("admin:login"))
            assert database_fingerprint() == before, url


def test_the_table_covers_every_admin_with_history():
    labels = {model._meta.label for model, _admin in HISTORY_ADMINS}
    assert {
        "evaluatie.Tussenevaluatie",
        "acties.RaadsopdrachtActie",
        "beveiliging.Rolbeleid",
        "pijlers.Programma",
    } <= labels


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_write_methods_are_refused_too(every_record, method):
    superuser = get_user_model().objects.create_superuser("beheer", password=PASSWORD)
    client = Client()
    client.force_login(superuser)
    evaluatie = Tussenevaluatie.objects.get(status=EvaluatieStatus.DEFINITIEF)
    version = evaluatie.history.earliest("history_id")
    url = reverse(
        "admin:evaluatie_tussenevaluatie_simple_history",
        args=[evaluatie.pk, version.history_id],
    )
    before = database_fingerprint()
    response = getattr(client, method)(url, changed_form(version.instance))
    assert response.status_code == 405
    assert database_fingerprint() == before


def test_a_historical_version_is_shown_read_only(every_record, coordinator):
    koppeling = every_record["koppeling"]
    version = koppeling.history.get()
    client = Client()
    client.force_login(coordinator)
    url = reverse(
        "admin:acties_raadsopdrachtactie_simple_history",
        args=[koppeling.pk, version.history_id],
    )
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert koppeling.toelichting in html
    assert 'name="_save"' not in html
    assert 'name="wijzigingsreden"' not in html
    form = response.context["adminform"].form
    assert form.fields and all(field.disabled for field in form.fields.values())


# --- the admin's other ways into a final evaluation ----------------------------------


@pytest.fixture
def final_evaluation(every_record):
    return Tussenevaluatie.objects.get(status=EvaluatieStatus.DEFINITIEF)


@pytest.fixture
def superuser_client(db):
    user = get_user_model().objects.create_superuser("beheer", password=PASSWORD)
    client = Client()
    client.force_login(user)
    return client


def admin_form_version(record) -> str:
    """The version token the record's admin change page carries now."""
    model_admin = admin.site._registry[type(record)]
    request = RequestFactory().get("/")
    request.user = get_user_model()(is_superuser=True, is_staff=True, is_active=True)
    form_class = model_admin.get_form(request, record, change=True)
    return form_class(instance=type(record).objects.get(pk=record.pk)).snapshot()


def evaluation_form(evaluatie: Tussenevaluatie) -> dict:
    """The change form of an evaluation with its findings inline, all changed."""
    bevindingen = list(evaluatie.bevindingen.order_by("pk"))
    data = {
        "programma": evaluatie.programma_id,
        "titel": "Herschreven",
        "peildatum": "2026-06-30",
        "basisdatum": "",
        "samenvatting": "Achteraf herschreven.",
        "conclusies": "",
        "aanbevelingen": "",
        "wijzigingsreden": "Poging",
        "basis": admin_form_version(evaluatie),
        "bevindingen-TOTAL_FORMS": str(len(bevindingen) + 1),
        "bevindingen-INITIAL_FORMS": str(len(bevindingen)),
        "bevindingen-MIN_NUM_FORMS": "0",
        "bevindingen-MAX_NUM_FORMS": "1000",
        "_save": "Opslaan",
    }
    for index, bevinding in enumerate(bevindingen):
        data.update(
            {
                f"bevindingen-{index}-id": bevinding.pk,
                f"bevindingen-{index}-tussenevaluatie": evaluatie.pk,
                f"bevindingen-{index}-pijler": bevinding.pijler_id or "",
                f"bevindingen-{index}-actielijn": bevinding.actielijn_id or "",
                f"bevindingen-{index}-tekst": "Achteraf herschreven.",
            }
        )
    new = len(bevindingen)
    actielijn = evaluatie.programma.actielijnen.first()
    data.update(
        {
            f"bevindingen-{new}-tussenevaluatie": evaluatie.pk,
            f"bevindingen-{new}-actielijn": actielijn.pk,
            f"bevindingen-{new}-tekst": "Nieuwe bevinding.",
        }
    )
    return data


@pytest.mark.parametrize("role", ["coordinator", "superuser"])
def test_final_evaluation_cannot_change_through_its_change_page_or_inlines(
    final_evaluation, role
):
    user = make_user(ROLES[role])
    client = Client()
    client.force_login(user)
    url = reverse("admin:evaluatie_tussenevaluatie_change", args=[final_evaluation.pk])
    before = database_fingerprint()
    response = client.post(url, evaluation_form(final_evaluation))
    assert response.status_code == 403
    assert database_fingerprint() == before


def test_concept_evaluation_still_changes_through_its_change_page(
    every_record, coordinator
):
    # The same form on a concept evaluation is saved: the 403 above is the
    # freeze, not a broken form.
    concept = every_record["evaluatie"]
    client = Client()
    client.force_login(coordinator)
    url = reverse("admin:evaluatie_tussenevaluatie_change", args=[concept.pk])
    response = client.post(url, evaluation_form(concept))
    assert response.status_code == 302, response.context["errors"]
    concept.refresh_from_db()
    assert concept.samenvatting == "Achteraf herschreven."
    assert concept.bevindingen.get().tekst == "Nieuwe bevinding."


def test_evaluation_finalised_while_its_change_page_is_posted_is_not_changed(
    every_record, coordinator, monkeypatch
):
    # The admin read the evaluation as a concept an instant before another
    # request made it final: the save must still refuse, and must not turn
    # the final evaluation back into a concept.
    evaluatie = every_record["evaluatie"]
    stale = Tussenevaluatie.objects.get(pk=evaluatie.pk)
    posted = evaluation_form(stale)  # the page as it was opened, a concept
    evaluatie.status = EvaluatieStatus.DEFINITIEF
    evaluatie.definitief_op = datetime.datetime(2027, 1, 5, tzinfo=datetime.UTC)
    evaluatie.pdf_sha256 = "b" * 64
    save_with_history(evaluatie, user=system_user(), reason="Definitief gemaakt")
    monkeypatch.setattr(
        TussenevaluatieAdmin, "get_object", lambda *args, **kwargs: stale
    )
    client = Client()
    client.force_login(coordinator)
    url = reverse("admin:evaluatie_tussenevaluatie_change", args=[evaluatie.pk])
    before = database_fingerprint()
    response = client.post(url, posted)
    assert response.status_code == 403
    assert database_fingerprint() == before
    evaluatie.refresh_from_db()
    assert (evaluatie.status, evaluatie.samenvatting) == (
        EvaluatieStatus.DEFINITIEF,
        "",
    )


def test_evaluation_added_in_the_admin_is_a_concept_with_history(
    every_record, coordinator
):
    client = Client()
    client.force_login(coordinator)
    form = evaluation_form(every_record["evaluatie"])
    form.update(
        {
            "titel": "Nieuwe evaluatie",
            "bevindingen-TOTAL_FORMS": "0",
            "bevindingen-INITIAL_FORMS": "0",
        }
    )
    response = client.post(reverse("admin:evaluatie_tussenevaluatie_add"), form)
    assert response.status_code == 302
    nieuw = Tussenevaluatie.objects.get(titel="Nieuwe evaluatie")
    assert nieuw.status == EvaluatieStatus.CONCEPT
    row = nieuw.history.get()
    assert (row.history_type, row.history_user, row.history_change_reason) == (
        "+",
        coordinator,
        "Poging",
    )


def test_final_evaluation_cannot_be_deleted_in_the_admin(
    final_evaluation, superuser_client
):
    url = reverse("admin:evaluatie_tussenevaluatie_delete", args=[final_evaluation.pk])
    before = database_fingerprint()
    assert superuser_client.post(url, {"post": "yes"}).status_code == 403
    assert database_fingerprint() == before


def test_final_evaluation_cannot_be_deleted_by_a_bulk_action(
    final_evaluation, superuser_client
):
    url = reverse("admin:evaluatie_tussenevaluatie_changelist")
    before = database_fingerprint()
    response = superuser_client.post(
        url,
        {
            "action": "delete_selected",
            "select_across": "0",
            "index": "0",
            admin.helpers.ACTION_CHECKBOX_NAME: [
                str(pk) for pk in Tussenevaluatie.objects.values_list("pk", flat=True)
            ],
            "post": "yes",
        },
    )
    assert response.status_code == 403
    assert database_fingerprint() == before


def test_coordinator_cannot_delete_a_final_evaluation_in_the_admin(
    final_evaluation, coordinator
):
    # Coordinators have no delete right on evaluations at all: the delete page
    # refuses, and the bulk action is not offered (the list is shown again).
    client = Client()
    client.force_login(coordinator)
    before = database_fingerprint()
    delete_url = reverse(
        "admin:evaluatie_tussenevaluatie_delete", args=[final_evaluation.pk]
    )
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    response = client.post(
        reverse("admin:evaluatie_tussenevaluatie_changelist"),
        {
            "action": "delete_selected",
            admin.helpers.ACTION_CHECKBOX_NAME: [str(final_evaluation.pk)],
            "post": "yes",
        },
    )
    assert response.status_code == 200
    assert response.context["action_form"] is None  # no bulk action offered
    assert database_fingerprint() == before


def test_coordinator_cannot_change_a_link_through_the_mandate_inline(
    every_record, coordinator
):
    # Coordinators add and remove mandate–action links but never change one;
    # the inline shows existing links read-only and ignores posted changes.
    opdracht = every_record["raadsopdracht"]
    koppeling = every_record["koppeling"]
    client = Client()
    client.force_login(coordinator)
    url = reverse("admin:acties_raadsopdracht_change", args=[opdracht.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields
    }
    data.update(
        {
            "wijzigingsreden": "Poging",
            "raadsopdrachtactie_set-TOTAL_FORMS": "1",
            "raadsopdrachtactie_set-INITIAL_FORMS": "1",
            "raadsopdrachtactie_set-MIN_NUM_FORMS": "0",
            "raadsopdrachtactie_set-MAX_NUM_FORMS": "1000",
            "raadsopdrachtactie_set-0-id": koppeling.pk,
            "raadsopdrachtactie_set-0-raadsopdracht": opdracht.pk,
            "raadsopdrachtactie_set-0-actie": koppeling.actie_id,
            "raadsopdrachtactie_set-0-toelichting": "Achteraf herschreven.",
            "_save": "Opslaan",
        }
    )
    client.post(url, data)
    koppeling.refresh_from_db()
    assert koppeling.toelichting == "Deze actie voert de opdracht uit."
    assert koppeling.history.count() == 1
