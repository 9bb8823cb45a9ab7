"""CSV export shared by every list in the application."""

import csv
from collections.abc import Iterable, Sequence

from django.http import StreamingHttpResponse

# A spreadsheet treats a cell that starts with one of these as a formula; an
# exported text must never run as one (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """The cell as text, with a leading apostrophe if it would read as a formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def unneutralise(text: str) -> str:
    """A cell as it was before ``neutralise``: an export read back is unchanged."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Sequence]
) -> StreamingHttpResponse:
    """Stream ``rows`` as a UTF-8 CSV (with BOM, so Dutch Excel reads it right)."""
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        yield "\ufeff" + writer.writerow([neutralise(cell) for cell in header])
        for row in rows:
            yield writer.writerow([neutralise(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
