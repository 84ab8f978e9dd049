"""Passwords: hashing with Argon2id (argon2-cffi's defaults), and what a new password must be."""
from __future__ import annotations

import re
import secrets
from typing import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

_hasher = PasswordHasher()

# A hash of a random password, verified against when the email is unknown, so that
# signing in takes as long for an unknown address as for a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


# --- what a new password must be --------------------------------------------------------------------------
#
# NCSC and NIST SP 800-63B: long enough, not on a list of common or breached passwords, not built
# from the account's own details; no rules about symbols and no forced changes. zxcvbn holds the
# lists (about 30,000 of the most common passwords from public breaches, English words, names,
# keyboard patterns) and scores a password by how many guesses it would take.

MIN_LENGTH = 12
MAX_LENGTH = 256  # Argon2 takes any length; a ceiling stops someone posting megabytes to hash
# zxcvbn's score 3 is "safely unguessable: moderate protection from an offline slow-hash attack"
# (about 10^8 guesses or more); Argon2 makes each guess slow.
MIN_SCORE = 3
# zxcvbn's time grows with the length; what it finds in the first 100 characters decides.
_SCORED_LENGTH = 100

TOO_SHORT = f"Your password must be {MIN_LENGTH} characters or more"
TOO_LONG = f"Your password must be {MAX_LENGTH} characters or fewer"
HAS_OWN_DETAILS = "Your password must not contain your name or email address"
TOO_EASY = ("Your password is too easy to guess: it is a common password, or made of common words, names, "
            "dates or keyboard patterns. Three or four unrelated words make a strong password")


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _own_details(details: Iterable[str | None]) -> tuple[list[str], list[str]]:
    """From the account's email address and name: what a password must not contain (the address, the
    name and the address's first part, squashed to letters and digits), and the words zxcvbn should
    treat as known to an attacker (kofi, mensah, example)."""
    whole: set[str] = set()
    words: set[str] = set()
    for detail in details:
        text = (detail or "").strip().lower()
        if not text:
            continue
        whole.add(_squash(text))
        whole.add(_squash(text.partition("@")[0]))
        words.update(part for part in re.split(r"[^a-z0-9]+", text) if len(part) >= 3)
    return sorted(w for w in whole if len(w) >= 6), sorted(words)


def password_problem(password: str, own_details: Iterable[str | None] = ()) -> str | None:
    """The message for a password that breaks the rules, or None if it is acceptable.

    ``own_details`` are the account's email address and name: a password built around them is refused."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    whole, words = _own_details(own_details)
    squashed = _squash(password)
    if any(detail in squashed for detail in whole):
        return HAS_OWN_DETAILS
    # Their words in another order, with a year or a symbol added ("mensahkofi1990"), are theirs too.
    for word in sorted(words, key=len, reverse=True):
        squashed = squashed.replace(word, "")
    if words and len(re.sub(r"[0-9]", "", squashed)) < 4:
        return HAS_OWN_DETAILS
    if zxcvbn(password[:_SCORED_LENGTH], user_inputs=words)["score"] < MIN_SCORE:
        return TOO_EASY
    return None
