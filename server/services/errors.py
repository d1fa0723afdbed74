"""The errors services raise: what went wrong in the domain, never an HTTP type.

`server/errors.py` maps each class to its status and problem-details answer; the CLI prints them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class DomainError(Exception):
    """Base of every error a service raises: a problem slug, a detail, and errors per field.

    `keep_changes` tells the unit of work to commit what was done before the refusal (a failed
    login counts towards the limit; a reused refresh token ends its whole family).
    """

    keep_changes = False

    def __init__(self, slug: str, detail: str, errors: Mapping[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.slug = slug
        self.detail = detail
        self.errors = dict(errors) if errors else None


class BadRequest(DomainError):
    """The request cannot be understood (a cursor that is not one of ours)."""


class Unauthorized(DomainError):
    """The caller is not who they claim, or their credentials have ended.

    `challenge` is the bearer challenge the answer carries (RFC 6750), when a token was at stake.
    """

    def __init__(
        self,
        slug: str,
        detail: str,
        errors: Mapping[str, Any] | None = None,
        *,
        challenge: str | None = None,
        keep_changes: bool = False,
    ) -> None:
        super().__init__(slug, detail, errors)
        self.challenge = challenge
        self.keep_changes = keep_changes


INVALID_TOKEN = 'Bearer error="invalid_token"'


class DeviceRevoked(Unauthorized):
    """The device was revoked by an admin: it must wipe itself (`reason`: the admin's words)."""

    def __init__(self, slug: str, detail: str, reason: str | None = None) -> None:
        super().__init__(slug, detail, challenge=INVALID_TOKEN)
        self.reason = reason


class Forbidden(DomainError):
    """The caller is known but may not do this."""


class NotFound(DomainError):
    """No such record in the caller's scope (existence outside it is never revealed)."""


class StateConflict(DomainError):
    """The request clashes with the record's state (taken, resolved, revoked, not submitted)."""


class TooLarge(DomainError):
    """The request holds more than the server takes at once."""


class Invalid(DomainError):
    """Values break a rule; `errors` says which, per field."""


class TooManyAttempts(DomainError):
    """Too many tries in a window; `retry_after` is the wait in seconds."""

    keep_changes = True  # the attempt was counted: the count must stay

    def __init__(self, slug: str, detail: str, retry_after: int) -> None:
        super().__init__(slug, detail)
        self.retry_after = retry_after
