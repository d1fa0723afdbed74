"""marshmallow schemas of the API bodies that are not synced records."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate


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


class LoginIn(Schema):
    username = Text(required=True, min_len=1, max_len=60)
    password = Text(required=True, min_len=1, max_len=200, load_only=True)
    device_id = fields.UUID(required=True)
    device_name = Text(load_default="", max_len=120)


class RefreshIn(Schema):
    refresh_token = Text(required=True, min_len=1, max_len=200)


class UserOut(Schema):
    id = fields.String()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    active = fields.Boolean()
    facility_ids = fields.List(fields.String())


class TokenPairOut(Schema):
    access_token = fields.String()
    refresh_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()
    user = fields.Nested(UserOut)
