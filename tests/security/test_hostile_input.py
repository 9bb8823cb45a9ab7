"""Hostile input: random and malicious data sent to every form and every page.

Whatever is posted or put in a query string, the application answers without
an error (the test client raises any exception a view lets escape), a refused
post saves nothing, and text that is saved is shown as text: escaped in HTML,
neutralised in CSV and literal in the evaluation PDF.

Each example of a posting test runs in a transaction that is rolled back, so
that examples do not change one another's starting point. The number of
examples is kept small for the suite's sake; ``HOSTILE_EXAMPLES=200`` searches
longer.
"""

import contextlib
import csv
import io
import os
import re
from urllib.parse import urlencode

import pytest
import tablib
from django import forms
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from acties.exchange import IMPORT_KINDS
from acties.models import Actie
from basis.export import FORMULA_PREFIXES
from evaluatie.constants import EvaluatieStatus
from evaluatie.models import Tussenevaluatie
from tests.acties.test_views import ROUTES, url_for
from tests.security.conftest import FORMS, field_names, form_url, row_counts, valid_post

pytestmark = pytest.mark.django_db

# Markup that must never reach a page as markup (a field is given only those
# that fit in it: the action code takes 20 characters).
MARKUP = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<b onclick=alert(1)>",
    "<iframe src=//x>",
    "</textarea><i>x</i>",
    "</title><u>x</u>",
]
HOSTILE = [
    *MARKUP,
    '"><b>',
    "' onmouseover='alert(1)",
    "javascript:alert(1)",
    "'; DROP TABLE acties_actie; --",
    "1 OR 1=1",
    "' UNION SELECT password FROM auth_user --",
    "%' OR '%'='",
    '=HYPERLINK("http://x";"klik")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "{{ request }}",
    "{% debug %}",
    "${7*7}",
    "%s%n%x",
    "../../etc/passwd",
    "\u202eevil\u202c",
    "\u202d\u2066\u2067\u2068\u2069",
    "\u200b\u200d\ufeff",
    "\x01\x02\x07\x08\x0b\x0c\x1b[31m\x7f",
    "\r\n\t",
    "²³¹",
    "١٢٣",
    "𝕏🙂",
    "\\",
    '"',
    ";",
]
NUL = "\x00"
LONG = "A" * 100_000
LONG_MARKUP = "<script>alert(1)</script>" * 4_000

ODD_VALUES = [
    "",
    " ",
    "-1",
    "0",
    "1.5",
    "99999999999999999999999999",
    "-99999999999999999999",
    "1e999",
    "NaN",
    "Infinity",
    "-0",
    "²",
    "١٢",
    "2025-02-30",
    "2025-13-01",
    "9999-12-31",
    "0001-01-01",
    "10000-01-01",
    "31-12-2025",
    "on",
    "true",
    "[]",
    NUL,
    f"1{NUL}",
]

text = st.text(max_size=40)
hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    text,
    st.lists(st.one_of(st.sampled_from(HOSTILE), text), max_size=6).map("".join),
    st.sampled_from([LONG, LONG_MARKUP, NUL, f"tekst{NUL}tekst"]),
)
any_value = st.one_of(hostile_text, st.sampled_from(ODD_VALUES))
KEEP, DROP = object(), object()
# Fields a form does not have, some of them a record's own (mass assignment).
EXTRA_KEYS = [
    "partners",
    "uitbuiting",
    "doelgroep",
    "id",
    "pk",
    "status",
    "versie",
    "is_voorbeeld",
    "auteur",
    "programma_id",
    "definitief_op",
    "pdf_sha256",
    "history_user",
    "csrfmiddlewaretoken",
]

NO_SHRINKING = [Phase.explicit, Phase.reuse, Phase.generate]
FUZZ = settings(
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "8")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def body(response) -> bytes:
    """The content, also of a streamed response (read once, then kept)."""
    if not hasattr(response, "_read_body"):
        if response.streaming:
            response._read_body = b"".join(response.streaming_content)
        else:
            response._read_body = response.content
    return response._read_body


