"""Errors the sync engine raises; only the server maps them to HTTP answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class SyncError(Exception):
    """Base of every error the sync engine raises."""


class InvalidChange(SyncError):
    """A change, result or pulled record on the wire is malformed; `errors` says why, per field."""

    def __init__(
        self, errors: Mapping[str, Sequence[str]], message: str = "invalid change"
    ) -> None:
        super().__init__(message)
        self.errors: dict[str, list[str]] = {name: list(why) for name, why in errors.items()}


class InvalidClock(SyncError):
    """A hybrid logical clock cannot be parsed, or would leave its representable range."""


class UnknownEntity(SyncError):
    """An entity name or a record that the receiver does not know."""
