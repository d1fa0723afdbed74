"""marshmallow schemas of the sync-health view."""

from __future__ import annotations

from marshmallow import Schema, fields


class HealthArgs(Schema):
    facility_id = fields.UUID(load_default=None)


class HealthUserOut(Schema):
    id = fields.String()
    display_name = fields.String()
    username = fields.String()


class HealthDeviceOut(Schema):
    id = fields.String()
    name = fields.String()
    user = fields.Nested(HealthUserOut)
    last_seen_at = fields.DateTime()
    last_sync_at = fields.DateTime(allow_none=True)
    silent = fields.Boolean()
    pending_count = fields.Integer(allow_none=True)
    oldest_pending_at = fields.DateTime(allow_none=True)
    oldest_pending_hours = fields.Float(allow_none=True)
    storage_persisted = fields.Boolean(allow_none=True)
    app_version = fields.String(allow_none=True)
    clock_offset_ms = fields.Integer(allow_none=True)
    clock_skewed = fields.Boolean()


class HealthFacilityOut(Schema):
    facility_id = fields.String()
    code = fields.String()
    name = fields.String()
    devices = fields.List(fields.Nested(HealthDeviceOut))
    open_conflicts = fields.Integer()
    rejected_30_days = fields.Integer()
    pending_changes = fields.Integer()


class HealthOut(Schema):
    as_of = fields.DateTime()
    silent_days = fields.Integer()
    pending_changes = fields.Integer()
    silent_devices = fields.Integer()
    facilities = fields.List(fields.Nested(HealthFacilityOut))
