"""What free text may hold: no possible BSN, and no more than fits its use.

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
  (``12.34.56.782``), with one to three separators between two groups, of
  any kind and mixed (``123-456 782``, ``123 - 456 - 782``).

The text is looked at as a reader sees it, because a number that looks like a
BSN on the screen or in the report is one, whatever bytes it is made of:

- a decimal digit of any script counts as that digit (full-width
  ``１２３４５６７８２``, Arabic-Indic, Devanagari, mathematical bold...);
- characters that show nothing are left out before looking: format
  characters (Unicode category Cf: zero-width space U+200B, (non-)joiners,
  word joiner U+2060, byte-order mark U+FEFF, soft hyphen U+00AD, direction
  marks and embeddings), combining marks (Mn, Me, e.g. a keycap) and control
  characters other than line breaks and tabs. ``123\\u200b456\\u200b782`` is
  ``123456782``;
- every space (Zs: the ordinary, non-breaking, narrow non-breaking, figure,
  ideographic... space) counts as a space, every dash (Pd: hyphen, non-breaking
  hyphen, en and em dash, full-width hyphen...) and the minus sign U+2212 as a
  hyphen, and the middle dot, one-dot leader and full-width full stop as a dot.
  A line break, tab, comma or slash separates nothing: it ends a number.

What does not count: nine digits inside a longer run of digits (an IBAN, an
account or phone number), and groups that a group of one to three digits
continues with the same separator (``1.123.456.782``, ``06 123 456 782 1``):
those are longer numbers, written in thousands or in pairs. A group of four or
more digits before or after does not continue a grouped number (no number is
written that way), so the BSN in ``in 2025 123 456 782`` is found.

The maximum length of each kind of free text is at the end of the module.
"""

import functools
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

BSN_MESSAGE = _(
    "Deze tekst bevat een nummer dat een burgerservicenummer (BSN) kan zijn. "
    "Sla geen persoonsgegevens van slachtoffers op: verwijder het nummer."
)

_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
_LAYOUTS = ((9,), (4, 2, 3), (3, 3, 3), (2, 2, 2, 3))

# Characters that are not dashes by category but are read as one: minus sign,
# hyphen bullet, modifier letter minus.
_EXTRA_DASHES = frozenset("\u2212\u2043\u02d7")
# Characters read as a dot between digit groups: full stop, middle dot, one-dot
# leader, hyphenation point, dot operator, small and full-width full stop.
_DOTS = frozenset(".\u00b7\u2024\u2027\u22c5\ufe52\uff0e")
# Format, combining and unassigned characters: nothing shows (an unassigned
# code point in the default-ignorable ranges is not even drawn as a box).
_INVISIBLE = frozenset({"Cf", "Mn", "Me", "Cn"})
# Letters that are drawn as nothing: the Hangul fillers and the braille blank.
_BLANKS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# The right-to-left override: digits typed after it are shown in the reverse
# order (embeddings and isolates keep a number's digits in their order).
_BIDI_CONTROLS = frozenset("\u202e")

# After normalising, a number is digit groups joined by runs of one to three
# separators; the regular expression is linear (digits and separators are
# disjoint), so a long text is checked in one pass.
_SEPARATOR_RUN = "[ .-]{1,3}"
_NUMBER = re.compile(rf"[0-9]+(?:{_SEPARATOR_RUN}[0-9]+)*")
_SPLIT = re.compile(rf"({_SEPARATOR_RUN})")
_SPACES = re.compile(" {2,}")


@functools.lru_cache(maxsize=4096)
def _as_read(char: str) -> str:
    """The character as the detector reads it: a digit, a separator, nothing
    (for what shows nothing) or itself."""
    digit = unicodedata.decimal(char, None)
    if digit is not None:
        return str(digit)
    category = unicodedata.category(char)
    # A browser shows every run of white space (a tab, a line break in text
    # shown without them) as one space; fillers and the braille blank show as
    # a space too.
    if category == "Zs" or char.isspace() or char in _BLANKS:
        return " "
    if category == "Pd" or char in _EXTRA_DASHES:
        return "-"
    if char in _DOTS:
        return "."
    if category in _INVISIBLE or category == "Cc":
        return ""
    return char


