"""Documents attached to actions and mandates: the file is what its name says,
stored once by its SHA-256, readable only by those who may read the record,
in the history, and on the public page only when marked public."""

import base64
import hashlib
import io

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.urls import reverse

from acties import services
from acties.constants import DocumentSoort, RaadsopdrachtStatus
from acties.models import Document, Raadsopdracht
from basis.uploads import check_upload
from tests.documents import docx_bytes, odt_bytes, pdf_bytes, upload
from tests.factories import (
    ActieFactory,
    RaadsopdrachtActieFactory,
    RaadsopdrachtFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media) -> list:
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


# --- what a file is ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("brief.pdf", pdf_bytes()),
        ("nota.docx", docx_bytes()),
        ("nota.odt", odt_bytes()),
        ("cijfers.xlsx", tablib.Dataset(["1"], headers=["a"]).export("xlsx")),
        ("BRIEF.PDF", pdf_bytes()),
    ],
)
def test_files_that_are_what_their_name_says_pass(name, content):
    checked = check_upload(upload(name, content), max_bytes=10**6)
    assert checked.name == name
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.kind.extension == name[name.rindex(".") :].lower()


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        # A Word file renamed to .pdf, a PDF renamed to .docx.
        ("brief.pdf", docx_bytes(), "geen PDF-bestand"),
        ("nota.docx", pdf_bytes(), "geen Word-bestand"),
        # A program and a web page under a PDF's name.
        ("brief.pdf", b"MZ\x90\x00" + b"\x00" * 200, "geen PDF-bestand"),
        ("brief.pdf", b"<html><script>alert(1)</script></html>", "geen PDF"),
        # Macros, and names that are not on the list.
        ("nota.docx", docx_bytes(macros=True), "geen Word-bestand"),
        ("nota.docm", docx_bytes(), "Toegestaan: pdf, docx"),
        ("script.exe", b"MZ", "Toegestaan"),
        ("zonder-extensie", pdf_bytes(), "Toegestaan"),
        ("leeg.pdf", b"", "leeg"),
    ],
)
def test_files_that_are_not_what_their_name_says_are_refused(name, content, words):
    with pytest.raises(ValidationError) as refused:
        check_upload(upload(name, content), max_bytes=10**6)
    assert words in " ".join(refused.value.messages)


def test_a_file_over_the_limit_is_refused_with_both_sizes():
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("groot.pdf", pdf_bytes() + b" " * 3000), max_bytes=2048)
    assert "is 3,4\xa0KB; het mag hoogstens 2,0\xa0KB" in refused.value.messages[0]


def test_a_path_in_the_name_is_dropped():
    checked = check_upload(upload("../../etc/brief.pdf", pdf_bytes()), max_bytes=10**6)
    assert checked.name == "brief.pdf"


# --- attaching --------------------------------------------------------------------


def test_a_document_is_stored_by_its_hash_with_a_history_row(beleidsmedewerker, media):
    actie = ActieFactory()
    content = pdf_bytes("Voortgangsrapportage")
    document = services.document_add(
        record=actie,
        upload=upload("Rapportage Q1.pdf", content),
        titel="Rapportage eerste kwartaal",
        soort=DocumentSoort.RAPPORT,
        user=beleidsmedewerker,
        reason="Rapportage van de trekker",
    )
    digest = hashlib.sha256(content).hexdigest()
    assert document.sha256 == digest
    assert document.bestand.name == f"documenten/{digest[:2]}/{digest}.pdf"
    assert (media / document.bestand.name).read_bytes() == content
    assert document.bestandsnaam == "Rapportage Q1.pdf"
    assert document.grootte == len(content)
    row = document.history.get()
    assert row.history_user == beleidsmedewerker
    assert row.history_change_reason.startswith("Rapportage van de trekker")
    assert digest in row.history_change_reason


def test_the_same_file_twice_is_stored_once(beleidsmedewerker, media):
    actie = ActieFactory()
    for titel in ("Eerste", "Tweede"):
        services.document_add(
            record=actie,
            upload=upload("brief.pdf", pdf_bytes()),
            titel=titel,
            user=beleidsmedewerker,
        )
    assert Document.objects.count() == 2
    assert len(stored_files(media)) == 1


