"""What an uploaded document is, judged by its content, never by its name.

A file's name and the type the browser sends are the uploader's claims;
libmagic (the library of ``file(1)``) reads what the bytes are. The common
office formats are ZIP archives inside, and libmagic tells them apart only by
the order of their first members, which differs between the programs that
write them; so for a ZIP this module looks at the members themselves: an
Office Open XML file has its main part (``word/document.xml``...), an
OpenDocument file names its type in its ``mimetype`` member.

Accepted: PDF and the current office formats (Word, Excel, PowerPoint and
their OpenDocument counterparts). Refused: everything else, including the
legacy binary formats and macro-enabled documents, which can carry code.
"""

import base64
import dataclasses
import hashlib
import io
import zipfile
from pathlib import PurePath

import magic
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


@dataclasses.dataclass(frozen=True)
class Kind:
    extension: str
    mediatype: str
    label: str


PDF = "application/pdf"
KINDS = (
    Kind(".pdf", PDF, "PDF"),
    Kind(
        ".docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word",
    ),
    Kind(
        ".xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel",
    ),
    Kind(
        ".pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "PowerPoint",
    ),
    Kind(".odt", "application/vnd.oasis.opendocument.text", "OpenDocument-tekst"),
    Kind(
        ".ods",
        "application/vnd.oasis.opendocument.spreadsheet",
        "OpenDocument-rekenblad",
    ),
    Kind(
        ".odp",
        "application/vnd.oasis.opendocument.presentation",
        "OpenDocument-presentatie",
    ),
)
BY_EXTENSION = {kind.extension: kind for kind in KINDS}
BY_MEDIATYPE = {kind.mediatype: kind for kind in KINDS}
# The main part of each Office Open XML format.
OOXML_PARTS = {
    "word/document.xml": BY_EXTENSION[".docx"],
    "xl/workbook.xml": BY_EXTENSION[".xlsx"],
    "ppt/presentation.xml": BY_EXTENSION[".pptx"],
}
ACCEPT = ",".join(kind.extension for kind in KINDS)
ALLOWED_TEXT = ", ".join(kind.extension.lstrip(".") for kind in KINDS)


@dataclasses.dataclass(frozen=True)
class Checked:
    """An upload that passed: its contents and what they are."""

    content: bytes
    kind: Kind
    name: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def _zip_kind(content: bytes) -> Kind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return None  # macros
            for part, kind in OOXML_PARTS.items():
                if part in names:
                    return kind
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size > 200:
                    return None
                declared = archive.read("mimetype").decode("ascii", "replace")
                return BY_MEDIATYPE.get(declared.strip())
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return None
    return None


def content_kind(content: bytes) -> Kind | None:
    """What the bytes are, if they are one of the accepted kinds."""
    found = magic.from_buffer(content[:65536], mime=True)
    if found == PDF:
        return BY_MEDIATYPE[PDF]
    if found in BY_MEDIATYPE or found in (
        "application/zip",
        "application/octet-stream",
    ):
        return _zip_kind(content)
    return None


def clean_name(name: str) -> str:
    """The file name without a path, control characters or surrounding space."""
    base = PurePath(name.replace("\\", "/")).name
    base = "".join(c for c in base if c.isprintable() and c not in '/\\"')
    return base.strip()[:200] or "document"


def check_upload(upload, *, max_bytes: int) -> Checked:
    """The upload's contents if they are what its name says; otherwise a
    ``ValidationError`` that says in Dutch what is wrong."""
    name = clean_name(upload.name or "")
    extension = PurePath(name).suffix.lower()
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("Het bestand is %(size)s; het mag hoogstens %(max)s zijn.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(max_bytes)},
            code="too_large",
        )
    if extension not in BY_EXTENSION:
        raise ValidationError(
            _("Dit soort bestand kan niet worden toegevoegd. Toegestaan: %(allowed)s.")
            % {"allowed": ALLOWED_TEXT},
            code="extension",
        )
    upload.seek(0)
    content = upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise ValidationError(
            _("Het bestand is groter dan %(max)s.")
            % {"max": filesizeformat(max_bytes)},
            code="too_large",
        )
    if not content:
        raise ValidationError(_("Het bestand is leeg."), code="empty")
    kind = content_kind(content)
    expected = BY_EXTENSION[extension]
    if kind != expected:
        raise ValidationError(
            _(
                "De inhoud van dit bestand is geen %(label)s-bestand, terwijl de naam "
                "op %(extension)s eindigt. Kies het juiste bestand of sla het "
                "opnieuw op als %(label)s."
            )
            % {"label": expected.label, "extension": extension},
            code="content",
        )
    return Checked(
        content=content,
        kind=kind,
        name=name,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def repr_digest(sha256_hex: str) -> str:
    """The ``Repr-Digest`` header (RFC 9530) of a stored file whose SHA-256 is
    known: a client checks what it received against it."""
    return f"sha-256=:{base64.b64encode(bytes.fromhex(sha256_hex)).decode()}:"
