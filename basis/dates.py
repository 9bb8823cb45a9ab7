"""Dates as Dutch readers write them, in reports and tables."""

import datetime

# The abbreviations of the Dutch style guides (Taalunie): with a full stop,
# except "mei", which is whole.
MONTHS_SHORT = ("jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.",
                "sep.", "okt.", "nov.", "dec.")  # fmt: skip


def short_date(day: datetime.date) -> str:
    """ "1 okt. 2025": where a full month name does not fit (tables)."""
    return f"{day.day} {MONTHS_SHORT[day.month - 1]} {day.year}"
