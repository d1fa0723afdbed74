"""marshmallow schemas of the sync API (load what comes in, dump what goes out)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate, validates_schema

from sync import Change, InvalidChange
from sync.hlc import is_clock

from ..models.records import WRITABLE_ENTITIES
from ..services.device_audit import ACTIONS as AUDIT_ACTIONS
from .common import StrictBoolean, Text, no_nul
from .common import is_storable as _storable
from .rules import ID_MAX, INT32_MAX

HLC_MAX = 80


def _is_clock(value: str) -> None:
    if not is_clock(value):
        raise ValidationError("Must be a clock like '1700000000000-0000-node', or null.")


def Key(**kwargs: Any) -> fields.String:  # noqa: N802
    """A record or change id: text the id columns hold."""
    return Text(min_len=1, max_len=ID_MAX, **kwargs)


class EphemeralKeyIn(Schema):
    """The device's one-time ECDH public key of a sealed change (a P-256 JWK)."""

    class Meta:
        unknown = EXCLUDE

    kty = fields.String(required=True, validate=validate.Equal("EC"))
    crv = fields.String(required=True, validate=validate.Equal("P-256"))
    x = Text(required=True, max_len=64)
    y = Text(required=True, max_len=64)


class SealedIn(Schema):
    """One sealed change (docs/protocol.md "Sealed changes"): opened by the server, then handled
    exactly like a plain change."""

    class Meta:
        unknown = EXCLUDE

    change_id = Key(required=True)
    kid = Text(required=True, max_len=64)
    epk = fields.Nested(EphemeralKeyIn, required=True)
    iv = Text(required=True, max_len=32)
    ct = Text(required=True, max_len=400_000)


class BackupItemIn(SealedIn):
    user_id = fields.UUID(required=True)


class SealedBackupIn(Schema):
    """A "Cadangkan ke file" backup: a device's sealed outbox, uploaded by an admin."""

    class Meta:
        unknown = EXCLUDE

    format = fields.String(required=True, validate=validate.Equal("pulih-sealed-backup"))
    version = fields.Integer(required=True, strict=True, validate=validate.Equal(1))
    device_id = fields.UUID(required=True)
    sealed = fields.List(
        fields.Nested(BackupItemIn), required=True, validate=validate.Length(max=20_000)
    )


HEX64 = validate.Regexp(r"^[0-9a-f]{64}$", error="Must be 64 lowercase hexadecimal digits.")
ASCII_ID = validate.Regexp(r"^[\x21-\x7e]+$", error="Must be an id of printable ASCII.")
AUDIT_ENTRIES_MAX = 500


def _is_instant(value: str) -> None:
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError("Must be an instant with its offset (ISO 8601).") from None
    if at.tzinfo is None or not value.isascii():
        raise ValidationError("Must be an instant with its offset (ISO 8601).")


class DeviceAuditEntryIn(Schema):
    """One entry of a device's audit chain (docs/protocol.md, "Device audit chain"). `at` stays
    the text the device sent: the hash is taken over it."""

    n = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=2**53))
    at = fields.String(required=True, validate=[validate.Length(max=40), _is_instant])
    user_id = fields.UUID(required=True)
    action = fields.String(required=True, validate=validate.OneOf(AUDIT_ACTIONS))
    entity = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=30)
    )
    record_id = fields.String(
        load_default=None, allow_none=True, validate=[validate.Length(max=ID_MAX), ASCII_ID]
    )
    prev = fields.String(required=True, validate=HEX64)
    hash = fields.String(required=True, validate=HEX64)

    @validates_schema
    def _entity_is_a_word(self, data: dict[str, Any], **_: Any) -> None:
        entity = data.get("entity")
        if entity is not None and not re.fullmatch(r"[a-z_]+", entity):
            raise ValidationError("Must be an entity name.", "entity")


class DeviceAuditIn(Schema):
    device_id = fields.UUID(required=True)
    entries = fields.List(
        fields.Nested(DeviceAuditEntryIn),
        required=True,
        validate=validate.Length(max=AUDIT_ENTRIES_MAX),
    )


class DeviceAuditResultOut(Schema):
    n = fields.Integer()
    status = fields.String()


class DeviceAuditHeadOut(Schema):
    n = fields.Integer()
    hash = fields.String()


