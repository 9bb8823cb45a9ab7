"""The QR code of a new authenticator app, as SVG markup inside the page.

Inline SVG needs no data: URI, no image request and no inline style, so the
Content Security Policy stays strict; it has a role and a title so that screen
readers announce it, and the page gives the same secret as text beside it.
"""

from base64 import b32encode

import segno
from django.utils.safestring import SafeString, mark_safe

TITLE_ID = "qr-code-titel"


def secret_text(key: str) -> str:
    """The secret as an authenticator app asks for it: base32, in groups of four."""
    text = b32encode(bytes.fromhex(key)).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(uri: str, *, title: str) -> SafeString:
    # Scale 4: a QR code of this length is about 250 px wide, so that it fits a
    # 320 px wide screen without scrolling sideways (WCAG 1.4.10).
    # Only our own URI goes in (encoded as modules, never as text) and ``title``
    # is our own fixed text; segno writes no script and no style attribute.
    svg = segno.make(uri, error="m").svg_inline(
        scale=4, title=title, light="#fff", dark="#000", svgclass="qr-code"
    )
    svg = svg.replace(
        "<svg ", f'<svg role="img" aria-labelledby="{TITLE_ID}" focusable="false" ', 1
    ).replace("<title>", f'<title id="{TITLE_ID}">', 1)
    return mark_safe(svg)  # noqa: S308
