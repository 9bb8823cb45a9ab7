"""Keeping data about individual victims out of the register.

The register holds policy, not casework: no free text may identify a victim.
Names, addresses and dates of birth cannot be told apart from ordinary text,
but a citizen service number (BSN) can, by its eleven-test. So every free-text
field refuses a number that may be a BSN (see ``NoVictimDataMixin`` in
``pijlers/forms.py``). It is a safety net for a slip of the keyboard or a
pasted case file, not a guarantee that a text holds no personal data.

What counts as a possible BSN: nine digits that pass the eleven-test (not all
zeros), written

- together: ``123456782``;
- in groups of 4-2-3 (``1234.56.782``, the notation on Dutch documents),
  3-3-3 (``123 456 782``, ``123.456.782``, ``123-456-782``) or 2-2-2-3
  (``12.34.56.782``), with one kind of separator throughout: a space, a
  non-breaking space, a dot or a hyphen.

Digits of any script count (a full-width ``１２３４５６７８２`` too). What does not
count: nine digits inside a longer run of digits (an IBAN, an account or phone
number), and a grouping that goes on with the same separator and more digits
(``1.123.456.782``, ``06 123 456 782 1``): those are longer numbers.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

BSN_MESSAGE = _(
    "Deze tekst bevat een nummer dat een burgerservicenummer (BSN) kan zijn. "
    "Sla geen persoonsgegevens van slachtoffers op: verwijder het nummer."
)

_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
_LAYOUTS = ((4, 2, 3), (3, 3, 3), (2, 2, 2, 3))
_SEPARATORS = (" ", "\u00a0", "\u202f", ".", "-")


def _candidates_pattern() -> re.Pattern:
    plain = r"(?<!\d)\d{9}(?!\d)"
    grouped = []
    for sep in map(re.escape, _SEPARATORS):
        for layout in _LAYOUTS:
            body = sep.join(rf"\d{{{size}}}" for size in layout)
            grouped.append(rf"(?<!\d)(?<!\d{sep}){body}(?!\d)(?!{sep}\d)")
    # A lookahead finds candidates that overlap (a grouped number after a
    # plain one); at any one position at most one alternative can match.
    return re.compile(rf"(?=({'|'.join([plain, *grouped])}))")


_CANDIDATES = _candidates_pattern()
_NON_DIGIT = re.compile(r"\D")


def passes_eleven_test(digits: str) -> bool:
    """Whether nine digits pass the BSN eleven-test (and are not all zeros)."""
    values = [int(d) for d in digits]
    if len(values) != 9 or not any(values):
        return False
    return sum(w * v for w, v in zip(_WEIGHTS, values, strict=True)) % 11 == 0


def contains_bsn(text: str) -> bool:
    """Whether ``text`` holds a number that may be a BSN (see the module)."""
    if not text:
        return False
    return any(
        passes_eleven_test(_NON_DIGIT.sub("", match.group(1)))
        for match in _CANDIDATES.finditer(text)
    )


def validate_no_bsn(value) -> None:
    """Django validator: refuse text that holds a possible BSN."""
    if isinstance(value, str) and contains_bsn(value):
        raise ValidationError(BSN_MESSAGE, code="bsn")
