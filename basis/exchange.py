"""How a value travels out of the register and back in: one encoding for all.

Every export (the lists' CSV, open data, the report's data attachment, the
import's template) writes values through ``plain`` and every import reads them
back through ``parse_date`` and ``parse_decimal``, so that a file one of them
wrote, another reads as it was meant.
"""

import datetime
from decimal import Decimal


def plain(value):
    """A date or moment as ISO 8601, a decimal as stored (never in exponent
    notation); anything else as it is."""
    if isinstance(value, datetime.date):  # a datetime is a date too
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def parse_date(text: str | None) -> datetime.date | None:
    """An ISO date, or None for an empty cell."""
    return datetime.date.fromisoformat(text) if text else None


def parse_decimal(value) -> Decimal | None:
    """A decimal from text or a number, or None for an empty cell."""
    return None if value in (None, "") else Decimal(str(value))
