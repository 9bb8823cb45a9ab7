"""HTML to PDF with WeasyPrint, safely and within bounds.

The report's HTML holds text that people typed, so rendering it must not be a
way to reach the network or the server's files: the URL fetcher allows only
``data:`` URIs and files under the project's static folder (fonts, style
sheet), and refuses everything else before anything is opened. Rendering runs
in a child process with a memory limit and a time limit, so that a document
that grows out of hand stops with a clear error instead of taking the server
down.

Run as ``python -m evaluatie.pdf`` it is that child: it reads a JSON job on
standard input and writes the PDF to standard output. It does not load Django.
"""

import base64
import json
import os
import re
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit


class PdfRenderError(Exception):
    """Rendering failed or exceeded its bounds; the message is for the user."""


# Characters that are never text: control characters (but tab and line breaks),
# surrogates, private use and noncharacters. No font has a glyph for them, and
# a missing glyph puts .notdef in the PDF, which PDF/A forbids and which makes
# WeasyPrint give the whole font a custom encoding that text extraction (search,
# screen readers, pypdf) trips over. People paste them in with text.
_NOT_TEXT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff"
    "\ufdd0-\ufdef\ufffe\uffff]"
)


@dataclass(frozen=True)
class PdfAttachment:
    name: str
    content: bytes
    description: str = ""


def render_pdf(
    html: str,
    *,
    static_root: Path,
    final: bool = False,
    attachments: tuple[PdfAttachment, ...] = (),
    metadata: dict | None = None,
    timeout: float = 120,
    memory_mb: int = 1536,
) -> bytes:
    """The PDF of ``html``; relative URLs resolve inside ``static_root`` only.

    ``final`` makes it PDF/A-3b with the ``attachments`` embedded. Raises
    ``PdfRenderError`` when rendering fails, takes longer than ``timeout``
    seconds or needs more than ``memory_mb`` of memory. ``metadata``: the
    XMP facts WeasyPrint does not write (``language``, ``created`` as ISO
    8601, ``identifier``, ``creator``), see ``finish_structure``.
    """
    job = {
        "html": _NOT_TEXT.sub("", html),
        "static_root": str(Path(static_root).resolve()),
        "final": final,
        "metadata": metadata or {},
        "attachments": [
            {
                "name": a.name,
                "description": a.description,
                "content": base64.b64encode(a.content).decode(),
            }
            for a in attachments
        ],
    }

    def limit_memory():  # pragma: no cover - runs in the child
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    try:
        completed = subprocess.run(
            [sys.executable, "-m", "evaluatie.pdf"],
            input=json.dumps(job).encode(),
            capture_output=True,
            timeout=timeout,
            preexec_fn=limit_memory,
            cwd=Path(__file__).resolve().parent.parent,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise PdfRenderError(
            f"Het maken van de PDF duurde langer dan {timeout:.0f} seconden en is "
            "afgebroken."
        ) from exc
    if completed.returncode != 0 or not completed.stdout.startswith(b"%PDF"):
        detail = completed.stderr.decode(errors="replace").strip().splitlines()
        # Out of the memory limit: a MemoryError in Python, or ENOMEM from the
        # system when the limit is reached while a library is mapped in.
        if any(
            "MemoryError" in line or "Cannot allocate memory" in line for line in detail
        ):
            raise PdfRenderError(
                f"Het maken van de PDF had meer dan {memory_mb} MB geheugen nodig en "
                "is afgebroken."
            )
        raise PdfRenderError(
            "De PDF kon niet worden gemaakt. "
            + (detail[-1] if detail else "Onbekende fout.")
        )
    return completed.stdout


# --- the child process ----------------------------------------------------------


def _safe_fetcher_class():
    from weasyprint.urls import URLFetcher

    class SafeURLFetcher(URLFetcher):
        """Fetches ``data:`` URIs and files under one folder; refuses the rest."""

        def __init__(self, root: Path, **kwargs):
            super().__init__(allowed_protocols={"data", "file"}, **kwargs)
            self.root = root

        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path)).resolve()
                if path.is_relative_to(self.root) and path.is_file():
                    return super().fetch(url, headers)
            raise ValueError(f"not fetched (only data: and static files): {url[:80]}")

    return SafeURLFetcher