def assert_shown_as_text(response) -> None:
    """No markup typed by someone appears as markup; CSV cells stay cells.

    Downloads in other formats (ZIP, XLSX, JSON, PDF) are read to the end but
    not looked into here: no browser renders them as a page.
    """
    content_type = response.get("Content-Type", "")
    content = body(response)
    if content_type.startswith("text/csv"):
        assert_safe_csv(content.decode("utf-8"))
    elif content_type.startswith("text/html"):
        html = content.decode("utf-8")
        for markup in MARKUP:
            assert markup not in html, markup


def assert_safe_csv(content: str) -> None:
    # A change log cell may hold several 100,000-character texts.
    csv.field_size_limit(10_000_000)
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))
    header, *data = rows
    for row in data:
        assert len(row) == len(header), row
        for cell in row:
            assert not cell.startswith(FORMULA_PREFIXES), cell


def get_page(client, url: str, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code < 500, url
    body(response)  # a streamed page fails while it is read
    return response


@contextlib.contextmanager
def rolled_back():
    """Run a block in a transaction that is undone, with an empty cache."""
    cache.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
    cache.clear()


# --- posting to every form ---------------------------------------------------------


def _post_strategy(base: dict) -> st.SearchStrategy:
    fields = st.fixed_dictionaries(
        {key: st.one_of(st.just(KEEP), st.just(DROP), any_value) for key in base}
    )
    extra = st.dictionaries(
        st.one_of(st.sampled_from(EXTRA_KEYS), st.text(min_size=1, max_size=12)),
        any_value,
        max_size=3,
    )

    def build(chosen, extras):
        data = {}
        for key, value in chosen.items():
            if value is KEEP:
                data[key] = base[key]
            elif value is not DROP:
                data[key] = value
        for key, value in extras.items():
            data.setdefault(key, value)
        return data

    return st.builds(build, fields, extra)


# Forms posted to without a valid post to start from: the upload (its file has
# a test of its own below) and the account's second factor, whose fields are
# taken from the form on the page.
OTHER_FORMS = {
    "acties:import",
    # They take a file (tests/acties/test_documents.py posts wrong ones).
    "acties:actie-document-create",
    "acties:raadsopdracht-document-create",
    # Its form is there only while a settlement is proposed.
    "acties:raadsopdracht-return",
    "beveiliging:tweestaps",
    "beveiliging:tweestaps-delete",
    "beveiliging:reservecodes",
    "beveiliging:verify",
    "beveiliging:rolbeleid",
    # Only switches (tests/meldingen).
    "meldingen:voorkeuren",
}
POSTED = sorted(set(FORMS) | OTHER_FORMS)


def test_every_form_of_the_application_is_posted_to():
    accepting_posts = {name for name, route in ROUTES.items() if route[2]}
    assert set(POSTED) == accepting_posts


def _any_post_base(client, name: str, w: dict) -> dict:
    if name in FORMS:
        return valid_post(name, w)
    response = client.get(url_for(name, w))
    form = (response.context or {}).get("form")
    return dict.fromkeys(form.fields, "") if form is not None else {}


@pytest.mark.parametrize("name", POSTED)
def test_random_posts_never_fail_and_what_is_refused_saves_nothing(
    client, coordinator, forms_world, name
):
    client.force_login(coordinator)
    url = form_url(name, forms_world) if name in FORMS else url_for(name, forms_world)
    base = _any_post_base(client, name, forms_world)
    definitief = Tussenevaluatie.objects.filter(status=EvaluatieStatus.DEFINITIEF)
    # An expected failure need not be shrunk to its simplest example.
    fuzz = FUZZ if name in FORMS else settings(FUZZ, phases=NO_SHRINKING)
    if name == "evaluatie:finalise":
        # Nearly every post finalises, which renders a PDF/A: a few suffice.
        fuzz = settings(fuzz, max_examples=3)

    @fuzz
    @given(data=_post_strategy(base), htmx=st.booleans())
    def post(data, htmx):
        with rolled_back():
            before = row_counts()
            final_before = definitief.count()
            headers = {"HX-Request": "true"} if htmx else {}

            response = client.post(url, data, headers=headers)

            # 200: the form again, nothing saved; 302 or 201 (a new API
            # token, shown once on the answer itself): saved.
            assert response.status_code in (200, 201, 302)
            body(response)
            if response.status_code == 200:
                assert row_counts() == before
                assert_shown_as_text(response)
            # Fields that a form does not offer are never taken over.
            assert not Actie.objects.filter(is_voorbeeld=True).exists()
            if name != "evaluatie:finalise":
                assert definitief.count() == final_before

    post()


def _text_fields(client, name, w) -> dict[str, int | None]:
    form = client.get(form_url(name, w)).context["form"]
    return {
        field: form.fields[field].max_length
        for field in field_names(name, w)
        if isinstance(form.fields[field], forms.CharField)
    }


def _saved_text(max_length: int | None) -> st.SearchStrategy:
    """Text a form accepts, that starts with markup that fits."""
    limit = max_length or 100_000
    markup = st.sampled_from([m for m in MARKUP if len(m) <= limit])
    rest = st.lists(
        st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20)), max_size=4
    ).map("".join)
    short = st.builds(lambda m, r: (m + r).replace(NUL, "")[:limit], markup, rest)
    if max_length is not None:
        return short
    return st.one_of(short, short, short, st.just(LONG_MARKUP))


