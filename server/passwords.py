"""The password policy: long enough, hard to guess, not the user's own name, not a public one.

One rule for the admin API, the CLI and (through rules.generated.ts and the same estimator,
zxcvbn) the PWA's user form. A strength estimator rather than a home-made list: zxcvbn knows
common passwords, keyboard walks, dates, repeats and l33t spellings.
"""

from __future__ import annotations

from collections.abc import Iterable

from zxcvbn import zxcvbn

from .demo_data import DEMO_PASSWORD
from .schemas.rules import PASSWORD_MIN_LENGTH, PASSWORD_MIN_SCORE

# Passwords printed in this repository's README: never a real account's.
PUBLIC_PASSWORDS = frozenset({DEMO_PASSWORD})
TOO_SHORT = f"At least {PASSWORD_MIN_LENGTH} characters."
ZXCVBN_MAX_LENGTH = 72  # the longest password zxcvbn scores (its max_length)
TOO_EASY = "Too easy to guess: use a longer phrase of unrelated words."
HAS_NAME = "Must not contain the username or the name."
IS_PUBLIC = "This password is published; choose another."


def password_problems(password: str, *, user_inputs: Iterable[str] = ()) -> list[str]:
    """What is wrong with a new password (empty when it is fine)."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return [TOO_SHORT]
    if password in PUBLIC_PASSWORDS:
        return [IS_PUBLIC]
    lowered = password.lower()
    names = [n.strip().lower() for n in user_inputs if n and len(n.strip()) >= 3]
    if any(name in lowered for name in names):
        return [HAS_NAME]
    # zxcvbn refuses (ValueError) anything longer than its max_length: score the first part.
    if zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=names)["score"] < PASSWORD_MIN_SCORE:
        return [TOO_EASY]
    return []
