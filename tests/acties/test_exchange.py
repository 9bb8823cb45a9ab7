"""Every file that carries actions takes its fields from one description."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from acties import exchange, services
from acties.exchange import ACTIE_VELDEN, LIST_SEPARATOR, Soort
from acties.models import Actie
from acties.opendata import export_programme
from evaluatie.report import build_report
from evaluatie.selectors import acties_csv, report_data
from tests.factories import (
    ActieFactory,
    OrganisatieFactory,
    TussenevaluatieFactory,
)

SIMPLE = {Soort.TEKST, Soort.GETAL, Soort.BEDRAG, Soort.DATUM, Soort.STATUS}


def test_each_plain_field_names_a_field_of_the_action():
    """A typo in a new entry fails here, not in a file someone downloads."""
    fields = {f.name for f in Actie._meta.concrete_fields}
    for veld in ACTIE_VELDEN:
        if veld.soort in SIMPLE or veld.soort is Soort.JA_NEE:
            assert veld.attribute in fields, veld.key
    assert len({v.key for v in ACTIE_VELDEN}) == len(ACTIE_VELDEN)


@pytest.fixture
def actie(beleidsmedewerker):
    actie = ActieFactory(code="2.7", titel="Signaleren", voortgang=40)
    return services.actie_update(
        actie=actie,
        versie=None,
        partners=[
            OrganisatieFactory(naam="Leger des Heils, Haaglanden"),
            OrganisatieFactory(naam="GGD Haaglanden"),
        ],
        arbeidsuitbuiting=True,
        budget=Decimal("1250.50"),
        gepland_eind=datetime.date(2027, 6, 30),
        user=beleidsmedewerker,
        reason="Voorbereiding",
    )


def test_the_lists_csv_has_the_described_columns_and_cells(client, griffie, actie):
    client.force_login(griffie)
    response = client.get(reverse("acties:actie-export"))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0] == ["programma", *(v.key for v in ACTIE_VELDEN)]
    row = dict(zip(rows[0], rows[1], strict=True))
    # Several values in one cell: a separator that no name contains.
    assert row["partners"].split(LIST_SEPARATOR) == [
        "GGD Haaglanden",
        "Leger des Heils, Haaglanden",
    ]
    assert row["uitbuiting"] == "arbeidsuitbuiting"
    assert row["budget"] == "1250,50"
    assert row["gepland_eind"] == "2027-06-30"
    # The import reads every column the export writes, or reads past it.
    _label, required, optional, ignored = exchange.IMPORT_KINDS["acties"]
    assert set(rows[0]) == set(required) | set(optional) | (set(ignored) - {"id"})


def test_open_data_holds_the_described_fields_and_keeps_the_budget_inside(actie):
    public = export_programme(actie.programma)["acties"][0]
    internal = export_programme(actie.programma, intern=True)["acties"][0]
    described = [v.key for v in ACTIE_VELDEN if v.in_open_data]
    assert list(internal) == ["id", *described]
    assert list(public) == ["id", *(k for k in described if k != "budget")]
    assert internal["budget"] == "1250.50"
    assert public["partners"] == ["GGD Haaglanden", "Leger des Heils, Haaglanden"]
    assert public["uitbuiting"] == ["arbeid"]


def test_the_evaluations_table_takes_its_columns_from_the_description(
    actie, beleidsmedewerker
):
    evaluatie = TussenevaluatieFactory(
        programma=actie.programma, peildatum=datetime.date.today()
    )
    report = build_report(evaluatie, user=beleidsmedewerker)
    rows = list(csv.reader(io.StringIO(acties_csv(report)), delimiter=";"))
    assert rows[0] == [
        *(str(v.label) for v in exchange.RAPPORT_VELDEN),
        "laatste voortgangsupdate",
    ]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["partners"] == LIST_SEPARATOR.join(
        ["GGD Haaglanden", "Leger des Heils, Haaglanden"]
    )
    assert row["voortgang (%)"] == "40"
    data = report_data(report)["acties"][0]
    assert {v.key for v in exchange.RAPPORT_VELDEN} <= set(data)
    assert data["gepland_eind"] == "2027-06-30"
