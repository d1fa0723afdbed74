"""Admission from a facility's list: the upload and the dry run's answer (release and the
discharge summary need no schema of their own: a release is a pushed record)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load

from .common import StrictBoolean, Text

# 3 MiB of file once decoded: a facility's whole WBP list, within PULIH_MAX_BODY_BYTES as base64.
IMPORT_MAX_BYTES = 3 * 1024 * 1024


class ImportIn(Schema):
    """A WBP list as a file: its name and its bytes in base64, for one facility."""

    facility_id = fields.UUID(required=True)
    file_name = Text(required=True, min_len=1, max_len=200)
    content = fields.String(
        required=True,
        metadata={"description": "The file (XLSX or CSV) in base64.", "format": "byte"},
    )
    dry_run = StrictBoolean(load_default=True)

    @post_load
    def _decode(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        try:
            raw = base64.b64decode(data["content"], validate=True)
        except (binascii.Error, ValueError) as error:
            raise ValidationError("Must be the file in base64.", "content") from error
        if not raw:
            raise ValidationError("The file is empty.", "content")
        if len(raw) > IMPORT_MAX_BYTES:
            raise ValidationError(f"At most {IMPORT_MAX_BYTES} bytes.", "content")
        return {**data, "facility_id": str(data["facility_id"]), "content": raw}


class ImportMatchOut(Schema):
    id = fields.String()
    full_name = fields.String()
    registration_number = fields.String()
    birth_date = fields.String(allow_none=True)
    reason = fields.String()


class ImportRowOut(Schema):
    row = fields.Integer()
    status = fields.String(metadata={"enum": ["new", "present", "duplicate", "error", "imported"]})
    id = fields.String()
    values = fields.Dict()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    matches = fields.List(fields.Nested(ImportMatchOut))


class ImportOut(Schema):
    dry_run = fields.Boolean()
    imported = fields.Integer()
    columns = fields.Dict(keys=fields.String(), values=fields.String())
    unknown_columns = fields.List(fields.String())
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    rows = fields.List(fields.Nested(ImportRowOut))
