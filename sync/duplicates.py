"""The duplicate rule (docs/protocol.md, push step P6), over plain data.

A registration number (nomor registrasi) is unique among the live clients of a facility. Two
devices offline can each register the same WBP: the second one to arrive is kept, flagged
`duplicate_of` the first, and opens a `duplicate` conflict that an admin resolves by merging.
A flagged duplicate does not hold the number, so a third arrival is a duplicate of the first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NumberedClient:
    """The parts of a client the duplicate rule reads."""

    id: str
    facility_id: str
    registration_number: str
    deleted: bool = False
    duplicate_of: str | None = None


def holds_number(client: NumberedClient) -> bool:
    """Whether this client holds its registration number in its facility (live, not flagged)."""
    return not client.deleted and client.duplicate_of is None


def find_duplicate(new: NumberedClient, others: Iterable[NumberedClient]) -> NumberedClient | None:
    """The client that already holds the new client's number in its facility, if any."""
    for other in others:
        if (
            other.id != new.id
            and other.facility_id == new.facility_id
            and other.registration_number == new.registration_number
            and holds_number(other)
        ):
            return other
    return None


# --- likely duplicates (aftercare: admission from a facility's list) ---
# The twin of pwa/src/shared/duplicates.ts: a registration number that matches (ignoring case),
# or a similar name with the same birth date, marks a likely duplicate for a person to look at.


@dataclass(frozen=True, slots=True)
class KnownClient:
    """The parts of a client the likely-duplicate rule reads (numbers: current and older)."""

    id: str
    full_name: str
    birth_date: str | None
    numbers: tuple[str, ...] = ()


def normalize_name(name: str) -> str:
    """Lowercase, strip accents and punctuation, collapse spaces (as the app's search does)."""
    decomposed = unicodedata.normalize("NFD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", plain).split())


def levenshtein(a: str, b: str, limit: int) -> int:
    """Edit distance, stopping once it exceeds `limit` (then limit + 1)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[len(b)]


def similar_names(a: str, b: str) -> bool:
    """Names equal but for spaces, or at most two edits apart, after normalizing."""
    na, nb = normalize_name(a), normalize_name(b)
    if not na or not nb:
        return False
    return na.replace(" ", "") == nb.replace(" ", "") or levenshtein(na, nb, 2) <= 2


def likely_duplicates(
    number: str, full_name: str, birth_date: str | None, existing: Iterable[KnownClient]
) -> list[tuple[KnownClient, str]]:
    """Existing clients likely the same person, each with its reason (the app's two reasons)."""
    wanted = number.strip().lower()
    found: list[tuple[KnownClient, str]] = []
    for other in existing:
        if wanted and any(n.strip().lower() == wanted for n in other.numbers):
            found.append((other, "registration_number"))
        elif (
            birth_date
            and other.birth_date == birth_date
            and similar_names(full_name, other.full_name)
        ):
            found.append((other, "name_birth_date"))
    return found
