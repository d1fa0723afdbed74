"""marshmallow schemas of the program API: cohorts, alerts, the risk checklists."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..models.wire import record_to_wire, wire_columns
from .common import Text
from .rules import ALERT_FLAGS, COHORT_NAME_MAX, PHASE_NAME_MAX, PROGRAMS

CohortOut = Schema.from_dict(
    {name: fields.Raw(allow_none=True) for name in wire_columns("cohort")}, name="CohortOut"
)
AlertOut = Schema.from_dict(
    {name: fields.Raw(allow_none=True) for name in wire_columns("alert")}, name="AlertOut"
)


class PhaseIn(Schema):
    name = Text(required=True, min_len=1, max_len=PHASE_NAME_MAX)
    order = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=20))
    planned_weeks = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=104)
    )


class CohortFieldsIn(Schema):
    """What a supervisor sets on a cohort; `rules` hold between the fields."""

    program = fields.String(required=True, validate=validate.OneOf(PROGRAMS))
    name = Text(required=True, min_len=1, max_len=COHORT_NAME_MAX)
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    intake_target = fields.Integer(
        load_default=0, strict=True, validate=validate.Range(min=0, max=10_000)
    )
    phases = fields.List(
        fields.Nested(PhaseIn), load_default=list, validate=validate.Length(max=10)
    )

    @validates_schema
    def _rules(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            errors["end_date"] = ["Must not be before start_date."]
        phases = data.get("phases") or []
        if len({p["name"].strip().lower() for p in phases}) != len(phases):
            errors["phases"] = ["Each phase name at most once."]
        elif len({p["order"] for p in phases}) != len(phases):
            errors["phases"] = ["Each order at most once."]
        if errors:
            raise ValidationError(errors)


class CohortIn(CohortFieldsIn):
    facility_id = fields.UUID(required=True)


class CohortPatchIn(CohortFieldsIn):
    # The version the supervisor edited: an edit of anything else is refused (409 stale).
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


class CohortArgs(Schema):
    facility_id = fields.UUID(load_default=None)


class CohortListOut(Schema):
    items = fields.List(fields.Nested(CohortOut))


class AlertListOut(Schema):
    items = fields.List(fields.Nested(AlertOut))


def _records(name: str) -> fields.Function:
    return fields.Function(lambda path: [record_to_wire(r) for r in path[name]])


class ClientPathOut(Schema):
    """A client and the records of their path, in pulled-record form."""

    client = fields.Function(lambda path: record_to_wire(path["client"]))
    enrollments = _records("enrollments")
    phase_changes = _records("phase_changes")
    assessments = _records("assessments")
    cohorts = _records("cohorts")
    releases = _records("releases")
    transfers = _records("transfers")


class FacilityEntryOut(Schema):
    """A facility as a transfer's destination: its name, no records of it."""

    id = fields.String()
    code = fields.String()
    name = fields.String()
    kind = fields.String()
    region = fields.String()


class FacilityDirectoryOut(Schema):
    items = fields.List(fields.Nested(FacilityEntryOut))


class PathChangesIn(Schema):
    """Changes of a client's path a supervisor records: pushed changes of enrollments, phase
    changes and transfers (docs/protocol.md "Push" for each change's shape)."""

    changes = fields.List(fields.Raw(), required=True, validate=validate.Length(min=1, max=20))


class ChecklistsOut(Schema):
    checklists = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class ChecklistsFile(Schema):
    """A deployment's own checklist per alarming flag (PULIH_RISK_CHECKLISTS_FILE)."""

    checklists = fields.Dict(
        keys=fields.String(validate=validate.OneOf(ALERT_FLAGS)),
        values=fields.List(Text(min_len=1, max_len=300), validate=validate.Length(min=1, max=15)),
        required=True,
    )