def main() -> None:
    from weasyprint import HTML, Attachment

    job = json.loads(sys.stdin.buffer.read())
    root = Path(job["static_root"])
    fetcher = _safe_fetcher_class()(root)
    options = {"pdf_tags": True}
    if job["final"]:
        options["pdf_variant"] = "pdf/a-3b"
        options["attachments"] = [
            Attachment(
                string=base64.b64decode(a["content"]),
                name=a["name"],
                description=a["description"],
                relationship="Data",
                url_fetcher=fetcher,
            )
            for a in job["attachments"]
        ]
    pdf = HTML(
        string=job["html"], base_url=root.as_uri() + "/", url_fetcher=fetcher
    ).write_pdf(**options)
    sys.stdout.buffer.write(finish_structure(pdf, job["metadata"]))


def finish_structure(pdf: bytes, metadata: dict) -> bytes:
    """What WeasyPrint's tagging leaves out, for readers with assistive tools.

    - A section, table or list that runs over a page break is tagged as one
      element per page; the pieces become one element again, and a table's
      header row repeated on the next page an artifact, so a screen reader
      meets one table with one header.
    - The running header, the footer and the page numbers (the page's margin
      boxes) are drawn as tagged content that belongs to no element of the
      structure tree; they become artifacts, which screen readers skip and
      PDF/UA requires of page furniture.
    - Every table header cell gets its scope (``/Column`` in a table head,
      ``/Row`` elsewhere), and the structure tree an ``/IDTree`` for the
      header ids that data cells refer to.
    - The XMP metadata gets the language, the dates, the identifier, the
      creator and the PDF/UA-1 identification, and the viewer shows the
      document's title, not its file name.
    - Each attached file is listed once in the catalog's /AF.

    Deterministic: the same PDF in gives the same bytes out, so a final
    export can be made twice with one SHA-256.
    """
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        root = doc.Root.get("/StructTreeRoot")
        if root is not None:
            _join_page_pieces(root)
            elements = _structure_elements(root)
            _margin_boxes_as_artifacts(doc, root, elements)
            _header_scopes_and_ids(doc, root, elements)
        doc.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
        _attachments_once(doc)
        had_xmp = "/Metadata" in doc.Root
        with doc.open_metadata(set_pikepdf_as_editor=False) as meta:
            if not had_xmp:  # the concept: start from the title and author
                meta.load_from_docinfo(doc.docinfo)
            if metadata.get("language"):
                meta["dc:language"] = [metadata["language"]]
            if metadata.get("created"):
                for key in ("xmp:CreateDate", "xmp:ModifyDate", "xmp:MetadataDate"):
                    meta[key] = metadata["created"]
            if metadata.get("identifier"):
                meta["dc:identifier"] = metadata["identifier"]
            if metadata.get("creator"):
                meta["dc:creator"] = [metadata["creator"]]
            meta["pdfuaid:part"] = "1"
        _declare_pdfua_schema(doc)
        out = io.BytesIO()
        doc.save(out, deterministic_id=True)
    return out.getvalue()


# PDF/A-3 admits XMP properties of its predefined schemas only, unless the
# metadata describes the schema; PDF/UA's identification is not among them.
PDFUA_EXTENSION_SCHEMA = b"""<rdf:Description rdf:about=""
  xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
  xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
  xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
 <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
  <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
  <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
  <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
  <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
   <pdfaProperty:name>part</pdfaProperty:name>
   <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
   <pdfaProperty:category>internal</pdfaProperty:category>
   <pdfaProperty:description>Part of ISO 14289 followed</pdfaProperty:description>
  </rdf:li></rdf:Seq></pdfaSchema:property>
 </rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
"""


