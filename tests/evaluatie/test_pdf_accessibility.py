"""The evaluation PDF read by assistive technology and by a PDF/UA checker.

The checker is ``pdfua`` (PyPI): 16 of the 106 machine-checkable PDF/UA-1
rules, on pikepdf, no JVM. docs/accessibility.md says what it and the other
structure tests verify and what they do not.
"""

import datetime
import io

import pikepdf
import pytest
from django.core.management import call_command
from pdfua import validate

from evaluatie import services
from evaluatie.report import build_report, report_pdf
from pijlers.models import Programma

# The one pdfua rule that does not run on this pikepdf: it asks an array for
# an attribute and pikepdf raises ValueError where pdfua expects
# AttributeError. ``test_every_heading_has_text`` checks the same thing.
NOT_RUNNING = {"UA-14-001"}


def _evaluation(programma, user, peildatum=datetime.date(2026, 11, 30)):
    return services.tussenevaluatie_create(
        programma=programma,
        titel="Tussenevaluatie 2026",
        peildatum=peildatum,
        samenvatting="De aanpak ligt op koers.",
        user=user,
        reason="Nieuw",
    )


@pytest.fixture
def demo_report(coordinator):
    call_command("load_programme", "--demo", stdout=io.StringIO())
    return build_report(
        _evaluation(Programma.objects.get(), coordinator), user=coordinator
    )


@pytest.fixture
def long_report(coordinator):
    """A programme whose action tables run over several pages."""
    call_command(
        "generate_data",
        "--programmes=1",
        "--actions-per-programme=150",
        "--updates-per-action=1",
        stdout=io.StringIO(),
    )
    programma = Programma.objects.get()
    return build_report(_evaluation(programma, coordinator), user=coordinator)


def _checked(content: bytes, path):
    path.write_bytes(content)
    report = validate(str(path))
    ran = {o.rule_id for o in report.outcomes if not o.skipped}
    skipped = {o.rule_id for o in report.skipped}
    return report, ran, skipped


def _elements(pdf):
    """Every structure element, each with its parent, in reading order."""
    found, stack = [], [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        kids = node.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        children = [k for k in kids if isinstance(k, pikepdf.Dictionary) and "/S" in k]
        found.extend(children)
        stack.extend(reversed(children))
    return found


def _roles(element) -> list[str]:
    kids = element.get("/K")
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return [str(k.S) for k in kids if isinstance(k, pikepdf.Dictionary) and "/S" in k]


@pytest.mark.parametrize("final", [False, True], ids=["concept", "definitief"])
def test_the_pdfua_checker_finds_nothing(demo_report, tmp_path, final):
    report, ran, skipped = _checked(
        report_pdf(demo_report, final=final), tmp_path / "rapport.pdf"
    )
    assert report.findings == (), [f.message for f in report.findings]
    assert skipped <= NOT_RUNNING
    # Structure tree, marked content or artifact, language, alternatives,
    # tables, links, title, and the PDF/UA identification all ran.
    assert {"UA-01-003", "UA-06-001", "UA-13-004", "UA-15-003", "UA-28-004"} <= ran


def test_the_checker_sees_what_the_report_would_lose(demo_report, tmp_path):
    """Not a checker that passes everything: take away the language, a
    chart's description and the header scopes, and it says so."""
    pdf = pikepdf.open(io.BytesIO(report_pdf(demo_report, final=False)))
    del pdf.Root.Lang
    for element in _elements(pdf):
        if element.S == "/Figure":
            del element.Alt
        if element.S == "/TH":
            del element.A.Scope
    broken = io.BytesIO()
    pdf.save(broken)
    report, _, _ = _checked(broken.getvalue(), tmp_path / "kapot.pdf")
    found = {f.rule_id for f in report.findings}
    assert {"UA-06-001", "UA-13-004", "UA-15-003"} <= found


def test_every_heading_has_text(demo_report):
    pdf = pikepdf.open(io.BytesIO(report_pdf(demo_report, final=False)))

    def marks_content(node) -> bool:
        kids = node.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        return any(
            isinstance(kid, int)
            or (isinstance(kid, pikepdf.Dictionary) and marks_content(kid))
            for kid in kids
        )

    headings = [e for e in _elements(pdf) if str(e.S) in ("/H1", "/H2", "/H3", "/H4")]
    assert len(headings) > 20
    assert all(marks_content(h) for h in headings)


def test_both_files_declare_pdfua_and_the_final_describes_the_schema(demo_report):
    concept = pikepdf.open(io.BytesIO(report_pdf(demo_report, final=False)))
    final = pikepdf.open(io.BytesIO(report_pdf(demo_report, final=True)))
    for pdf in (concept, final):
        assert pdf.open_metadata()["pdfuaid:part"] == "1"
    # PDF/A-3 admits the property only with its schema described.
    xmp = final.Root.Metadata.read_bytes()
    assert b"<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in xmp
    assert b"pdfaExtension" not in concept.Root.Metadata.read_bytes()


def test_a_table_over_several_pages_is_one_table_with_one_header(long_report):
    content = report_pdf(long_report, final=False)
    pdf = pikepdf.open(io.BytesIO(content))
    assert len(pdf.pages) > 8
    tables = [e for e in _elements(pdf) if e.S == "/Table"]
    # One table per caption in the report: the pieces of a table on later
    # pages joined the first, and its header row is not repeated in the tree.
    for table in tables:
        assert _roles(table).count("/Caption") == 1
        assert _roles(table).count("/THead") <= 1

    def parts(table, role):
        return [part for part in table.K if part.get("/S") == role]

    def columns(table):
        return sum(
            len(_roles(row)) for head in parts(table, "/THead") for row in head.K
        )

    rows = [
        sum(len(_roles(body)) for body in parts(table, "/TBody"))
        for table in tables
        if columns(table) == 7  # code, actie, status, voortgang, trekker, ...
    ]
    assert rows == [len(lijn.acties) for lijn in long_report.actielijnen if lijn.acties]
    assert max(rows) > 25  # long enough to run over a page
    # A chapter that runs over pages is one section: each opens with its
    # heading, none with the rest of the one before.
    chapters = [e for e in pdf.Root.StructTreeRoot.K[0].K if e.S == "/Sect"][1:]
    assert len(chapters) >= 6
    assert all(_roles(chapter)[0] == "/H2" for chapter in chapters)


def test_page_furniture_is_marked_by_rewriting_the_stream_or_else_by_parsing():
    from evaluatie.pdf import _orphans_as_artifacts_fast

    pdf = pikepdf.new()
    pdf.add_blank_page()
    page = pdf.pages[0]
    content = b"/Span\n<</MCID 0>>\nBDC\nEMC\n/P <</MCID 1>> BDC EMC\n"
    page.obj.Contents = pdf.make_stream(content)
    # An orphan that is not there: nothing changes, the caller parses.
    assert not _orphans_as_artifacts_fast(page, {0, 5})
    assert page.obj.Contents.read_bytes() == content
    assert _orphans_as_artifacts_fast(page, {0})
    assert page.obj.Contents.read_bytes() == (
        b"/Artifact BMC\nEMC\n/P <</MCID 1>> BDC EMC\n"
    )
