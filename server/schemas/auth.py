"""marshmallow schemas of logging in and the tokens it answers."""

from __future__ import annotations

from marshmallow import Schema, fields

from .common import Text


class LoginIn(Schema):
    username = Text(required=True, min_len=1, max_len=60)
    password = Text(required=True, min_len=1, max_len=200, load_only=True)
    device_id = fields.UUID(required=True)
    device_name = Text(load_default="", max_len=120)


class DeviceLabelIn(Schema):
    label = Text(required=True, max_len=60)


class DeviceLabelOut(Schema):
    id = fields.String()
    label = fields.String(allow_none=True)


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
    # How long the app stays unlocked without a touch (PULIH_DEVICE_LOCK_MINUTES).
    lock_after_seconds = fields.Integer()
    # How long after the password the PIN reopens the vault (PULIH_DEVICE_PIN_HOURS).
    pin_window_seconds = fields.Integer()
    # How long the device keeps answered changes for a restored server (PULIH_DEVICE_KEEP_DAYS).
    keep_answered_seconds = fields.Integer()
    user = fields.Nested(UserOut)