def test_a_refused_file_writes_nothing(beleidsmedewerker, media):
    actie = ActieFactory()
    with pytest.raises(ValidationError) as refused:
        services.document_add(
            record=actie,
            upload=upload("brief.pdf", docx_bytes()),
            user=beleidsmedewerker,
        )
    assert "bestand" in refused.value.message_dict
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_withdrawing_keeps_the_document_in_the_history(beleidsmedewerker):
    actie = ActieFactory()
    document = services.document_add(
        record=actie,
        upload=upload("brief.pdf", pdf_bytes()),
        openbaar=True,
        user=beleidsmedewerker,
    )
    with pytest.raises(ValidationError):  # withdrawn and public: never both
        services.document_update(
            document=document,
            ingetrokken=True,
            user=beleidsmedewerker,
            reason="Verkeerde brief",
        )
    services.document_update(
        document=document,
        ingetrokken=True,
        openbaar=False,
        user=beleidsmedewerker,
        reason="Verkeerde brief",
    )
    document.refresh_from_db()
    assert document.ingetrokken
    assert [r.history_change_reason for r in document.history.order_by("history_id")][
        -1
    ] == "Verkeerde brief"


# --- the pages: who may attach, who may read ---------------------------------------


def test_officers_attach_to_actions_and_the_griffie_to_mandates(
    client, beleidsmedewerker, griffie, media
):
    actie = ActieFactory()
    opdracht = RaadsopdrachtFactory()
    actie_url = reverse("acties:actie-document-create", args=[actie.pk])
    opdracht_url = reverse("acties:raadsopdracht-document-create", args=[opdracht.pk])

    client.force_login(griffie)
    assert client.get(actie_url).status_code == 403
    assert (
        client.post(actie_url, {"bestand": upload("a.pdf", pdf_bytes())}).status_code
        == 403
    )
    response = client.post(
        opdracht_url,
        {"bestand": upload("Brief aan de raad.pdf", pdf_bytes()), "soort": "brief"},
    )
    assert response.status_code == 302
    assert response.url.endswith("#documenten")
    assert opdracht.documenten.get().titel == "Brief aan de raad"

    client.force_login(beleidsmedewerker)
    assert client.get(opdracht_url).status_code == 403
    response = client.post(
        actie_url,
        {
            "bestand": upload("plan.odt", odt_bytes()),
            "soort": "overig",
            "titel": "Plan",
        },
    )
    assert response.status_code == 302
    page = client.get(actie.get_absolute_url()).content.decode()
    assert "Plan" in page and "plan.odt" in page
    assert "Document toegevoegd" in page  # in the action's history


