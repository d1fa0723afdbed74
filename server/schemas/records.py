"""The fields a device sends for each entity, and the rules between them (the PWA shows the same).

`load_fields(entity, fields, partial)` checks types and ranges of what was sent (and, on a full
load, the rules between fields); `check_record(entity, values)` checks those rules on the record
as it would be after a change. Each entity's rules live on its schema (`RecordFields.rules`).
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .. import instruments
from .common import Text, no_nul
from .rules import (
    ATTENDANCE,
    CASE_TYPES,
    ENROLLMENT_STATUSES,
    EXIT_REASON_MAX,
    GROUP_KINDS,
    INSTRUMENTS,
    KINDS_WITH_PLAN,
    NEXT_SESSION_MAX_DAYS,
    NOTE_MAX,
    NOTES_TO_SUBMIT,
    PHASE_NAME_MAX,
    PLAN_TO_SUBMIT,
    PROGRAMS,
    RECIPIENT_KINDS,
    RECIPIENT_NAME_MAX,
    RELEASE_KINDS,
    RELEASE_NOTE_MAX,
    RISK_FLAGS,
    SESSION_KINDS,
    SESSION_STATUSES_BY_DEVICE,
    SEXES,
    TC_GRADES,
    TRANSFER_REASON_MAX,
    URINE_RESULTS,
    YEAR_MAX,
    YEAR_MIN,
    clock_tolerance,
)


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
        try:
            in_utc = parsed.astimezone(UTC)
        except OverflowError:  # year 1 at +14:00 has no UTC instant
            in_utc = None
        if in_utc is None or not YEAR_MIN <= in_utc.year <= YEAR_MAX:
            raise ValidationError(f"Must be a time between {YEAR_MIN} and {YEAR_MAX}.")
        return parsed


class UrineTestSchema(Schema):
    panel = Text(required=True, min_len=1, max_len=40)
    results = fields.Dict(
        keys=Text(min_len=1, max_len=40),
        values=fields.String(validate=_one_of(URINE_RESULTS)),
        required=True,
    )


Errors = dict[str, list[str]]


class RecordFields(Schema):
    """The fields of one synced entity; `rules` are the checks between them.

    `rules` sees the record as it would be after a change (Python values). A full load runs them
    (`@validates_schema`); a change to an existing record loads only what was sent, so the push
    runs them on the merged record through `check_record`.
    """

    @classmethod
    def rules(cls, values: dict[str, Any]) -> Errors:
        """Errors per field of the rules between fields; none by default."""
        return {}

    # The rules run even when a field failed, so one answer names every field in error.
    @validates_schema(skip_on_field_errors=False)
    def _rules_hold(self, data: dict[str, Any], *, partial: Any = None, **kwargs: Any) -> None:
        if partial:
            return
        errors = self.rules(data)
        if errors:
            raise ValidationError(errors)


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


class ClientFields(RecordFields):
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

    @classmethod
    def rules(cls, values: dict[str, Any]) -> Errors:
        """A release never precedes the admission."""
        errors: Errors = {}
        admission, release = values.get("admission_date"), values.get("release_date")
        if admission and release and release < admission:
            _add(errors, "release_date", "Must not be before admission_date.")
        return errors


class EnrollmentFields(RecordFields):
    facility_id = fields.UUID(required=True)
    client_id = fields.UUID(required=True)
    program = fields.String(required=True, validate=_one_of(PROGRAMS))
    cohort = Text(load_default="", max_len=60)
    phase = Text(load_default="", max_len=40)
    start_date = fields.Date(required=True)
    end_date = fields.Date(allow_none=True, load_default=None)
    status = fields.String(load_default="active", validate=_one_of(ENROLLMENT_STATUSES))
    cohort_id = fields.UUID(allow_none=True, load_default=None)
    primary_counselor_id = fields.UUID(allow_none=True, load_default=None)
    screening_id = fields.UUID(allow_none=True, load_default=None)
    exit_reason = Text(load_default="", max_len=EXIT_REASON_MAX)
    tc_grade = fields.String(allow_none=True, load_default=None, validate=_one_of(TC_GRADES))

    @classmethod
    def rules(cls, values: dict[str, Any]) -> Errors:
        """An enrollment ends on or after its start; a TC grade is given only at an exit."""
        errors: Errors = {}
        start, end = values.get("start_date"), values.get("end_date")
        if start and end and end < start:
            _add(errors, "end_date", "Must not be before start_date.")
        if values.get("tc_grade") and values.get("status", "active") == "active":
            _add(errors, "tc_grade", "Given only when the enrollment ends.")
        return errors


class PhaseChangeFields(RecordFields):
    facility_id = fields.UUID(required=True)
    enrollment_id = fields.UUID(required=True)
    client_id = fields.UUID(required=True)
    phase = Text(required=True, min_len=1, max_len=PHASE_NAME_MAX)
    changed_on = fields.Date(required=True, validate=_not_future)
    decided_by = Text(required=True, min_len=1, max_len=120)


class AssessmentFields(RecordFields):
    facility_id = fields.UUID(required=True)
    client_id = fields.UUID(required=True)
    instrument = fields.String(required=True, validate=_one_of(INSTRUMENTS))
    taken_on = fields.Date(required=True, validate=_not_future)
    answers = fields.Dict(keys=fields.String(validate=no_nul), load_default=dict)
    # Scores a device sends are ignored: the server computes them from the answers.
    scores = fields.Dict(keys=fields.String(validate=no_nul), load_default=dict)

    @classmethod
    def rules(cls, values: dict[str, Any]) -> Errors:
        """Answers fit their instrument's definition (server/instruments/definitions)."""
        instrument = values.get("instrument")
        if instrument in instruments.DEFINITIONS and "answers" in values:
            return instruments.validate(instrument, values["answers"])
        return {}