def _pages_showing(name: str, location: str, w: dict) -> list[str]:
    pages = [location, reverse("historie"), reverse("historie-export")]
    actie, opdracht = w["actie"], w["raadsopdracht"]
    if name.startswith("acties:actie-"):
        pages += [
            reverse("acties:actie-list"),
            reverse("acties:actie-export"),
            reverse("programma-detail", args=[w["programma"].pk]),
            f"{reverse('vergelijk')}?van=2000-01-01&tot=2100-12-31",
            f"{reverse('peildatum')}?datum=2100-12-31",
        ]
    if name == "acties:actie-koppelen":
        pages.append(reverse("acties:raadsopdracht-detail", args=[opdracht.pk]))
    if name == "acties:raadsopdracht-koppelen":
        pages.append(reverse("acties:actie-detail", args=[w["losse_actie"].pk]))
    if name.startswith("acties:raadsopdracht-"):
        pages += [
            reverse("acties:raadsopdracht-list"),
            reverse("acties:raadsopdracht-export"),
        ]
    if name.startswith("acties:organisatie-"):
        pages += [
            reverse("acties:actie-detail", args=[actie.pk]),
            reverse("acties:actie-export"),
        ]
    if name.startswith("evaluatie:"):
        pages.append(location.rstrip("/") + "/voorbeeld/")
    return pages


