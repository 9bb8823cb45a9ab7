"""Dates as Dutch readers write them, in reports and tables."""

import datetime

# The abbreviations of the Dutch style guides (Taalunie): with a full stop,
# except "mei", which is whole.
MONTHS_SHORT = ("jan.", "feb.", "mrt.", "apr.", "mei", "jun.", "jul.", "aug.",
                "sep.", "okt.", "nov.", "dec.")  # fmt: skip


def short_date(day: datetime.date) -> str:
    """ "1 okt. 2025": where a full month name does not fit (tables)."""
    return f"{day.day} {MONTHS_SHORT[day.month - 1]} {day.year}"


MONTHS_LONG = ("januari", "februari", "maart", "april", "mei", "juni", "juli",
               "augustus", "september", "oktober", "november", "december")  # fmt: skip


def long_date(day: datetime.date) -> str:
    """ "22 mei 2025": in running text, whatever the active language."""
    return f"{day.day} {MONTHS_LONG[day.month - 1]} {day.year}"


def today() -> datetime.date:
    """Today in the application's time zone (Europe/Amsterdam)."""
    from django.utils import timezone

    return timezone.localdate()