class SessionFields(RecordFields):
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

    @classmethod
    def rules(cls, values: dict[str, Any]) -> Errors:
        """Who a session is for by its kind, a urine panel for a urine test, the DAP parts a
        session sent for review needs, plausible dates."""
        errors: Errors = {}
        kind = values.get("kind")
        occurred = values.get("occurred_at")
        if isinstance(occurred, str):
            occurred = datetime.fromisoformat(occurred)
        if kind in GROUP_KINDS:
            if values.get("client_id"):
                _add(
                    errors,
                    "client_id",
                    "Must be empty for a group session; use attendance records.",
                )
        else:
            if not values.get("client_id"):
                _add(errors, "client_id", "Required for this kind of session.")
            if not values.get("attendance"):
                _add(errors, "attendance", "Required for this kind of session.")
        if kind == "urine_test" and not values.get("urine_test"):
            _add(errors, "urine_test", "Required for a urine test session.")
        if values.get("status") == "submitted":
            for note in NOTES_TO_SUBMIT + (PLAN_TO_SUBMIT if kind in KINDS_WITH_PLAN else ()):
                if not str(values.get(note) or "").strip():
                    _add(errors, note, "Required to send the session for review.")
        if occurred is not None:
            now = datetime.now(occurred.tzinfo)
            if occurred > now + clock_tolerance():
                _add(
                    errors,
                    "occurred_at",
                    "Is later than the server's clock: check the device's clock and the time.",
                )
            next_on = values.get("next_session_on")
            if next_on and next_on < occurred.date():
                _add(errors, "next_session_on", "Must not be before the session date.")
            elif next_on and next_on > occurred.date() + timedelta(days=NEXT_SESSION_MAX_DAYS):
                _add(errors, "next_session_on", "Must be within a year of the session.")
        return errors


class AttendanceFields(RecordFields):
    facility_id = fields.UUID(required=True)
    session_id = fields.UUID(required=True)
    client_id = fields.UUID(required=True)
    status = fields.String(required=True, validate=_one_of(ATTENDANCE))


# --- release and aftercare ---
class ReleaseFields(RecordFields):
    facility_id = fields.UUID(required=True)
    client_id = fields.UUID(required=True)
    released_on = fields.Date(required=True, validate=_not_future)
    kind = fields.String(required=True, validate=_one_of(RELEASE_KINDS))
    recipient_kind = fields.String(
        allow_none=True, load_default=None, validate=_one_of(RECIPIENT_KINDS)
    )
    recipient_name = Text(load_default="", max_len=RECIPIENT_NAME_MAX)
    consent_recipient = Text(load_default="", max_len=RECIPIENT_NAME_MAX)
    note = Text(load_default="", max_len=RELEASE_NOTE_MAX)

    @classmethod
    def rules(cls, values: dict[str, Any]) -> Errors:
        """A referral names its recipient's kind and name; consent is for that recipient."""
        errors: Errors = {}
        kind, name = values.get("recipient_kind"), str(values.get("recipient_name") or "").strip()
        if kind and not name:
            _add(errors, "recipient_name", "Required when the referral has a recipient.")
        if name and not kind:
            _add(errors, "recipient_kind", "Required when the referral has a recipient.")
        consent = str(values.get("consent_recipient") or "").strip()
        if consent and consent != name:
            _add(errors, "consent_recipient", "Must be the referral's recipient.")
        return errors


# --- end release and aftercare ---


def _not_future_beyond_tolerance(value: date) -> None:
    """A date no later than today anywhere in Indonesia (WIT, UTC+9), plus the clock tolerance."""
    latest = (datetime.now(UTC) + timedelta(hours=9) + clock_tolerance()).date()
    if value > latest:
        raise ValidationError("Must not be in the future.")


class TransferFields(RecordFields):
    """A transfer (mutasi): the client moves from `facility_id` to `to_facility_id`."""

    facility_id = fields.UUID(required=True)
    client_id = fields.UUID(required=True)
    to_facility_id = fields.UUID(required=True)
    transferred_on = fields.Date(required=True, validate=_not_future_beyond_tolerance)
    reason = Text(load_default="", max_len=TRANSFER_REASON_MAX)

    @classmethod
    def rules(cls, values: dict[str, Any]) -> Errors:
        errors: Errors = {}
        to_facility, facility = values.get("to_facility_id"), values.get("facility_id")
        if to_facility is not None and str(to_facility) == str(facility):
            _add(errors, "to_facility_id", "Must be another facility than the client's own.")
        return errors


FIELD_SCHEMAS: dict[str, RecordFields] = {
    "client": ClientFields(),
    "enrollment": EnrollmentFields(),
    "assessment": AssessmentFields(),
    "session": SessionFields(),
    "attendance": AttendanceFields(),
    "phase_change": PhaseChangeFields(),
    "release": ReleaseFields(),
    "transfer": TransferFields(),
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


def check_record(entity: str, values: dict[str, Any]) -> Errors:
    """The rules between fields, on the record as it would be after the change."""
    return FIELD_SCHEMAS[entity].rules(values)
