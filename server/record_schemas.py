"""Validation of the fields a device sends for each entity (mirrored by the PWA's validation).

`load_fields(entity, fields, partial)` checks types and ranges of what was sent;
`check_record(entity, values)` checks the rules between fields on the record as it would be.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .schemas import Text, no_nul

SEXES = ("M", "F")
CASE_TYPES = ("user", "courier", "dealer", "trafficker", "other")
PROGRAMS = ("rehab_medis", "rehab_sosial", "pasca_rehab")
ENROLLMENT_STATUSES = (
    "active",
    "completed",
    "withdrew",
    "expelled",
    "transferred",
    "released",
    "referred",
    "died",
)
INSTRUMENTS = ("assist", "urica", "whoqol_bref", "asi")
SESSION_KINDS = (
    "screening",
    "assessment",
    "individual",
    "group",
    "morning_meeting",
    "seminar",
    "family",
    "relapse_prevention",
    "vocational",
    "medical",
    "urine_test",
)
GROUP_KINDS = frozenset({"group", "morning_meeting", "seminar"})
ATTENDANCE = ("attended", "absent", "excused", "sick", "refused")
RISK_FLAGS = ("suicidal_ideation", "self_harm", "violence", "use_inside", "withdrawal", "relapse")
SESSION_STATUSES_BY_DEVICE = ("draft", "submitted")
URINE_RESULTS = ("negative", "positive", "invalid")
NOTE_MAX = 20_000


def _one_of(choices: tuple[str, ...]) -> validate.OneOf:
    return validate.OneOf(choices)


def _not_future(value: date) -> None:
    if value > date.today() + timedelta(days=1):
        raise ValidationError("Must not be in the future.")


class OffsetDateTime(fields.DateTime):
    """An ISO 8601 instant that must carry its UTC offset; kept as the text sent."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        parsed = super()._deserialize(value, attr, data, **kwargs)
        if parsed.tzinfo is None:
            raise ValidationError("Must carry a UTC offset, e.g. 2023-03-14T10:00:00+07:00.")
        return parsed


class UrineTestSchema(Schema):
    panel = Text(required=True, min_len=1, max_len=40)
    results = fields.Dict(
        keys=Text(min_len=1, max_len=40),
        values=fields.String(validate=_one_of(URINE_RESULTS)),
        required=True,
    )


class ClientFields(Schema):
    facility_id = fields.UUID(required=True)
    registration_number = Text(required=True, min_len=1, max_len=40)
    full_name = Text(required=True, min_len=1, max_len=120)
    sex = fields.String(required=True, validate=_one_of(SEXES))
    birth_date = fields.Date(allow_none=True, load_default=None, validate=_not_future)
    case_type = fields.String(required=True, validate=_one_of(CASE_TYPES))
    admission_date = fields.Date(allow_none=True, load_default=None)
    release_date = fields.Date(allow_none=True, load_default=None)
    nik = fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.Regexp(r"^\d{16}$", error="Must be exactly 16 digits."),
    )


class EnrollmentFields(Schema):
    facility_id = fields.UUID(required=True)
    client_id = fields.UUID(required=True)
    program = fields.String(required=True, validate=_one_of(PROGRAMS))
    cohort = Text(load_default="", max_len=60)
    phase = Text(load_default="", max_len=40)
    start_date = fields.Date(required=True)
    end_date = fields.Date(allow_none=True, load_default=None)
    status = fields.String(load_default="active", validate=_one_of(ENROLLMENT_STATUSES))


class AssessmentFields(Schema):
    facility_id = fields.UUID(required=True)
    client_id = fields.UUID(required=True)
    instrument = fields.String(required=True, validate=_one_of(INSTRUMENTS))
    taken_on = fields.Date(required=True, validate=_not_future)
    answers = fields.Dict(keys=fields.String(validate=no_nul), load_default=dict)
    # Scores a device sends are ignored for ASSIST: the server computes them.
    scores = fields.Dict(keys=fields.String(validate=no_nul), load_default=dict)


