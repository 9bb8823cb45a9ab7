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
    timeout: float = 120,
    memory_mb: int = 1536,
) -> bytes:
    """The PDF of ``html``; relative URLs resolve inside ``static_root`` only.

    ``final`` makes it PDF/A-3b with the ``attachments`` embedded. Raises
    ``PdfRenderError`` when rendering fails, takes longer than ``timeout``
    seconds or needs more than ``memory_mb`` of memory.
    """
    job = {
        "html": _NOT_TEXT.sub("", html),
        "static_root": str(Path(static_root).resolve()),
        "final": final,
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
        if any("MemoryError" in line for line in detail):
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
    sys.stdout.buffer.write(pdf)


if __name__ == "__main__":
    main()
