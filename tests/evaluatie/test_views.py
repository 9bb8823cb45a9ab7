import datetime

import pytest
from django.urls import reverse

from evaluatie.models import Bevinding, Tussenevaluatie
from tests.factories import ActielijnFactory, PijlerFactory
from tests.forms import form_data

pytestmark = pytest.mark.django_db


def test_officer_drafts_an_evaluation_with_findings_and_previews_it(
    client, beleidsmedewerker
):
    lijn = ActielijnFactory(naam="Preventie")
    pijler = PijlerFactory(programma=lijn.programma, naam="Voorkómen")
    client.force_login(beleidsmedewerker)
    response = client.post(
        reverse("evaluatie:create"),
        {
            "programma": lijn.programma_id,
            "titel": "Tussenevaluatie 2026",
            "peildatum": "2026-12-31",
        },
        follow=True,
    )
    assert "De tussenevaluatie is aangemaakt als concept." in response.content.decode()
    evaluatie = Tussenevaluatie.objects.get()
    url = reverse("evaluatie:update", args=[evaluatie.pk])
    response = client.post(
        url,
        {
            "basis": form_data(client.get(url).content.decode())["basis"],
            "titel": "Tussenevaluatie 2026",
            "peildatum": "2026-12-31",
            "samenvatting": "Op koers, met vertraging bij twee acties.",
            f"pijler_{pijler.pk}": "De voorlichting bereikt meer scholen.",
            f"actielijn_{lijn.pk}": "Preventie loopt volgens plan.",
            "reden": "Eerste versie van de tekst",
        },
    )
    assert response.status_code == 302
    bevindingen = {b.tekst for b in Bevinding.objects.filter(tussenevaluatie=evaluatie)}
    assert bevindingen == {
        "De voorlichting bereikt meer scholen.",
        "Preventie loopt volgens plan.",
    }
    row = Bevinding.history.filter(pijler_id=pijler.pk).get()
    assert (row.history_user, row.history_change_reason) == (
        beleidsmedewerker,
        "Eerste versie van de tekst",
    )
    html = client.get(reverse("evaluatie:preview", args=[evaluatie.pk])).content
    html = html.decode()
    assert "Op koers, met vertraging bij twee acties." in html
    assert "De voorlichting bereikt meer scholen." in html
    assert "CONCEPT" in html


def test_a_peildatum_before_the_basisdatum_is_refused_in_dutch(
    client, beleidsmedewerker
):
    lijn = ActielijnFactory()
    client.force_login(beleidsmedewerker)
    response = client.post(
        reverse("evaluatie:create"),
        {
            "programma": lijn.programma_id,
            "titel": "Te vroeg",
            "peildatum": "2025-01-01",
            "basisdatum": "2025-06-01",
        },
    )
    assert response.status_code == 200
    assert "De peildatum mag niet vóór de basisdatum liggen." in (
        response.content.decode()
    )
    assert not Tussenevaluatie.objects.exists()


def test_a_bug_in_building_the_report_is_not_shown_as_a_missing_programme(
    client, beleidsmedewerker, monkeypatch
):
    """Only the named error means 'the programme did not exist yet'; any other
    exception is a bug and must not reach the person as that message."""
    from evaluatie import views
    from tests.factories import TussenevaluatieFactory

    evaluatie = TussenevaluatieFactory()

    def broken(*args, **kwargs):
        raise ValueError("a bug, not the peildatum")

    monkeypatch.setattr(views, "build_report", broken)
    client.force_login(beleidsmedewerker)
    with pytest.raises(ValueError, match="a bug"):
        client.get(reverse("evaluatie:preview", args=[evaluatie.pk]))


def test_a_peildatum_before_the_programme_existed_is_said_in_dutch(
    client, beleidsmedewerker
):
    from tests.factories import TussenevaluatieFactory

    evaluatie = TussenevaluatieFactory(peildatum=datetime.date(2001, 1, 1))
    client.force_login(beleidsmedewerker)
    response = client.get(
        reverse("evaluatie:preview", args=[evaluatie.pk]), follow=True
    )
    assert "Op de peildatum bestond het programma nog niet." in (
        response.content.decode()
    )