def test_a_wrong_file_on_the_page_says_why_and_keeps_nothing(
    client, beleidsmedewerker, media
):
    actie = ActieFactory()
    client.force_login(beleidsmedewerker)
    response = client.post(
        reverse("acties:actie-document-create", args=[actie.pk]),
        {
            "bestand": upload("brief.pdf", b"MZ" + b"\x00" * 100),
            "soort": "overig",
            "titel": "Mijn brief",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "geen PDF-bestand" in page
    assert 'value="Mijn brief"' in page  # what was typed stays
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_download_needs_the_right_to_read_the_record(
    client, griffie, beleidsmedewerker
):
    actie = ActieFactory()  # its programme is not public
    content = pdf_bytes("Intern")
    document = services.document_add(
        record=actie, upload=upload("intern.pdf", content), user=beleidsmedewerker
    )
    url = document.get_absolute_url()

    assert client.get(url).status_code == 404  # anonymous: as if it did not exist
    client.force_login(UserFactory())  # signed in, no role
    assert client.get(url).status_code == 403
    for reader in (griffie, beleidsmedewerker):
        client.force_login(reader)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == content
        assert response["Content-Type"] == "application/pdf"
        assert 'attachment; filename="intern.pdf"' in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]
        digest = base64.b64encode(hashlib.sha256(content).digest()).decode()
        assert response["Repr-Digest"] == f"sha-256=:{digest}:"
    assert (
        client.get(reverse("acties:document-download", args=[999, "x.pdf"])).status_code
        == 404
    )


def test_only_public_documents_of_a_public_programme_are_on_the_public_page(
    client, beleidsmedewerker, griffie
):
    actie = ActieFactory()
    programma = actie.programma
    opdracht = RaadsopdrachtFactory(programma=programma)
    openbaar = services.document_add(
        record=actie,
        upload=upload("openbaar.pdf", pdf_bytes("open")),
        titel="Openbaar verslag",
        openbaar=True,
        user=beleidsmedewerker,
    )
    intern = services.document_add(
        record=opdracht,
        upload=upload("intern.pdf", pdf_bytes("dicht")),
        titel="Interne notitie",
        user=griffie,
    )
    public_url = reverse(
        "openbaar-document", args=[programma.slug, openbaar.pk, openbaar.bestandsnaam]
    )
    assert client.get(public_url).status_code == 404  # the page is not on

    programma.openbaar = True
    programma.save()
    page = client.get(reverse("openbaar", args=[programma.slug])).content.decode()
    assert "Openbaar verslag" in page
    assert "Interne notitie" not in page
    assert client.get(public_url).status_code == 200
    hidden = reverse(
        "openbaar-document", args=[programma.slug, intern.pk, intern.bestandsnaam]
    )
    assert client.get(hidden).status_code == 404
    assert client.get(intern.get_absolute_url()).status_code == 404

    services.document_update(
        document=openbaar,
        openbaar=False,
        ingetrokken=True,
        user=beleidsmedewerker,
        reason="Vervangen",
    )
    assert client.get(public_url).status_code == 404


# --- settling with the letter -----------------------------------------------------


def _proposed(beleidsmedewerker) -> Raadsopdracht:
    koppeling = RaadsopdrachtActieFactory(actie__status="afgerond")
    opdracht = koppeling.raadsopdracht
    services.raadsopdracht_propose_settlement(
        raadsopdracht=opdracht, toelichting="Uitgevoerd.", user=beleidsmedewerker
    )
    return opdracht


def test_confirming_with_an_uploaded_letter_attaches_it(
    client, griffie, beleidsmedewerker, media
):
    opdracht = _proposed(beleidsmedewerker)
    client.force_login(griffie)
    content = pdf_bytes("BOW/2026.12")
    response = client.post(
        reverse("acties:raadsopdracht-settle", args=[opdracht.pk]),
        {
            "afgedaan_op": "2026-11-30",
            "afdoeningsdocument": "BOW/2026.12",
            "brief": upload("BOW 2026.12.pdf", content),
        },
    )
    assert response.status_code == 302
    opdracht.refresh_from_db()
    assert opdracht.status == RaadsopdrachtStatus.AFGEDAAN
    document = opdracht.documenten.get()
    assert document.soort == DocumentSoort.AFDOENING
    assert document.kenmerk == "BOW/2026.12"
    assert (media / document.bestand.name).read_bytes() == content
    page = client.get(opdracht.get_absolute_url()).content.decode()
    assert "Afdoeningsdocument BOW/2026.12" in page


def test_a_wrong_letter_leaves_the_mandate_as_it_was(
    client, griffie, beleidsmedewerker
):
    opdracht = _proposed(beleidsmedewerker)
    client.force_login(griffie)
    response = client.post(
        reverse("acties:raadsopdracht-settle", args=[opdracht.pk]),
        {
            "afgedaan_op": "2026-11-30",
            "afdoeningsdocument": "BOW/2026.12",
            "brief": upload("brief.pdf", docx_bytes()),
        },
    )
    assert response.status_code == 200
    assert "geen PDF-bestand" in response.content.decode()
    opdracht.refresh_from_db()
    assert opdracht.status == RaadsopdrachtStatus.AFDOENING_VOORGESTELD
    assert not Document.objects.exists()


def test_the_size_limit_comes_from_the_settings(settings, beleidsmedewerker):
    settings.DOCUMENT_MAX_MB = 1
    actie = ActieFactory()
    big = io.BytesIO(pdf_bytes() + b"%" + b" " * (1024 * 1024))
    with pytest.raises(ValidationError) as refused:
        services.document_add(
            record=actie,
            upload=upload("groot.pdf", big.getvalue()),
            user=beleidsmedewerker,
        )
    assert "hoogstens 1,0\xa0MB" in refused.value.message_dict["bestand"][0]
