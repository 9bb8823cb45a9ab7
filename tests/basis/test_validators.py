"""The BSN detector that keeps victims' citizen service numbers out of free text."""

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from basis.validators import (
    BSN_MESSAGE,
    contains_bsn,
    passes_eleven_test,
    validate_no_bsn,
)


@pytest.mark.parametrize("number", ["111222333", "123456782", "999999990", "010000008"])
def test_valid_bsns_pass_the_eleven_test(number):
    assert passes_eleven_test(number)


@pytest.mark.parametrize(
    "number", ["123456789", "111222334", "987654321", "000000000", "12345678"]
)
def test_other_numbers_fail_the_eleven_test(number):
    assert not passes_eleven_test(number)


@pytest.mark.parametrize(
    "text",
    [
        "111222333",
        "123456782",
        "BSN 123456782.",
        "bsn:123456782,",
        "cliënt123456782x",
        "1234.56.782",
        "1234 56 782",
        "123 456 782",
        "123.456.782",
        "123-456-782",
        "123\u00a0456\u00a0782",
        "12.34.56.782",
        "12 34 56 782",
        "in 2025 123456782",
        "Eerst 123456789, dan 123456782.",
        "１２３４５６７８２",
        "regel een\n123 456 782\nregel drie",
        "1234.56 782",  # mixed separators
        "123-456 782",
        "1234 56.782",
        "12.34 56-782",
        "123 - 456 - 782",
        "123  456  782",
        "in 2025 123 456 782",  # after a number that cannot go on in thousands
        "zaak 2025-123-456-782",
        "123 456 782 2025",
        "0 123.456.782",  # another separator: not one number
        "１２３\u2013456\u00a0\u200b７８２",  # several kinds at once
        "1\u00ad2\u00ad3\u2009\u2212\u2009456\u202f782",
    ],
)
def test_a_possible_bsn_is_found(text):
    assert contains_bsn(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "123456789",  # nine digits that fail the eleven-test
        "1234.56.789",
        "123 456 789",
        "000000000",
        "1234567820",  # a longer run of digits
        "0123456782",
        "NL91ABNA0417164300",
        "1.123.456.782",  # a longer grouped number (over a billion)
        "06 123 456 782 1",
        "123 456 7820",
        "12345678",
        "RIS302261, OCW/10808144, BOW/2019.171",
        "Op 22-05-2025 om 12.30 uur, 1.234.567 euro.",
        "acties 1.1, 2.3, 4.5 en 3.2",
    ],
)
def test_no_bsn_is_found(text):
    assert not contains_bsn(text)


def test_a_long_text_does_not_make_the_guard_hang():
    """A pattern that backtracks catastrophically takes minutes on this text;
    the bound is ten times what a linear scan needs on a busy machine, so it
    catches a hang, not a slow run."""
    import time

    text = "1 22 333 4444 55555 " * 5000 + "123456782"
    start = time.perf_counter()
    assert contains_bsn(text)
    assert time.perf_counter() - start < 10


def test_the_validator_refuses_with_a_dutch_message():
    validate_no_bsn("Geen nummer hier, alleen 123456789.")
    validate_no_bsn(None)
    with pytest.raises(ValidationError) as exc:
        validate_no_bsn("Slachtoffer 123456782")
    assert exc.value.code == "bsn"
    assert exc.value.messages == [str(BSN_MESSAGE)]
    assert "burgerservicenummer" in str(BSN_MESSAGE)


# --- what a reader sees is what is checked ------------------------------------------

