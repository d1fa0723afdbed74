"""marshmallow schemas of the sync API (load what comes in, dump what goes out)."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate, validates_schema

from sync.hlc import is_clock

from ..models.records import WRITABLE_ENTITIES
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


def well_formed_change(raw: dict[str, Any]) -> dict[str, Any] | None:
    """What `ChangeIn().load(raw)` gives for a change in the shape devices send, or None.

    A push of 500 changes spends more on marshmallow's per-field machinery than on the checks
    themselves, so the common case is checked here directly, by the same rules as ChangeIn
    above; anything short of it (None) goes through ChangeIn, which says what is wrong, per
    field. tests/property/test_change_envelope.py proves the two never disagree.
    """
    change_id, record_id, entity, op = (raw.get(k) for k in ("change_id", "id", "entity", "op"))
    base, fields_, hlc = raw.get("base_version"), raw.get("fields"), raw.get("hlc")
    replay = raw.get("replay", False)
    if not (_is_id(change_id) and _is_id(record_id)):
        return None
    if type(entity) is not str or entity not in WRITABLE_ENTITIES or op not in ("upsert", "delete"):
        return None
    if base is not None and not (type(base) is int and 0 <= base <= INT32_MAX):
        return None
    if fields_ is None:
        if op == "upsert":
            return None
    elif type(fields_) is not dict or not all(_is_field_name(k) for k in fields_):
        return None
    if hlc is not None and not _is_hlc(hlc):
        return None
    if type(replay) is not bool:
        return None
    return {
        "change_id": change_id,
        "entity": entity,
        "id": record_id,
        "op": op,
        "base_version": base,
        "fields": dict(fields_) if fields_ is not None else None,
        "hlc": hlc,
        "replay": replay,
    }


def _is_id(value: Any) -> bool:
    return type(value) is str and 0 < len(value) <= ID_MAX and _storable(value)


def _is_field_name(value: Any) -> bool:
    return type(value) is str and _storable(value)


def _is_hlc(value: Any) -> bool:
    return type(value) is str and len(value) <= HLC_MAX and _storable(value) and is_clock(value)