class SessionFields(Schema):
    facility_id = fields.UUID(required=True)
    client_id = fields.UUID(allow_none=True, load_default=None)
    enrollment_id = fields.UUID(allow_none=True, load_default=None)
    counselor_id = fields.UUID(allow_none=True, load_default=None)
    occurred_at = OffsetDateTime(required=True)
    duration_minutes = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=600)
    )
    kind = fields.String(required=True, validate=_one_of(SESSION_KINDS))
    attendance = fields.String(allow_none=True, load_default=None, validate=_one_of(ATTENDANCE))
    note_data = Text(load_default="", max_len=NOTE_MAX)
    note_assessment = Text(load_default="", max_len=NOTE_MAX)
    note_plan = Text(load_default="", max_len=NOTE_MAX)
    risk_flags = fields.List(
        fields.String(validate=_one_of(RISK_FLAGS)),
        load_default=list,
        validate=validate.Length(max=len(RISK_FLAGS)),
    )
    urine_test = fields.Nested(UrineTestSchema, allow_none=True, load_default=None)
    next_session_on = fields.Date(allow_none=True, load_default=None)
    status = fields.String(load_default="draft", validate=_one_of(SESSION_STATUSES_BY_DEVICE))
    amends_id = fields.UUID(allow_none=True, load_default=None)

    @validates_schema
    def _unique_flags(self, data: dict[str, Any], **kwargs: Any) -> None:
        flags = data.get("risk_flags") or []
        if len(set(flags)) != len(flags):
            raise ValidationError("Each flag at most once.", "risk_flags")


class AttendanceFields(Schema):
    facility_id = fields.UUID(required=True)
    session_id = fields.UUID(required=True)
    client_id = fields.UUID(required=True)
    status = fields.String(required=True, validate=_one_of(ATTENDANCE))


FIELD_SCHEMAS: dict[str, Schema] = {
    "client": ClientFields(),
    "enrollment": EnrollmentFields(),
    "assessment": AssessmentFields(),
    "session": SessionFields(),
    "attendance": AttendanceFields(),
}
_PARTIAL = {name: type(schema)(partial=True) for name, schema in FIELD_SCHEMAS.items()}


def _has_non_finite(value: Any) -> bool:
    """Infinity or NaN anywhere inside a value (JSON has neither; PostgreSQL refuses them)."""
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_has_non_finite(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_non_finite(v) for v in value)
    return False


def load_fields(entity: str, data: Any, *, partial: bool) -> dict[str, Any]:
    """Validate sent fields; raises marshmallow ValidationError with messages per field."""
    schema = _PARTIAL[entity] if partial else FIELD_SCHEMAS[entity]
    if not isinstance(data, dict):
        raise ValidationError({"fields": ["Must be an object."]})
    non_finite = sorted(name for name, value in data.items() if _has_non_finite(value))
    if non_finite:
        raise ValidationError({name: ["Numbers must be finite."] for name in non_finite})
    loaded = schema.load(data)
    if partial:
        # A partial load must not invent defaults for fields that were not sent.
        loaded = {k: v for k, v in loaded.items() if k in data}
    return {k: (str(v) if k.endswith("_id") and v is not None else v) for k, v in loaded.items()}


def check_record(entity: str, values: dict[str, Any]) -> dict[str, list[str]]:
    """Rules between fields, on the record as it would be after the change."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if entity == "client":
        admission, release = values.get("admission_date"), values.get("release_date")
        if admission and release and release < admission:
            add("release_date", "Must not be before admission_date.")
    elif entity == "enrollment":
        start, end = values.get("start_date"), values.get("end_date")
        if start and end and end < start:
            add("end_date", "Must not be before start_date.")
    elif entity == "session":
        kind = values.get("kind")
        occurred = values.get("occurred_at")
        if isinstance(occurred, str):
            occurred = datetime.fromisoformat(occurred)
        if kind in GROUP_KINDS:
            if values.get("client_id"):
                add("client_id", "Must be empty for a group session; use attendance records.")
        else:
            if not values.get("client_id"):
                add("client_id", "Required for this kind of session.")
            if not values.get("attendance"):
                add("attendance", "Required for this kind of session.")
        if kind == "urine_test" and not values.get("urine_test"):
            add("urine_test", "Required for a urine test session.")
        if occurred is not None:
            now = datetime.now(occurred.tzinfo)
            if occurred > now + timedelta(days=1):
                add("occurred_at", "Must not be more than a day in the future.")
            next_on = values.get("next_session_on")
            if next_on and next_on < occurred.date():
                add("next_session_on", "Must not be before the session date.")
    return errors