@pytest.mark.parametrize("name", sorted(n for n in FORMS if FORMS[n][2]))
def test_hostile_text_that_is_saved_is_shown_as_text(
    client, coordinator, forms_world, name
):
    client.force_login(coordinator)
    url = form_url(name, forms_world)
    base = valid_post(name, forms_world)
    strategy = st.fixed_dictionaries(
        {
            field: _saved_text(max_length)
            for field, max_length in _text_fields(client, name, forms_world).items()
        }
    )

    @settings(FUZZ, max_examples=FUZZ.max_examples * 3 // 4)
    @given(texts=strategy)
    def post(texts):
        with rolled_back():
            response = client.post(url, {**base, **texts})
            assert response.status_code in (200, 201, 302)
            assert_shown_as_text(response)
            if response.status_code == 302:
                for page in _pages_showing(name, response["Location"], forms_world):
                    assert_shown_as_text(get_page(client, page))

    post()


# --- uploading files to import ----------------------------------------------------

CELLS = st.one_of(
    st.sampled_from(HOSTILE),
    st.sampled_from(ODD_VALUES),
    st.sampled_from(["3.1", "3.2", "3", "lopend", "Politie eenheid Den Haag"]),
    text,
)
# Characters that an Excel cell cannot hold.
NOT_IN_XLSX = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")

# Values that get a row past its checks, so that its text reaches the preview
# and, confirmed, the pages; the text columns get hostile text.
PLAUSIBLE = {
    "code": st.sampled_from(["3.1", "3.7"]),
    "actie": st.just("3.1"),
    "actielijn": st.just("3"),
    "status": st.sampled_from(["lopend", "gepland"]),
    "voortgang": st.sampled_from(["50", "12,5"]),
    "trekker": st.just("Politie eenheid Den Haag"),
    "datum": st.sampled_from(["1-2-2026", "2026-02-03"]),
    "gepland_start": st.just("01-01-2026"),
    "waarde": st.sampled_from(["5", "1.234,5"]),
    "budget": st.just("1000"),
}
PLAUSIBLE_TEXT = st.one_of(st.sampled_from(MARKUP), st.sampled_from(HOSTILE), text)


# A new action whose title and description are markup, for a sure confirmation.
IMPORTED_ACTIE = (
    f"code;actielijn;titel;omschrijving\r\n3.7;3;{MARKUP[0]};{MARKUP[1]}\r\n"
).encode()


@st.composite
def upload(draw, indicator: str):
    kind = draw(st.sampled_from(sorted(IMPORT_KINDS)))
    _label, required, optional, ignored = IMPORT_KINDS[kind]
    shape = draw(st.sampled_from(["plausible", "plausible", "csv", "xlsx", "bytes"]))
    if shape == "plausible":
        # What a new action needs, and any of the other columns.
        needed = [c for c in ("actielijn", "titel") if c in optional]
        others = [c for c in optional if c not in needed]
        chosen = draw(st.lists(st.sampled_from(others), unique=True)) if others else []
        columns = [*required, *needed, *chosen]
        values = {**PLAUSIBLE, "indicator": st.just(indicator)}
        rows = [
            [draw(values.get(column, PLAUSIBLE_TEXT)) for column in columns]
            for _row in range(draw(st.integers(1, 3)))
        ]
        shape = "csv"
    else:
        known = st.sampled_from([*required, *optional, *ignored])
        columns = draw(st.lists(st.one_of(known, text), min_size=1, max_size=8))
        row = st.lists(CELLS, min_size=len(columns), max_size=len(columns))
        rows = draw(st.lists(row, min_size=1, max_size=4))
    if shape == "csv":
        out = io.StringIO()
        csv.writer(out, delimiter=draw(st.sampled_from([";", ","]))).writerows(
            [columns, *rows]
        )
        content = out.getvalue().encode("utf-8")
    elif shape == "xlsx":
        dataset = tablib.Dataset(headers=[NOT_IN_XLSX.sub("", c) for c in columns])
        for cells in rows:
            dataset.append([NOT_IN_XLSX.sub("", c) for c in cells])
        content = dataset.export("xlsx")
    else:
        content = draw(st.binary(max_size=2000))
    name = draw(
        st.sampled_from(
            ["acties.csv", "acties.xlsx", "acties", "<b onclick=alert(1)>.csv"]
        )
    )
    return kind, name, content


def test_hostile_files_to_import_never_fail_and_are_shown_as_text(
    client, coordinator, forms_world
):
    client.force_login(coordinator)
    url = reverse("acties:import")
    programma = forms_world["programma"]

    @FUZZ
    @given(file=upload(forms_world["indicator"].naam), confirm=st.booleans())
    @example(file=("acties", "acties.csv", IMPORTED_ACTIE), confirm=True)
    def post(file, confirm):
        kind, name, content = file
        with rolled_back():
            before = row_counts()
            data = {"soort": kind, "programma": programma.pk, "reden": "Import"}
            data["bestand"] = SimpleUploadedFile(name, content)

            response = client.post(url, data)

            assert response.status_code == 200
            assert_shown_as_text(response)
            assert row_counts() == before  # the upload is a dry run
            fingerprint = re.search(
                r'name="controle" value="([^"]*)"', body(response).decode()
            )
            assert fingerprint or content != IMPORTED_ACTIE
            if confirm and fingerprint:
                response = client.post(url, {"controle": fingerprint.group(1)})
                assert response.status_code in (302, 400, 409)
                assert response.status_code == 302 or content != IMPORTED_ACTIE
                assert_shown_as_text(response)
                if response.status_code == 302:
                    assert row_counts() != before
                    for page in [
                        reverse("acties:actie-list"),
                        reverse("acties:actie-export"),
                        reverse("acties:actie-detail", args=[forms_world["actie"].pk]),
                        reverse("historie"),
                    ]:
                        assert_shown_as_text(get_page(client, page))

    post()


# --- query strings on every page ---------------------------------------------------

PARAMETERS = [
    "q",
    "page",
    "programma",
    "actielijn",
    "pijler",
    "status",
    "trekker",
    "partner",
    "uitbuiting",
    "doelgroep",
    "raadsopdracht",
    "te_laat",
    "sortering",
    "soort",
    "gebruiker",
    "datum",
    "van",
    "tot",
    "terug",
    "next",
]
query = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(PARAMETERS), st.text(min_size=1, max_size=10)),
        any_value,
    ),
    max_size=6,
)
# The PDF is rendered whatever the query string; it has tests of its own below.
PAGES = sorted(name for name in ROUTES if name != "evaluatie:pdf")


