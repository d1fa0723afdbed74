"""The duplicate rule (docs/protocol.md, push step P6), over plain data.

A registration number (nomor registrasi) is unique among the live clients of a facility. Two
devices offline can each register the same WBP: the second one to arrive is kept, flagged
`duplicate_of` the first, and opens a `duplicate` conflict that an admin resolves by merging.
A flagged duplicate does not hold the number, so a third arrival is a duplicate of the first.
"""

from __future__ import annotations

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
