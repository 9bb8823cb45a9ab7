"""Passwords of few different characters, or of runs and repeats, are refused.

Through ``AUTH_PASSWORD_VALIDATORS``, so wherever a password is set: the
``create_user`` command and the admin's password change among them.
"""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from beveiliging.passwords import VarietyPasswordValidator, pieces

TOO_FEW = "Dit wachtwoord bevat te weinig verschillende tekens. Gebruik er minstens 5."
PREDICTABLE = (
    "Dit wachtwoord bestaat vooral uit reeksen en herhalingen, zoals ‘abcd’, "
    "‘4321’, ‘qwerty’ of ‘aaaa’, en is daardoor snel te raden. Kies meer "
    "afwisseling, bijvoorbeeld een paar losse woorden."
)
HELP = (
    "Uw wachtwoord moet minstens 5 verschillende tekens bevatten en mag niet "
    "vooral uit reeksen of herhalingen bestaan, zoals ‘abcd’, ‘1234’, ‘qwerty’ "
    "of ‘aaaa’."
)
# Long and uncommon: accepted by every validator of the settings.
PASSPHRASES = [
    "correct-horse-battery-staple",
    "Lang-en-uniek-wachtwoord-42",
    "een-lang-en-sterk-wachtwoord",
    "Zeven kleine walvissen zwemmen",
    "fietsbel paraplu wolkenkrabber",
    "Tulp&Fiets93!",
    "kaas-regen-boot-lamp-7",
]


def _user():
    return get_user_model()(username="ambtenaar", first_name="Anna")


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaaaa",
        "AAAAaaaaAAAA",  # case does not make new characters
        "abababababab",
        "Aa1!Aa1!Aa1!",
        "aaaabbbbccccdddd",
        "111122223333",
    ],
)
def test_a_password_of_few_different_characters_is_refused(password):
    with pytest.raises(ValidationError) as exc:
        validate_password(password, _user())
    assert TOO_FEW in exc.value.messages


@pytest.mark.parametrize(
    "password",
    [
        "abcdefghijkl",
        "AbCdEfGhIjKl",
        "zyxwvutsrqpo",  # backwards too
        "123456789012",
        "0987654321ab",
        "qwertyuiopas",  # a keyboard row
        "poiuytrewqlk",
        "asdfghjkl;'z",
        "!@#$%^&*()_+",  # the shifted digit row
        "abc123abc123",  # a repeated block
        "Abcdef!23456",
        "qwerty123456qwerty",
        "aaabbbcccdddeeefff",
        "zomerzomerzomerzomer",
    ],
)
def test_a_password_of_runs_and_repeats_is_refused(password):
    with pytest.raises(ValidationError) as exc:
        validate_password(password, _user())
    assert PREDICTABLE in exc.value.messages


@pytest.mark.parametrize("password", PASSPHRASES)
def test_a_long_uncommon_passphrase_is_accepted(password):
    assert validate_password(password, _user()) is None


def test_pieces_count_runs_and_repeats_once():
    assert pieces("abcdefghijkl") == 1
    assert pieces("qwertyuiop" + "as") == 3  # the row, then two characters
    assert pieces("abc123" + "abc123") == 3  # two runs, then their repetition
    assert pieces("kaas") == 4  # a doubled letter is no run
    assert pieces("correct-horse-battery-staple") > 20


def test_only_the_start_of_a_long_password_is_analysed():
    """The cost is bounded by the analysed length, whatever is pasted."""
    long_passphrase = PASSPHRASES[0] * 40_000
    assert pieces(long_passphrase) == pieces(long_passphrase[:256])
    VarietyPasswordValidator().validate(long_passphrase)
    VarietyPasswordValidator().validate("".join(map(chr, range(0x4E00, 0x9FFF))))
    with pytest.raises(ValidationError):
        VarietyPasswordValidator().validate("abc" * 100_000)


def test_the_help_text_is_dutch_and_shown_with_the_others():
    assert VarietyPasswordValidator().get_help_text() == HELP
    assert HELP in password_validators_help_texts()


# --- where passwords are set --------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "abcdefghijkl", "qwertyuiopas"])
def test_create_user_refuses_a_weak_password_with_the_dutch_message(
    monkeypatch, password
):
    monkeypatch.setenv("DJANGO_USER_PASSWORD", password)
    with pytest.raises(CommandError) as exc:
        call_command("create_user", "anna", "--role", "griffie")
    assert TOO_FEW in str(exc.value) or PREDICTABLE in str(exc.value)
    assert not get_user_model().objects.filter(username="anna").exists()

    monkeypatch.setenv("DJANGO_USER_PASSWORD", PASSPHRASES[-1])
    call_command("create_user", "anna", "--role", "griffie", stdout=io.StringIO())
    assert get_user_model().objects.get(username="anna").check_password(PASSPHRASES[-1])


@pytest.mark.django_db
def test_the_admin_password_change_refuses_a_weak_password(client, admin_user):
    user = get_user_model().objects.create_user("bert", password=PASSPHRASES[0])
    client.force_login(admin_user)
    url = reverse("admin:auth_user_password_change", args=[user.pk])

    for password, message in [("abcdefghijkl", PREDICTABLE), ("aaaaaaaaaaaa", TOO_FEW)]:
        response = client.post(
            url,
            {"usable_password": "true", "password1": password, "password2": password},
        )
        assert response.status_code == 200
        assert message in response.context["form"].errors["password2"]
        assert message in response.content.decode()
        user.refresh_from_db()
        assert user.check_password(PASSPHRASES[0])

    response = client.post(
        url,
        {
            "usable_password": "true",
            "password1": PASSPHRASES[1],
            "password2": PASSPHRASES[1],
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(PASSPHRASES[1])


COMMON_WORD = (
    "Dit wachtwoord is een bekend woord met cijfers of tekens eromheen, zoals "
    "‘Welkom2025!’, en is daardoor snel te raden. Kies een paar losse woorden."
)


@pytest.mark.parametrize(
    "password",
    [
        "Welkom2025!!",
        "Wachtwoord123",
        "Password1234!",
        "Passw0rd2025",  # a zero for the o
        "DenHaag2025!",
        "2025-Zomer-2025",
        "Mensenhandel2026",
    ],
)
def test_a_common_word_with_a_year_or_signs_around_it_is_refused(password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, _user())
    assert COMMON_WORD in refused.value.messages


def test_every_character_doubled_is_a_run_all_the_same():
    with pytest.raises(ValidationError) as refused:
        validate_password("aabbccddeeff", _user())
    assert PREDICTABLE in refused.value.messages


@pytest.mark.parametrize("password", PASSPHRASES)
def test_passphrases_pass_every_validator_of_the_settings(password):
    assert validate_password(password, _user()) is None  # raises when refused