# Characters that show nothing (Unicode category Cf, format): zero-width space,
# non-joiner, joiner, word joiner, byte-order mark, soft hyphen, the direction
# marks, embeddings, overrides and isolates, and the Mongolian vowel separator.
INVISIBLE = [
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u00ad",
    "\u200e",
    "\u200f",
    "\u061c",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u180e",
]
SPACES = [
    " ",
    "\u00a0",  # no-break space
    "\u2002",  # en space
    "\u2003",  # em space
    "\u2007",  # figure space
    "\u2009",  # thin space
    "\u200a",  # hair space
    "\u202f",  # narrow no-break space
    "\u205f",  # medium mathematical space
    "\u3000",  # ideographic space
]
DASHES = [
    "-",
    "\u2010",  # hyphen
    "\u2011",  # non-breaking hyphen
    "\u2012",  # figure dash
    "\u2013",  # en dash
    "\u2014",  # em dash
    "\u2015",  # horizontal bar
    "\u2212",  # minus sign
    "\ufe63",  # small hyphen-minus
    "\uff0d",  # full-width hyphen-minus
]
DOTS = [".", "\u00b7", "\u2024", "\uff0e"]
SEPARATORS = SPACES + DASHES + DOTS
# The zero of some scripts whose digits are decimal digits to Unicode.
ZEROS = {
    "ascii": "0",
    "full-width": "\uff10",
    "arabic-indic": "\u0660",
    "extended arabic-indic": "\u06f0",
    "devanagari": "\u0966",
    "bengali": "\u09e6",
    "thai": "\u0e50",
    "mathematical bold": "\U0001d7ce",
}


def _in_script(number: str, zero: str) -> str:
    return "".join(chr(ord(zero) + int(d)) for d in number)


def test_the_character_classes_are_what_they_say():
    assert {unicodedata.category(c) for c in INVISIBLE} == {"Cf"}
    assert {unicodedata.category(c) for c in SPACES} == {"Zs"}
    assert {unicodedata.category(c) for c in DASHES} == {"Pd", "Sm"}
    for zero in ZEROS.values():
        assert [unicodedata.decimal(_in_script(str(d), zero)) for d in range(10)] == [
            *range(10)
        ]