@pytest.mark.parametrize("name", PAGES)
def test_random_query_strings_never_fail_and_are_shown_as_text(
    client, coordinator, world, name
):
    client.force_login(coordinator)
    url = url_for(name, world)

    @FUZZ
    @given(params=query, htmx=st.booleans())
    def get(params, htmx):
        headers = {"HX-Request": "true"} if htmx else {}
        response = get_page(client, f"{url}?{urlencode(params)}", headers=headers)
        assert_shown_as_text(response)

    get()


# --- the cases these tests found, kept as plain examples ---------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/?programma=²",
        "/acties/?programma=²",
        "/acties/export.csv?programma=²",
        "/acties/?programma=99999999999999999999999",
        "/?programma=99999999999999999999999",
    ],
)
def test_a_programme_id_that_is_no_number_is_ignored(client, coordinator, world, url):
    client.force_login(coordinator)
    assert get_page(client, url).status_code == 200


@pytest.mark.parametrize(
    "name", ["acties:actie-list", "acties:actie-export", "acties:raadsopdracht-list"]
)
def test_a_search_text_of_any_length_gives_no_error(client, coordinator, world, name):
    client.force_login(coordinator)
    url = f"{reverse(name)}?{urlencode({'q': LONG})}"
    assert get_page(client, url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/peildatum/?datum=9999-12-31",
        "/peildatum/?datum=0001-01-01",
        "/vergelijk/?van=0001-01-01&tot=9999-12-31",
        "/historie/?van=0001-01-01&tot=9999-12-31",
        "/historie/export.csv?van=0001-01-01&tot=9999-12-31",
    ],
)
def test_the_first_and_last_day_there_is_are_dates_like_any_other(
    client, coordinator, world, url
):
    client.force_login(coordinator)
    assert get_page(client, url).status_code == 200


@pytest.mark.parametrize(
    "partner", ["99999999999999999999", "9223372036854775808", "-9223372036854775809"]
)
def test_a_partner_id_beyond_what_the_database_holds_is_an_invalid_choice(
    client, coordinator, world, partner
):
    client.force_login(coordinator)
    data = {**valid_post("acties:actie-update", world), "partners": partner}
    data["versie"] = world["actie"].versie
    before = row_counts()

    response = client.post(form_url("acties:actie-update", world), data)

    assert response.status_code == 200
    assert "partners" in response.context["form"].errors
    assert row_counts() == before


def test_an_action_code_with_unusual_digits_sorts_like_any_code(
    client, coordinator, world
):
    client.force_login(coordinator)
    data = {**valid_post("acties:actie-create", world), "code": "3.²"}
    assert client.post(reverse("acties:actie-create"), data).status_code == 302
    data = {**valid_post("acties:actie-create", world), "code": "3.١٢"}
    assert client.post(reverse("acties:actie-create"), data).status_code == 302
    response = get_page(client, f"{reverse('peildatum')}?datum=2100-01-01")
    assert "3.²" in response.content.decode()