class DeviceAuditOut(Schema):
    results = fields.List(fields.Nested(DeviceAuditResultOut))
    head = fields.Nested(DeviceAuditHeadOut)
    flag = fields.String(allow_none=True)


class SealKeyOut(Schema):
    kid = fields.String()
    jwk = fields.Dict()


class PushIn(Schema):
    device_id = fields.UUID(required=True)
    # Each change is checked one by one, so one bad change never spoils the batch.
    changes = fields.List(fields.Raw(), required=True)
    sealed = fields.List(fields.Nested(SealedIn), load_default=list)
    app_version = Text(load_default=None, allow_none=True, max_len=40)
    pending_count = fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=validate.Range(min=0, max=INT32_MAX),
    )
    # The device's clock as it sends (its offset is shown to admins) and the state of its outbox.
    clock = fields.String(
        load_default=None,
        allow_none=True,
        validate=[validate.Length(max=HLC_MAX), no_nul, _is_clock],
    )
    oldest_pending_at = fields.AwareDateTime(load_default=None, allow_none=True)
    storage_persisted = StrictBoolean(load_default=None, allow_none=True)


class ResultOut(Schema):
    change_id = fields.String(allow_none=True)
    status = fields.String()
    id = fields.String(allow_none=True)
    version = fields.Integer(allow_none=True)
    conflict_id = fields.String(allow_none=True)
    errors = fields.Dict(allow_none=True)


class PushOut(Schema):
    results = fields.List(fields.Nested(ResultOut))


class PullArgs(Schema):
    class Meta:
        unknown = RAISE

    cursor = Text(load_default=None, max_len=200)
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=1000))
    # What the device still holds to push, reported with the pull that ends its sync.
    pending_count = fields.Integer(load_default=None, validate=validate.Range(min=0, max=10**9))


class PulledOut(Schema):
    entity = fields.String()
    id = fields.String()
    version = fields.Integer()
    deleted = fields.Boolean()
    record = fields.Dict()


class PullOut(Schema):
    changes = fields.List(fields.Nested(PulledOut))
    cursor = fields.String()
    has_more = fields.Boolean()
    remaining = fields.Integer(
        metadata={"description": "About how many records the next pages hold (0 when caught up)."}
    )
    facility_ids = fields.List(fields.String())


class ChangeIn(Schema):
    """One pushed change (protocol step P3): its shape, and only entities devices may write."""

    class Meta:
        unknown = EXCLUDE  # later protocol versions may add keys

    change_id = Key(required=True)
    entity = fields.String(required=True, validate=validate.OneOf(sorted(WRITABLE_ENTITIES)))
    id = Key(required=True)
    op = fields.String(required=True, validate=validate.OneOf(("upsert", "delete")))
    base_version = fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        validate=validate.Range(min=0, max=INT32_MAX),
    )
    fields_ = fields.Dict(
        keys=fields.String(validate=no_nul),
        data_key="fields",
        attribute="fields",
        allow_none=True,
        load_default=None,
    )
    hlc = fields.String(
        allow_none=True,
        load_default=None,
        validate=[validate.Length(max=HLC_MAX), no_nul, _is_clock],
    )

    replay = StrictBoolean(load_default=False)

    @validates_schema
    def _fields_to_upsert(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("op") == "upsert" and data.get("fields") is None:
            raise ValidationError("Required to upsert: the changed fields.", "fields")


def well_formed_change(raw: dict[str, Any]) -> Change | None:
    """The change a push reads, for one in the shape devices send; None for anything else.

    A push of 500 changes spends more on marshmallow's per-field machinery than on the checks
    themselves, so the common case is read by the sync engine's own parser (`Change.from_wire`)
    with the limits the server's columns add (those of ChangeIn above); anything short of it
    (None) goes through ChangeIn, which says what is wrong, per field.
    tests/property/test_change_envelope.py proves the two never disagree.
    """
    try:
        change = Change.from_wire(raw)
    except InvalidChange:
        return None
    if not (_is_id(change.change_id) and _is_id(change.id)):
        return None
    if change.entity not in WRITABLE_ENTITIES:
        return None
    if change.base_version is not None and change.base_version > INT32_MAX:
        return None
    if change.hlc is not None and (len(change.hlc) > HLC_MAX or not _storable(change.hlc)):
        return None
    if not all(_storable(name) for name in change.fields):
        return None
    return change


def _is_id(value: str) -> bool:
    return len(value) <= ID_MAX and _storable(value)