def _declare_pdfua_schema(doc) -> None:
    """In a PDF/A file, describe the PDF/UA identification schema it uses."""
    xmp = doc.Root.Metadata.read_bytes()
    if b"pdfaid:part" not in xmp or b"pdfaExtension:schemas" in xmp:
        return
    xmp = xmp.replace(b"</rdf:RDF>", PDFUA_EXTENSION_SCHEMA + b"</rdf:RDF>", 1)
    doc.Root.Metadata.write(xmp)


def _attachments_once(doc) -> None:
    """WeasyPrint lists each attached file twice in the catalog's /AF."""
    import pikepdf

    files = doc.Root.get("/AF")
    if not isinstance(files, pikepdf.Array):
        return
    seen, unique = set(), pikepdf.Array()
    for spec in files:
        key = spec.objgen if spec.is_indirect else id(spec)
        if key not in seen:
            seen.add(key)
            unique.append(spec)
    doc.Root.AF = unique


def _kids(node) -> list:
    import pikepdf

    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _structure_elements(root) -> dict:
    """Every structure element reachable from the tree's root, by object id."""
    import pikepdf

    found, stack = {}, [root]
    while stack:
        node = stack.pop()
        for kid in _kids(node):
            if (
                isinstance(kid, pikepdf.Dictionary)
                and "/S" in kid
                and kid.objgen not in found
            ):
                found[kid.objgen] = kid
                stack.append(kid)
    return found


def _parent_tree(root) -> dict:
    """The parent tree's entries: StructParents key → array or element."""
    entries, stack = {}, [root.ParentTree]
    while stack:
        node = stack.pop()
        nums = list(node.get("/Nums", []))
        for i in range(0, len(nums), 2):
            entries[int(nums[i])] = nums[i + 1]
        stack.extend(node.get("/Kids", []))
    return entries


def _join_page_pieces(root) -> None:
    """Put back together the elements WeasyPrint cut at page breaks.

    WeasyPrint builds the structure tree page by page, so a section, list or
    table that runs over a page break becomes two elements: the last one of
    one page and the first one of the next, side by side. Two such neighbours
    on different pages are one element when the second does not begin as a
    new one can: a section that does not open with a heading, a table without
    a caption (every table of the report has one), a list. Their children
    join, and the pieces that met at the break are looked at in turn. A
    table's header row repeated on the new page is left out of the tree,
    which makes its drawn text an artifact (see
    ``_margin_boxes_as_artifacts``). Paragraphs are left as they are: a
    paragraph at the top of a page cannot be told from a continued one.
    """
    stack = [root]
    while stack:
        node = stack.pop()
        kids = _kids(node)
        kept = []
        for kid in kids:
            if kept and _continues(kept[-1], kid):
                _join(kept[-1], kid)
            else:
                kept.append(kid)
        if len(kept) != len(kids):
            node.K = _array(kept)
        stack.extend(kid for kid in kept if _role(kid) is not None)


def _array(items):
    import pikepdf

    return pikepdf.Array(items)


def _continues(first, second) -> bool:
    role = _role(first)
    if role is None or role != _role(second):
        return False
    if first.get("/Pg") is None or second.get("/Pg") is None:
        return False
    if first.Pg.objgen == second.Pg.objgen:
        return False
    opening = next((_role(kid) for kid in _kids(second) if _role(kid)), None)
    if role == "/Sect":
        return opening not in ("/H1", "/H2", "/H3", "/H4", "/H5", "/H6")
    if role == "/Table":
        return opening != "/Caption"
    return role == "/L"


def _join(first, second) -> None:
    """Move the children of ``second`` (the next page's piece) into ``first``."""
    import pikepdf

    if _role(first) == "/Table":
        _append_table_piece(first, second)
        return
    kids = _kids(first)
    for kid in _kids(second):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            kid.P = first
        kids.append(kid)
    first.K = _array(kids)


def _role(node) -> str | None:
    import pikepdf

    if isinstance(node, pikepdf.Dictionary) and "/S" in node:
        return str(node.S)
    return None