def _normalise(text: str) -> str:
    # Runs of white space are one space, as a browser shows them.
    return _SPACES.sub(" ", "".join(map(_as_read, text)))


def passes_eleven_test(digits: str) -> bool:
    """Whether nine digits pass the BSN eleven-test (and are not all zeros)."""
    values = [int(d) for d in digits]
    if len(values) != 9 or not any(values):
        return False
    return sum(w * v for w, v in zip(_WEIGHTS, values, strict=True)) % 11 == 0


def _holds_bsn(number: str) -> bool:
    """Whether one number (digit groups and separators) holds a possible BSN."""
    parts = _SPLIT.split(number)
    groups, separators = parts[0::2], parts[1::2]
    sizes = tuple(map(len, groups))

    def continues(group: int, separator: int, inner: int) -> bool:
        # A short group joined by the same separator makes a longer number.
        return (
            0 <= group < len(groups)
            and sizes[group] <= 3
            and separators[separator] == separators[inner]
        )

    for start in range(len(groups)):
        for layout in _LAYOUTS:
            end = start + len(layout)
            if sizes[start:end] != layout:
                continue
            if len(layout) > 1 and (
                continues(start - 1, start - 1, start)
                or continues(end, end - 1, end - 2)
            ):
                continue
            if passes_eleven_test("".join(groups[start:end])):
                return True
    return False


def contains_bsn(text: str) -> bool:
    """Whether ``text`` holds a number that may be a BSN (see the module)."""
    if not text:
        return False
    shown = _normalise(text)
    # With a right-to-left control in the text, digits may be shown in the
    # reverse of the order they were typed in: read them both ways.
    readings = [shown, shown[::-1]] if _BIDI_CONTROLS & set(text) else [shown]
    return any(
        _holds_bsn(match.group())
        for reading in readings
        for match in _NUMBER.finditer(reading)
    )


def validate_no_bsn(value) -> None:
    """Django validator: refuse text that holds a possible BSN."""
    if isinstance(value, str) and contains_bsn(value):
        raise ValidationError(BSN_MESSAGE, code="bsn")


# --- limits on free text --------------------------------------------------------------
#
# Every free-text field of the domain has a maximum length, in characters, that
# fits its use with room to spare; without one a single pasted document (a
# 200,000-character progress update) swells the evaluation report by dozens of
# pages. The real records (fixtures/, from the council documents) use a few
# hundred characters at most; the longest source text, the council proposal
# in the seeds, is about 3,200.
#
# A model's TextField hands ``max_length`` to its form field, which renders
# ``maxlength`` and refuses longer text with Django's message stating the limit,
# but unlike a CharField it does not validate the length itself, so the
# services' ``full_clean()`` would let it through: ``limited_text`` gives each
# such field a ``MaxLengthValidator`` with the same limit.


def limited_text(verbose_name, *, limit: int, **kwargs) -> models.TextField:
    """A TextField of at most ``limit`` characters, in forms and in full_clean()."""
    return models.TextField(
        verbose_name,
        max_length=limit,
        validators=[MaxLengthValidator(limit)],
        **kwargs,
    )


#: A progress update: a few paragraphs on one action.
MAX_VOORTGANGSUPDATE = 5_000
#: The explanation of a measurement or of why an action carries out a mandate.
MAX_TOELICHTING = 2_000
#: How a mandate was carried out (proposal and settlement), a programme's goal.
MAX_LANGE_TOELICHTING = 5_000
#: The description of a programme, pillar, action line or action.
MAX_OMSCHRIJVING = 10_000
#: The text of a council mandate as adopted: motions and decisions run long.
MAX_RAADSTEKST = 20_000
#: A narrative section of an evaluation (summary, conclusions, recommendations,
#: the findings on one pillar or action line): a few pages each.
MAX_EVALUATIETEKST = 20_000