@pytest.mark.parametrize("char", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_an_invisible_character_inside_a_bsn_does_not_hide_it(char):
    assert contains_bsn(f"123{char}456{char}782")
    assert contains_bsn(f"1{char}2345678{char}2")
    assert contains_bsn(f"Cliënt {char}123456782{char} woont hier.")
    assert contains_bsn(f"123 {char}456{char} 782")
    # Shown as a longer number, it is one.
    assert not contains_bsn(f"123456782{char}0")
    assert not contains_bsn(f"123{char}456{char}789")


@pytest.mark.parametrize("sep", SEPARATORS, ids=[f"U+{ord(c):04X}" for c in SEPARATORS])
def test_every_space_dash_and_dot_separates_groups(sep):
    assert contains_bsn(f"123{sep}456{sep}782")
    assert contains_bsn(f"1234{sep}56{sep}782")
    assert contains_bsn(f"12{sep}34{sep}56{sep}782")
    assert contains_bsn(f"123{sep}456 782")
    assert not contains_bsn(f"123{sep}456{sep}789")
    assert not contains_bsn(f"1{sep}123{sep}456{sep}782")


@pytest.mark.parametrize("zero", ZEROS.values(), ids=ZEROS.keys())
def test_digits_of_any_script_count(zero):
    assert contains_bsn(_in_script("123456782", zero))
    assert contains_bsn(
        "BSN " + "\u2013".join(_in_script(g, zero) for g in ["123", "456", "782"])
    )
    assert not contains_bsn(_in_script("123456789", zero))
    assert not contains_bsn(_in_script("1234567820", zero))


def test_a_keycap_or_an_accent_on_a_digit_does_not_hide_it():
    keycaps = "".join(f"{d}\ufe0f\u20e3" for d in "123456782")
    assert contains_bsn(keycaps)
    assert contains_bsn("1\u03012\u03013\u0301456782")


@pytest.mark.parametrize(
    "text",
    [
        "Op 22\u201305\u20132025 om 12.30 uur",
        "22 mei 2025, 14:00\u201316:00 uur",
        "€\u00a01.234.567,89 en € 12.345.678",
        "bel 070\u00a0353\u00a030\u00a000 of 06\u201112\u00a034\u00a056\u00a078",
        "+31\u00a0(0)70\u00a0353\u00a03000",
        "tel. 070 \u2013 123 456 789",  # nine digits that fail the eleven-test
        "het jaar 2025 123 456 789",
        "1.123.456.782\u00a0euro",  # over a billion, in thousands
        "06\u00a0123\u00a0456\u00a0782\u00a01",
        "NL91\u00a0ABNA\u00a00417\u00a0164\u00a0300",
        "pagina 12\u201334, 56\u201378",
        "123/456/782",
        "123, 456, 782",
        "\u200b\u200d\ufeff²³¹١٢٣",
    ],
)
def test_ordinary_text_with_odd_characters_is_not_refused(text):
    assert not contains_bsn(text)


def test_a_long_text_in_other_scripts_does_not_make_the_guard_hang():
    import time

    text = "١ ٢٢ ٣٣٣\u200b ٤٤٤٤\u00a0𝕏🙂 " * 10000 + "１２３\u2013４５６\u2013７８２"
    start = time.perf_counter()
    assert contains_bsn(text)
    assert time.perf_counter() - start < 10  # a hang, not a slow run (see above)


# --- generated: valid BSNs hidden every way ----------------------------------------

_WEIGHTS_8 = (9, 8, 7, 6, 5, 4, 3, 2)  # the ninth digit makes the sum divisible
_LAYOUTS = [(9,), (4, 2, 3), (3, 3, 3), (2, 2, 2, 3)]


@st.composite
def _nine_digits(draw, *, valid: bool) -> str:
    first = draw(st.lists(st.integers(0, 9), min_size=8, max_size=8))
    check = sum(w * d for w, d in zip(_WEIGHTS_8, first, strict=True)) % 11
    if valid:
        assume(check <= 9 and any(first))  # else no ninth digit makes a BSN
        last = check
    else:
        last = draw(st.integers(0, 9).filter(lambda d: d != check))
    return "".join(map(str, [*first, last]))


@st.composite
def _written(draw, digits: str, invisible=tuple(INVISIBLE)) -> str:
    """``digits`` as someone may write or paste them: any layout, any mix of
    separators between the groups, invisible characters anywhere between the
    digits, each digit in any script."""
    layout = draw(st.sampled_from(_LAYOUTS))
    boundaries = {sum(layout[:i]) for i in range(1, len(layout))}
    out = []
    for index, digit in enumerate(digits):
        if index:
            if index in boundaries:
                out.append(
                    draw(st.text(st.sampled_from(SEPARATORS), min_size=1, max_size=3))
                )
            out.append(draw(st.text(st.sampled_from(invisible), max_size=3)))
        out.append(_in_script(digit, draw(st.sampled_from(list(ZEROS.values())))))
    return "".join(out)


_WORDS = st.sampled_from(["", "BSN ", "Cliënt ", "nummer: ", "(", "zie "])
_AFTER = st.sampled_from(["", ".", " woont in Den Haag.", ")", ", dossier"])


@given(data=st.data())
def test_a_generated_bsn_is_refused_however_it_is_written(data):
    digits = data.draw(_nine_digits(valid=True))
    assert passes_eleven_test(digits)
    text = data.draw(_WORDS) + data.draw(_written(digits)) + data.draw(_AFTER)
    assert contains_bsn(text)
    with pytest.raises(ValidationError):
        validate_no_bsn(text)


@given(data=st.data())
def test_nine_digits_failing_the_eleven_test_pass_however_they_are_written(data):
    digits = data.draw(_nine_digits(valid=False))
    assert not passes_eleven_test(digits)
    # Without the right-to-left override, which shows the digits reversed:
    # another number on screen, refused if that one passes.
    shown_as_typed = tuple(c for c in INVISIBLE if c != "\u202e")
    written = data.draw(_written(digits, shown_as_typed))
    text = data.draw(_WORDS) + written + data.draw(_AFTER)
    assert not contains_bsn(text)
    validate_no_bsn(text)


@pytest.mark.parametrize(
    "text",
    [
        "123\t456\t782",  # a pasted table's cells, shown as one line
        "123\n456\n782",  # lines, shown as one where breaks are not kept
        "123    456    782",  # a browser shows one space
        "123\u3164456\u3164782",  # Hangul filler
        "123\uffa0456\u115f782\u1160",  # half-width filler, choseong filler
        "123\u2800456\u2800782",  # braille blank
        "123\u2065456\ufff0782",  # unassigned, default-ignorable
        "\u202e287654321",  # shown right to left as 123456782
    ],
)
def test_what_shows_as_a_bsn_is_refused_however_it_was_typed(text):
    assert contains_bsn(text)
