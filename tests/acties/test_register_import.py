"""The griffie brings an existing register in: a council information system's
overview of motions and commitments, previewed, imported, and imported again
without change."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from acties.models import Raadsopdracht, RaadsopdrachtActie
from pijlers.models import Programma

pytestmark = pytest.mark.django_db

# As an iBabs overview exports it: Dutch headers, semicolons, d-m-yyyy dates.
HEADER = (
    "Nummer;Soort;Titel;Tekst;Indieners;Fractie;Datum vergadering;RIS-nummer;"
    "Status;Afgedaan op;Afdoeningsdocument;Termijn;Onderdeel van;Acties"
)


def register_csv(rows: int = 50) -> bytes:
    lines = [HEADER]
    for n in range(1, rows + 1):
        if n % 10 == 0:  # a commitment made in the debate on the motion before it
            lines.append(
                f"T.{n};Toezegging;Toezegging {n};De wethouder zegt toe te "
                f"rapporteren.;;;{n % 28 + 1}-2-2026;RIS4{n:05d};In behandeling;;;"
                f"31-12-2026;M.{n - 1};"
            )
        elif n % 7 == 0:  # settled by a letter
            lines.append(
                f"M.{n};Motie;Motie {n} over opvang;Verzoekt het college {n};"
                f"Jansen, De Vries;GroenLinks;{n % 28 + 1}-3-2025;RIS4{n:05d};"
                f"Afgehandeld;1-10-2025;BOW/2025.{n};;;4.1"
            )
        else:
            lines.append(
                f'M.{n};Motie;Motie {n} over voorlichting;"Verzoekt het college; '
                f'met nadruk {n}";Grinwis;ChristenUnie;4-4-2019;RIS4{n:05d};'
                f"Lopend;;;;;5.1"
            )
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


@pytest.fixture
def programma(db):
    call_command("load_programme", stdout=io.StringIO())
    return Programma.objects.get()


def upload(client, programma, content: bytes, name="register.csv"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(
        reverse("acties:import"),
        {
            "soort": "raadsopdrachten",
            "programma": programma.pk,
            "bestand": file,
            "reden": "Register uit iBabs overgenomen",
        },
    )


def confirm(client, preview):
    return client.post(
        reverse("acties:import"), {"controle": preview.context["plan"].fingerprint}
    )


def test_a_register_export_previews_imports_and_imports_again_unchanged(
    client, griffie, programma
):
    before = Raadsopdracht.objects.count()
    client.force_login(griffie)
    assert (
        "raadsopdrachten"
        in client.get(
            reverse("acties:import") + "?soort=raadsopdrachten"
        ).content.decode()
    )

    preview = upload(client, programma, register_csv())
    assert preview.status_code == 200
    plan = preview.context["plan"]
    assert plan.valid, plan.errors
    assert plan.count("nieuw") == 50
    assert Raadsopdracht.objects.count() == before  # nothing written on a preview

    response = confirm(client, preview)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("acties:raadsopdracht-list"))
    assert Raadsopdracht.objects.count() == before + 50

    motie = Raadsopdracht.objects.get(nummer="M.1")
    assert (motie.soort, motie.status, motie.indieners, motie.fractie) == (
        "motie",
        "in_uitvoering",
        "Grinwis",
        "ChristenUnie",
    )
    assert motie.datum_aangenomen == datetime.date(2019, 4, 4)
    assert motie.tekst == "Verzoekt het college; met nadruk 1"
    assert motie.programma == programma
    assert [a.code for a in motie.acties.all()] == ["5.1"]
    row = motie.history.earliest("history_date")
    assert (row.history_user, row.history_change_reason) == (
        griffie,
        "Register uit iBabs overgenomen",
    )
    afgedaan = Raadsopdracht.objects.get(nummer="M.7")
    assert (afgedaan.status, afgedaan.afgedaan_op, afgedaan.afdoeningsdocument) == (
        "afgedaan",
        datetime.date(2025, 10, 1),
        "BOW/2025.7",
    )
    toezegging = Raadsopdracht.objects.get(nummer="T.10")
    assert toezegging.hoofdopdracht.nummer == "M.9"
    assert toezegging.deadline == datetime.date(2026, 12, 31)
    assert toezegging.soort == "toezegging"

    # The same file again: nothing to do, nothing written.
    counts = (Raadsopdracht.objects.count(), Raadsopdracht.history.count())
    links = RaadsopdrachtActie.objects.count()
    again = upload(client, programma, register_csv())
    assert again.context["plan"].count("ongewijzigd") == 50
    assert again.context["plan"].count("nieuw") == 0
    confirm(client, again)
    assert (Raadsopdracht.objects.count(), Raadsopdracht.history.count()) == counts
    assert RaadsopdrachtActie.objects.count() == links


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_written(
    client, griffie, programma
):
    content = (
        HEADER + "\r\n"
        "M.1;Motie;Goed;;;;4-4-2019;RIS1;Lopend;;;;;\r\n"
        "M.2;Petitie;Onbekende soort;;;;4-4-2019;RIS2;Lopend;;;;;\r\n"
        "M.3;Motie;Verkeerde datum;;;;31-2-2019;RIS3;Lopend;;;;;\r\n"
        "M.4;Motie;Onbekende actie;;;;4-4-2019;RIS4;Lopend;;;;;9.9\r\n"
        "M.5;Motie;Afgedaan zonder brief;;;;4-4-2019;RIS5;Afgehandeld;1-5-2019;;;;\r\n"
        "M.1;Motie;Dubbel;;;;4-4-2019;RIS1;Lopend;;;;;\r\n"
    ).encode()
    before = Raadsopdracht.objects.count()
    client.force_login(griffie)
    preview = upload(client, programma, content)
    errors = {(row, column) for row, column, _m in preview.context["plan"].errors}
    assert (3, "soort") in errors
    assert (4, "datum vergadering") in errors
    assert (5, "acties") in errors
    assert (6, "afdoeningsdocument") in errors
    assert (7, "nummer") in errors
    assert (2, "nummer") not in {(r, c) for r, c in errors if r == 2}
    html = preview.content.decode()
    assert "Dit programma heeft geen actie 9.9." in html
    response = confirm(client, preview)
    assert response.status_code == 400
    assert Raadsopdracht.objects.count() == before


def test_only_those_who_keep_the_register_import_it(
    client, beleidsmedewerker, griffie, programma
):
    client.force_login(beleidsmedewerker)
    response = upload(client, programma, register_csv(3))
    assert response.status_code == 200
    assert "soort" in response.context["form"].errors  # not a choice for officers
    template = reverse("acties:import-template", args=["raadsopdrachten", "csv"])
    assert client.get(template).status_code == 403
    client.force_login(griffie)
    body = client.get(template).content.decode("utf-8-sig")
    assert body.startswith("nummer;titel;soort;tekst;indiener(s);fractie;")
    # And the griffie does not import actions.
    actions = reverse("acties:import-template", args=["acties", "csv"])
    assert client.get(actions).status_code == 403