def _append_table_piece(table, piece) -> None:
    import pikepdf

    parts = pikepdf.Array(_kids(table))
    sections = {_role(part): part for part in parts}
    for part in _kids(piece):
        role = _role(part)
        if role in ("/THead", "/TFoot") and role in sections:
            continue  # repeated on the new page: page furniture, not content
        if role == "/TBody" and role in sections:
            body = sections[role]
            rows = pikepdf.Array(_kids(body))
            for row in _kids(part):
                if isinstance(row, pikepdf.Dictionary):
                    row.P = body
                rows.append(row)
            body.K = rows
            continue
        if isinstance(part, pikepdf.Dictionary):
            part.P = table
        if role == "/THead":  # the first piece held only the caption
            at = 1 if parts and _role(parts[0]) == "/Caption" else 0
            parts.insert(at, part)
        else:
            parts.append(part)
        if role is not None:
            sections[role] = part
    table.K = parts


def _margin_boxes_as_artifacts(doc, root, elements: dict) -> None:
    import pikepdf

    parents = _parent_tree(root)
    bdc, bmc = pikepdf.Operator("BDC"), pikepdf.Operator("BMC")
    for page in doc.pages:
        key = page.obj.get("/StructParents")
        marked = parents.get(int(key)) if key is not None else None
        if not isinstance(marked, pikepdf.Array):
            continue
        orphans = {
            mcid
            for mcid, element in enumerate(marked)
            if isinstance(element, pikepdf.Dictionary)
            and element.objgen not in elements
        }
        if not orphans:
            continue
        if not _orphans_as_artifacts_fast(page, orphans):
            instructions = []
            for operands, operator in pikepdf.parse_content_stream(page):
                if (
                    operator == bdc
                    and len(operands) == 2
                    and isinstance(operands[1], pikepdf.Dictionary)
                    and int(operands[1].get("/MCID", -1)) in orphans
                ):
                    instructions.append(([pikepdf.Name.Artifact], bmc))
                else:
                    instructions.append((operands, operator))
            page.Contents = doc.make_stream(
                pikepdf.unparse_content_stream(instructions)
            )
        for mcid in orphans:
            marked[mcid] = None


# WeasyPrint opens a tagged sequence as "/Tag <</MCID n>> BDC"; its text is
# drawn from hex strings, so the pattern cannot occur inside a string.
MARKED_CONTENT = re.compile(rb"/[^\s/<>\[\]()]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")


def _orphans_as_artifacts_fast(page, orphans: set) -> bool:
    """Mark the sequences ``orphans`` as artifacts by rewriting the stream's
    bytes, about twenty times faster than parsing every operator. Returns
    False, changing nothing, when the page's content is not the one stream
    of WeasyPrint's form with every orphan found once; the caller then parses."""
    import pikepdf

    contents = page.obj.get("/Contents")
    if not isinstance(contents, pikepdf.Stream):
        return False
    found = []

    def replace(match):
        if int(match.group(1)) in orphans:
            found.append(int(match.group(1)))
            return b"/Artifact BMC"
        return match.group(0)

    data = MARKED_CONTENT.sub(replace, contents.read_bytes())
    if sorted(found) != sorted(orphans):
        return False
    contents.write(data)
    return True


def _header_scopes_and_ids(doc, root, elements: dict) -> None:
    import pikepdf

    ids = {}
    for element in elements.values():
        if element.get("/ID") is not None:
            ids[bytes(element.ID)] = element
        if element.S != "/TH":
            continue
        row = element.get("/P")
        section = row.get("/P") if row is not None else None
        in_head = section is not None and section.get("/S") == "/THead"
        scope = pikepdf.Name.Column if in_head else pikepdf.Name.Row
        attributes = element.get("/A")
        if isinstance(attributes, pikepdf.Dictionary):
            attributes.O = pikepdf.Name.Table
            attributes.Scope = scope
        else:
            element.A = pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=scope)
    if ids:
        names = pikepdf.Array()
        for key in sorted(ids):
            names.append(pikepdf.String(key))
            names.append(ids[key])
        root.IDTree = pikepdf.Dictionary(Names=names)


if __name__ == "__main__":
    main()
