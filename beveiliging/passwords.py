"""A password must not be guessable from its shape.

Django's validators refuse short, common, all-digit passwords and ones like the
username, but accept ``aaaaaaaaaaaa``, ``abcdefghijkl`` or ``qwertyuiopas``:
twelve characters that a guesser tries among the first. This validator refuses
a password

- with fewer than ``min_distinct`` different characters (``aaaaaaaaaaaa``,
  ``abababababab``), or
- that can be written down in fewer than ``min_pieces`` pieces, where one piece
  is a single character, a run of three or more repeated characters
  (``aaaa``), a run of three or more along the alphabet, the digits or a
  keyboard row, either way (``abcdef``, ``4321``, ``qwerty``, ``!@#$``), or a
  repetition of three or more characters that came before (the second
  ``abc123`` of ``abc123abc123``). A guesser's list grows with every
  unpredictable piece, not with every character.

Upper and lower case count as the same character: ``AbCdEfGhIjKl`` is as
guessable as ``abcdefghijkl``. Long uncommon passphrases have dozens of pieces.
Only the first ``_ANALYSED`` characters are looked at, which keeps the work
bounded for any input and is far more than the pieces needed.

The pieces are found greedily from the left, taking the longest run or
repetition at each point; that is not the fewest pieces possible, but it is
what a guesser who tries runs and repeats first would find.
"""

import itertools
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Lines along which a guesser walks: the alphabet, the digits (0 after 9, as
# on the keyboard) and the rows of a QWERTY keyboard, unshifted and shifted.
_LINES = (
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890",
    "`1234567890-=",
    "~!@#$%^&*()_+",
    "qwertyuiop[]\\",
    "asdfghjkl;'",
    "zxcvbnm,./",
)
_ANALYSED = 256
_MIN_RUN = 3


def _steps() -> dict[tuple[str, str], frozenset]:
    """For each pair of neighbouring characters: the directions (line, ±1)."""
    steps: dict[tuple[str, str], set] = {}
    for number, line in enumerate(_LINES):
        for a, b in itertools.pairwise(line):
            steps.setdefault((a, b), set()).add((number, 1))
            steps.setdefault((b, a), set()).add((number, -1))
    return {pair: frozenset(directions) for pair, directions in steps.items()}


_STEPS = _steps()
_REPEAT = frozenset({"repeat"})


def _run_length(text: str, start: int) -> int:
    """How far a run (one character repeated, or one direction along a line)
    goes from ``start``."""
    directions = None
    end = start + 1
    while end < len(text):
        pair = (text[end - 1], text[end])
        step = _REPEAT if pair[0] == pair[1] else _STEPS.get(pair, frozenset())
        directions = step if directions is None else directions & step
        if not directions:
            break
        end += 1
    return end - start


def _repeat_length(text: str, start: int) -> int:
    """The longest stretch from ``start`` that also starts earlier in the text."""
    length = 0
    while start + length < len(text) and (
        text.find(text[start : start + length + 1], 0, start + length) != -1
    ):
        length += 1
    return length


def pieces(password: str) -> int:
    """How many pieces ``password`` is written in (see the module)."""
    text = password[:_ANALYSED].casefold()
    count = position = 0
    while position < len(text):
        longest = max(_run_length(text, position), _repeat_length(text, position))
        position += longest if longest >= _MIN_RUN else 1
        count += 1
    return count


class VarietyPasswordValidator:
    """Refuses passwords of few different characters or of runs and repeats."""

    def __init__(self, min_distinct: int = 5, min_pieces: int = 8):
        self.min_distinct = min_distinct
        self.min_pieces = min_pieces

    def validate(self, password: str, user=None) -> None:
        if len(set(password.casefold())) < self.min_distinct:
            raise ValidationError(
                _(
                    "Dit wachtwoord bevat te weinig verschillende tekens. Gebruik "
                    "er minstens %(min_distinct)d."
                ),
                code="password_too_few_distinct",
                params={"min_distinct": self.min_distinct},
            )
        # Doubling every character (``aabbccddeeff``) adds nothing to guess.
        undoubled = re.sub(r"(.)\1+", r"\1", password.casefold())
        if min(pieces(password), pieces(undoubled)) < self.min_pieces:
            raise ValidationError(
                _(
                    "Dit wachtwoord bestaat vooral uit reeksen en herhalingen, zoals "
                    "‘abcd’, ‘4321’, ‘qwerty’ of ‘aaaa’, en is daardoor snel te "
                    "raden. Kies meer afwisseling, bijvoorbeeld een paar losse "
                    "woorden."
                ),
                code="password_too_predictable",
            )

    def get_help_text(self) -> str:
        return _(
            "Uw wachtwoord moet minstens %(min_distinct)d verschillende tekens "
            "bevatten en mag niet vooral uit reeksen of herhalingen bestaan, zoals "
            "‘abcd’, ‘1234’, ‘qwerty’ of ‘aaaa’."
        ) % {"min_distinct": self.min_distinct}


# Words a guesser tries first, dressed up with a year, digits or signs: the
# usual Dutch and English ones, the months, days and seasons, and the names
# of the place and the work this application is for.
_COMMON_WORDS_TEXT = """
    welkom wachtwoord paswoord passwoord geheim hallo hoi test testen beheer
    beheerder gebruiker inloggen toegang sleutel liefde schat zomer winter
    lente herfst voorjaar najaar januari februari maart april mei juni juli
    augustus september oktober november december maandag dinsdag woensdag
    donderdag vrijdag zaterdag zondag nederland holland oranje denhaag haag
    scheveningen amsterdam rotterdam utrecht gemeente griffie raad college
    coordinator beleid beleidsmedewerker actie acties actieprogramma
    mensenhandel ajax feyenoord psv password passw welcome letmein admin
    administrator login secret qwerty azerty iloveyou monkey dragon football
    baseball sunshine princess master shadow superman hello trustno freedom
    whatever summer winter spring autumn
"""
COMMON_WORDS = frozenset(_COMMON_WORDS_TEXT.split())
# How a word is disguised: digits and signs read as the letters they resemble.
_LOOK_ALIKES = str.maketrans("013457@$!|", "oieastasil")
# Digits, signs and spaces before and after the word.
_DECORATION = re.compile(r"^[\W\d_]*|[\W\d_]*$")


def core_word(password: str) -> str:
    """The word in ``password`` once the year, digits and signs around it are
    taken off and look-alikes read as letters (``Passw0rd2025!`` → password)."""
    bare = _DECORATION.sub("", password.casefold())
    return re.sub(r"\s+", "", bare.translate(_LOOK_ALIKES))


class CommonWordPasswordValidator:
    """Refuses a common word with digits or signs around it (``Welkom2025!``).

    Django's list of common passwords holds the exact strings people use; the
    variants a policy of "at least twelve characters" makes people type are
    a common word and a year, which a guesser tries just as early.
    """

    def validate(self, password: str, user=None) -> None:
        if core_word(password[:_ANALYSED]) in COMMON_WORDS:
            raise ValidationError(
                _(
                    "Dit wachtwoord is een bekend woord met cijfers of tekens "
                    "eromheen, zoals ‘Welkom2025!’, en is daardoor snel te raden. "
                    "Kies een paar losse woorden."
                ),
                code="password_common_word",
            )

    def get_help_text(self) -> str:
        return _(
            "Uw wachtwoord mag geen bekend woord met alleen een jaartal, cijfers "
            "of tekens eromheen zijn, zoals ‘Welkom2025!’."
        )
