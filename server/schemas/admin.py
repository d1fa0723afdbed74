"""marshmallow schemas of the admin API (load what comes in, dump what goes out)."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .auth import UserOut
from .common import PageArgs, PageOut, Password, PersonOut, Text
from .rules import FACILITY_KINDS, ROLES, ZONES


class NewUserFields(Schema):
    username = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^[A-Za-z0-9._-]{3,60}\Z", error="3-60 letters, digits, dots, dashes or underscores."
        ),
    )
    display_name = Text(required=True, min_len=1, max_len=120)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    password = Password(required=True)

    @validates_schema
    def _password_is_not_the_name(self, data: dict[str, Any], **kwargs: Any) -> None:
        from ..passwords import password_problems

        names = [data.get("username", ""), data.get("display_name", "")]
        problems = password_problems(data.get("password", ""), user_inputs=names)
        if problems and "password" in data:
            raise ValidationError(problems, "password")


class UserIn(NewUserFields):
    facility_ids = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=1000))


class CliUserIn(NewUserFields):
    """`pulih create-user`: the API's rules, facilities named by code."""

    facility_codes = fields.List(Text(min_len=1, max_len=20), load_default=list)


class UserPatchIn(Schema):
    display_name = Text(min_len=1, max_len=120)
    role = fields.String(validate=validate.OneOf(ROLES))
    facility_ids = fields.List(fields.UUID(), validate=validate.Length(max=1000))
    active = fields.Boolean()

    @validates_schema
    def _not_empty(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data:
            raise ValidationError("Give at least one field to change.")


class PasswordIn(Schema):
    password = Password(required=True)


class AdminUserOut(UserOut):
    created_at = fields.DateTime()


class UserPageOut(PageOut):
    items = fields.List(fields.Nested(AdminUserOut))


class DeviceWords(Schema):
    """A device in words (services/device_names.py): parsed from its user agent, its user's name
    for it, and a short id."""

    label = fields.String(allow_none=True)
    model = fields.String(allow_none=True)
    browser = fields.String(allow_none=True)
    os = fields.String(allow_none=True)
    short_id = fields.String()


DEVICE_WORDS = tuple(DeviceWords().fields)


class DeviceOut(DeviceWords):
    id = fields.String()
    name = fields.String()
    last_user = fields.Nested(PersonOut, allow_none=True)
    first_seen_at = fields.DateTime()
    last_seen_at = fields.DateTime()
    last_sync_at = fields.DateTime(allow_none=True)
    app_version = fields.String(allow_none=True)
    pending_count = fields.Integer(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)
    revoked_by = fields.String(allow_none=True)
    revoked_reason = fields.String(allow_none=True)
    clock_offset_ms = fields.Integer(allow_none=True)
    clock_skewed = fields.Boolean()
    oldest_pending_at = fields.DateTime(allow_none=True)
    storage_persisted = fields.Boolean(allow_none=True)
    # the device's audit chain: null while it verifies, "broken" or "rewound" once it did not
    audit_chain = fields.String(allow_none=True)
    audit_chain_at = fields.DateTime(allow_none=True)


class DevicePageOut(PageOut):
    items = fields.List(fields.Nested(DeviceOut))


class RevokeIn(Schema):
    reason = Text(load_default=None, allow_none=True, max_len=200)


class FacilityIn(Schema):
    code = Text(required=True, min_len=1, max_len=20)
    name = Text(required=True, min_len=1, max_len=160)
    kind = fields.String(required=True, validate=validate.OneOf(FACILITY_KINDS))
    region = Text(required=True, min_len=1, max_len=80)
    timezone = fields.String(required=True, validate=validate.OneOf(ZONES))


class FacilityOut(Schema):
    id = fields.String()
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    region = fields.String()
    timezone = fields.String()
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class FacilityPageOut(PageOut):
    items = fields.List(fields.Nested(FacilityOut))


class AuditArgs(PageArgs):
    user_id = fields.UUID()
    action = Text(max_len=30)
    entity = Text(max_len=30)
    record_id = Text(max_len=64)
    since = fields.AwareDateTime(default_timezone=UTC)
    until = fields.AwareDateTime(default_timezone=UTC)


class AuditOut(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    user_id = fields.String(allow_none=True)
    username = fields.String(allow_none=True)
    device_id = fields.String(allow_none=True)
    action = fields.String()
    entity = fields.String(allow_none=True)
    record_id = fields.String(allow_none=True)
    facility_id = fields.String(allow_none=True)
    detail = fields.Dict()


class AuditPageOut(PageOut):
    items = fields.List(fields.Nested(AuditOut))


class RejectedOut(Schema):
    change_id = fields.String(allow_none=True)
    entity = fields.String()
    record_id = fields.String(allow_none=True)
    device_id = fields.String(allow_none=True)
    user_id = fields.String(allow_none=True)
    username = fields.String(allow_none=True)
    created_at = fields.DateTime()
    fields_ = fields.Raw(data_key="fields", attribute="fields", allow_none=True)
    errors = fields.Dict(allow_none=True)


class RejectedPageOut(PageOut):
    items = fields.List(fields.Nested(RejectedOut))


class ReassignIn(Schema):
    counselor_id = fields.UUID(required=True)
