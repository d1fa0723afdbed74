"""Push steps P9-P10: every change offered goes to the change log with its outcome and answer."""

from __future__ import annotations

import math
from typing import Any

import orjson

from sync import Change, Status

from ...models.wire import record_to_wire
from ...schemas.common import is_key
from ..versions import change_log_row
from .apply import Outcome
from .batch import Batch


def _result(
    change_id: Any,
    status: str,
    record_id: Any,
    version: int | None,
    conflict_id: str | None,
    errors: dict[str, Any] | None,
) -> dict[str, Any]:
    return {
        "change_id": change_id,
        "status": status,
        "id": record_id,
        "version": version,
        "conflict_id": conflict_id,
        "errors": errors,
    }


def logged(batch: Batch, change: Change, outcome: Outcome) -> dict[str, Any]:
    """P9: the change and its outcome go to the log in the same transaction as the effect."""
    record = outcome.record
    status = str(outcome.status)
    result = _result(change.change_id, status, record.id, record.version, outcome.conflict_id, None)
    batch.queue(
        change_log_row(
            change_id=change.change_id,
            entity=change.entity,
            record_id=record.id,
            facility_id=record.facility_id,
            version=record.version,
            base_version=change.base_version,
            op=change.op,
            status=status,
            source="device",
            device_id=batch.device_id,
            user_id=batch.caller.user.id,
            hlc=change.hlc,
            fields=_storable_fields(change),
            changed=outcome.changed,
            snapshot=record_to_wire(record),
            conflict_id=outcome.conflict_id,
            result=result,
        )
    )
    return result


def rejected(
    batch: Batch, raw: Any, change: Change | None, errors: dict[str, Any]
) -> dict[str, Any]:
    """P10: a rejected change is kept in the log, with its errors, for admins to see."""
    change_id = _str_or_none(raw, "change_id")
    record_id = _str_or_none(raw, "id")
    errors = _json_safe(errors)
    result = _result(change_id, str(Status.REJECTED), record_id, None, None, errors)
    batch.queue(
        change_log_row(
            change_id=change_id,
            entity=(_str_or_none(raw, "entity") or "?")[:20],
            record_id=(record_id or None) and record_id[:64],
            facility_id=_facility_of(batch, raw),
            version=None,
            base_version=change.base_version if change else None,
            op=(_str_or_none(raw, "op") or "?")[:20],
            status=str(Status.REJECTED),
            source="device",
            device_id=batch.device_id,
            user_id=batch.caller.user.id,
            hlc=_str_or_none(raw, "hlc"),
            fields=_json_safe(raw),
            changed=None,
            snapshot=None,
            errors=errors,
            result=result,
        )
    )
    return result


def _storable_fields(change: Change) -> Any:
    """The fields an applied change sent, as the log stores them. An upsert's passed the
    schemas, which refuse non-finite numbers: when orjson encodes them (no lone surrogate) with
    no NUL, they are storable as they are, without rebuilding every string."""
    fields = dict(change.fields)
    if change.op == "upsert":
        try:
            if b"\\u0000" not in orjson.dumps(fields):
                return fields
        except (TypeError, orjson.JSONEncodeError):
            pass
    return _json_safe(fields)


def _facility_of(batch: Batch, raw: Any) -> str | None:
    """The facility a refused change was meant for, when it is one of the caller's own."""
    fields_ = raw.get("fields") if isinstance(raw, dict) else None
    named = fields_.get("facility_id") if isinstance(fields_, dict) else None
    entity, record_id = _str_or_none(raw, "entity"), _str_or_none(raw, "id")
    record = batch.records.get((entity, record_id)) if entity and record_id else None
    facility = record.facility_id if record is not None else named
    return facility if is_key(facility) and facility in batch.caller.facility_ids else None


def _str_or_none(raw: Any, key: str) -> str | None:
    value = raw.get(key) if isinstance(raw, dict) else None
    return value if is_key(value) else None


def _clean(text: str) -> str:
    """Text as PostgreSQL can store it: NUL and lone surrogates become replacement marks."""
    return text.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")


def _json_safe(value: Any) -> Any:
    """What a device sent, storable on PostgreSQL (which refuses NUL and lone surrogates)."""
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, dict):
        return {_clean(str(k)): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON has no Infinity or NaN; keep what was sent, as text
    return value