def test_an_evaluation_at_the_last_day_there_is_can_be_previewed(
    client, coordinator, world
):
    client.force_login(coordinator)
    evaluatie = world["evaluatie"]
    data = {**valid_post("evaluatie:update", world), "peildatum": "9999-12-31"}
    assert client.post(form_url("evaluatie:update", world), data).status_code == 302
    response = get_page(client, reverse("evaluatie:preview", args=[evaluatie.pk]))
    assert response.status_code == 200


def test_hostile_text_on_the_public_page_is_shown_as_text(client, coordinator, world):
    client.force_login(coordinator)
    actie = valid_post("acties:actie-update", world)
    actie.update(titel=MARKUP[0], omschrijving=MARKUP[1], versie=world["actie"].versie)
    assert client.post(form_url("acties:actie-update", world), actie).status_code == 302
    openbaar = valid_post("programma-openbaar", world)
    assert (
        client.post(form_url("programma-openbaar", world), openbaar).status_code == 302
    )
    client.logout()

    response = get_page(client, reverse("openbaar", args=[world["programma"].slug]))

    assert response.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body(response).decode()
    assert_shown_as_text(response)


# --- the evaluation PDF ------------------------------------------------------------

PDF_TEXTS = {
    "titel": "<script>alert(1)</script>",
    "samenvatting": '<b>vet</b> <img src="file:///etc/passwd"> \u202eomgekeerd\u202c',
    "conclusies": "<style>body{display:none}</style> & &amp; <!-- niet weg -->",
    "aanbevelingen": '<a href="http://example.org/">link</a> =1+1',
}


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def test_hostile_text_is_literal_text_in_the_evaluation_pdf(client, coordinator, world):
    client.force_login(coordinator)
    evaluatie = world["evaluatie"]
    data = {**valid_post("evaluatie:update", world), **PDF_TEXTS}
    assert client.post(form_url("evaluatie:update", world), data).status_code == 302
    actie = {**valid_post("acties:actie-update", world)}
    actie["titel"] = "<i>schuin</i> \x1b[31m"
    actie["versie"] = world["actie"].versie
    assert client.post(form_url("acties:actie-update", world), actie).status_code == 302

    response = client.get(reverse("evaluatie:pdf", args=[evaluatie.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = pdf_text(response.content)
    for typed in [*PDF_TEXTS.values(), "<i>schuin</i>"]:
        for part in typed.split():
            if "\u202e" not in part:
                assert part in content, part
    preview = get_page(client, reverse("evaluatie:preview", args=[evaluatie.pk]))
    html = preview.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>vet</b>" not in html
    assert "<style>body" not in html


def test_the_data_attached_to_a_final_evaluation_is_neutralised(
    client, coordinator, world
):
    import pikepdf

    client.force_login(coordinator)
    actie = valid_post("acties:actie-update", world)
    actie["titel"] = '=HYPERLINK("http://x";"klik")'
    actie["versie"] = world["actie"].versie
    assert client.post(form_url("acties:actie-update", world), actie).status_code == 302
    evaluatie = world["evaluatie"]
    evaluatie_data = {**valid_post("evaluatie:update", world), **PDF_TEXTS}
    # Today, so that the edit above counts; a later peildatum cannot be final.
    evaluatie_data["peildatum"] = timezone.localdate().isoformat()
    evaluatie_data[f"pijler_{world['pijler'].pk}"] = "Bevinding."
    response = client.post(form_url("evaluatie:update", world), evaluatie_data)
    assert response.status_code == 302

    response = client.post(form_url("evaluatie:finalise", world), {"bevestig": "on"})
    assert response.status_code == 302
    response = client.get(reverse("evaluatie:pdf", args=[evaluatie.pk]))

    pdf = pikepdf.open(io.BytesIO(response.content))
    attached = {
        name: spec.get_file().read_bytes().decode("utf-8")
        for name, spec in pdf.attachments.items()
    }
    assert_safe_csv(attached["acties.csv"])
    assert "'=HYPERLINK" in attached["acties.csv"]
    assert "<script>alert(1)</script>" in attached["gegevens.json"]
    assert "<script>alert(1)</script>" in pdf_text(response.content)
