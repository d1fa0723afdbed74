"""Fields and schemas every other schema module builds on."""

from __future__ import annotations

from typing import Any, TypeGuard

from marshmallow import Schema, ValidationError, fields, validate

from .rules import ID_MAX, PASSWORD_MAX_LENGTH


def is_storable(value: str) -> bool:
    """Text PostgreSQL can hold: no NUL character and no lone UTF-16 surrogate."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def no_nul(value: str) -> None:
    """Refuse the NUL character and lone surrogates, which PostgreSQL text cannot hold."""
    if not is_storable(value):
        raise ValidationError("Must be text without NUL or invalid characters.")


def Text(*, max_len: int, min_len: int = 0, **kwargs: Any) -> fields.String:  # noqa: N802
    """A string field with a length bound that refuses NUL."""
    return fields.String(validate=[validate.Length(min=min_len, max=max_len), no_nul], **kwargs)


class StrictBoolean(fields.Boolean):
    """JSON true or false only: 1, "yes" and the like are refused, not guessed at."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def _strong(password: str) -> None:
    from ..passwords import password_problems

    problems = password_problems(password)
    if problems:
        raise ValidationError(problems)


def Password(**kwargs: Any) -> fields.String:  # noqa: N802
    """A new password under the one password policy (server/passwords.py)."""
    return fields.String(
        validate=[validate.Length(max=PASSWORD_MAX_LENGTH), no_nul, _strong],
        load_only=True,
        **kwargs,
    )


def is_key(value: Any) -> TypeGuard[str]:
    """A string that fits an id column and PostgreSQL can compare (no NUL, no lone surrogate)."""
    return isinstance(value, str) and 0 < len(value) <= ID_MAX and is_storable(value)


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class PageOut(Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class PersonOut(Schema):
    id = fields.String()
    username = fields.String()
    display_name = fields.String()
