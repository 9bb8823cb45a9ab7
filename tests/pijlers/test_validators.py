"""The BSN detector that keeps victims' citizen service numbers out of free text."""

import pytest
from django.core.exceptions import ValidationError

from pijlers.validators import (
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
        "1234.56 782",  # mixed separators are not a written BSN
        "12345678",
        "RIS302261, OCW/10808144, BOW/2019.171",
        "Op 22-05-2025 om 12.30 uur, 1.234.567 euro.",
        "acties 1.1, 2.3, 4.5 en 3.2",
    ],
)
def test_no_bsn_is_found(text):
    assert not contains_bsn(text)


def test_a_long_text_is_checked_quickly():
    import time

    text = "1 22 333 4444 55555 " * 5000 + "123456782"
    start = time.perf_counter()
    assert contains_bsn(text)
    assert time.perf_counter() - start < 1


def test_the_validator_refuses_with_a_dutch_message():
    validate_no_bsn("Geen nummer hier, alleen 123456789.")
    validate_no_bsn(None)
    with pytest.raises(ValidationError) as exc:
        validate_no_bsn("Slachtoffer 123456782")
    assert exc.value.code == "bsn"
    assert exc.value.messages == [str(BSN_MESSAGE)]
    assert "burgerservicenummer" in str(BSN_MESSAGE)
