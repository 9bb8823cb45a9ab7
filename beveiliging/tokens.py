"""The form of an API token: ``apt_<prefix>_<secret>``.

The prefix (12 hexadecimal characters) finds the stored row; the secret is
256 random bits. Only the SHA-256 of the whole token is stored: a token is
random, not chosen by a person, so there is nothing that a slow password
hash would protect better.
"""

import hashlib
import secrets

TOKEN_PREFIX = "apt_"  # noqa: S105 - the marker every token starts with, no secret


def new_token() -> tuple[str, str]:
    """A new token and its prefix."""
    prefix = secrets.token_hex(6)
    return f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}", prefix


def prefix_of(raw: str) -> str | None:
    """The prefix of something that has the form of a token, else None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    prefix, _sep, secret = raw[len(TOKEN_PREFIX) :].partition("_")
    return prefix if prefix and secret else None


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()
