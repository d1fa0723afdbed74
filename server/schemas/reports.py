"""marshmallow schemas of the reports API (load what comes in, dump what goes out)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from .rules import EXPORT_FORMATS, PROGRAMS, REPORT_TABLES, SMALL_CELL

HIDDEN_COUNT = f"< {SMALL_CELL}"


class ScopeArgs(Schema):
    facility_id = fields.UUID(load_default=None)


class SummaryArgs(ScopeArgs):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


class ExportArgs(SummaryArgs):
    table = fields.String(required=True, validate=validate.OneOf(REPORT_TABLES))
    format_ = fields.String(
        data_key="format", load_default="csv", validate=validate.OneOf(EXPORT_FORMATS)
    )


class Count(fields.Field[Any]):
    """A count; for officials, a count from 1 to 4 is the text "< 5" (services/disclosure.py)."""

    def __init__(self, **kwargs: Any) -> None:
        any_of = [{"type": "integer"}, {"type": "string", "enum": [HIDDEN_COUNT]}]
        super().__init__(metadata={"anyOf": any_of}, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is None or value == HIDDEN_COUNT:
            return value
        return int(value)


Counts = fields.Dict(keys=fields.String(), values=Count())


ByProgramOut = Schema.from_dict({p: Count() for p in PROGRAMS}, name="ByProgramOut")


class FacilityFiguresOut(Schema):
    facility_id = fields.String()
    code = fields.String()
    name = fields.String()
    total = Count()
    by_program = fields.Nested(ByProgramOut)


class RehabilitatedOut(Schema):
    total = Count()
    by_program = fields.Nested(ByProgramOut)
    by_facility = fields.List(fields.Nested(FacilityFiguresOut))


class StatusCountsOut(Schema):
    total = Count()
    by_status = Counts


class EnrollmentsOut(StatusCountsOut):
    by_program = fields.Dict(keys=fields.String(), values=fields.Nested(StatusCountsOut))


class SessionsByKindMonthOut(Schema):
    by_kind = fields.Dict(keys=fields.String(), values=fields.List(Count()))
    by_month = fields.List(Count())
    total = Count()


class AttendanceRateOut(StatusCountsOut):
    attended = Count()
    rate = fields.Float(allow_none=True)


class AttendanceOut(AttendanceRateOut):
    group = fields.Nested(AttendanceRateOut)


class WaitingOut(Schema):
    count = Count()
    oldest_hours = fields.Float(allow_none=True)
    median_hours = fields.Float(allow_none=True)


class ReviewTimeOut(Schema):
    count = Count()
    median_hours = fields.Float(allow_none=True)


class PipelineOut(Schema):
    as_of = fields.String()
    drafts_older_than_48h = Count()
    submitted_waiting = fields.Nested(WaitingOut)
    review_time = fields.Nested(ReviewTimeOut)


class AssistRiskOut(Schema):
    clients = Count()
    by_substance = fields.Dict(keys=fields.String(), values=Counts)


class CohortFiguresOut(Schema):
    cohort_id = fields.String()
    facility_id = fields.String()
    facility_code = fields.String()
    name = fields.String()
    program = fields.String()
    start_date = fields.String()
    end_date = fields.String()
    intake_target = fields.Integer()
    enrolled = fields.Integer()
    active = fields.Integer()
    completed = fields.Integer()
    ended = fields.Integer()
    by_status = Counts
    completion_rate = fields.Float(allow_none=True)
    dropout_rate = fields.Float(allow_none=True)


class CohortTotalOut(Schema):
    intake_target = fields.Integer()
    enrolled = fields.Integer()
    active = fields.Integer()
    completed = fields.Integer()
    ended = fields.Integer()
    by_status = Counts
    completion_rate = fields.Float(allow_none=True)
    dropout_rate = fields.Float(allow_none=True)


class CohortsOut(Schema):
    items = fields.List(fields.Nested(CohortFiguresOut))
    total = fields.Nested(CohortTotalOut)


class ChangeOut(Schema):
    clients = fields.Integer()
    mean_first = fields.Float()
    mean_last = fields.Float()
    mean_change = fields.Float()
    improved_rate = fields.Float(allow_none=True)


class WhoqolChangeOut(Schema):
    clients = fields.Integer()
    domains = fields.Dict(keys=fields.String(), values=fields.Nested(ChangeOut))


class UricaChangeOut(Schema):
    clients = fields.Integer()
    readiness = fields.Nested(ChangeOut, allow_none=True)


class UrineTestsOut(Schema):
    done = fields.Integer()
    positive = fields.Integer()
    positive_rate = fields.Float(allow_none=True)


class SummaryOut(Schema):
    year = fields.Integer()
    facility_ids = fields.List(fields.String())
    rehabilitated = fields.Nested(RehabilitatedOut)
    enrollments = fields.Nested(EnrollmentsOut)
    sessions_by_kind_month = fields.Nested(SessionsByKindMonthOut)
    attendance = fields.Nested(AttendanceOut)
    pipeline = fields.Nested(PipelineOut)
    assist_risk_at_intake = fields.Nested(AssistRiskOut)
    cohorts = fields.Nested(CohortsOut)
    whoqol_change = fields.Nested(WhoqolChangeOut)
    urica_change = fields.Nested(UricaChangeOut)
    urine_tests = fields.Nested(UrineTestsOut)


class YearsOut(Schema):
    years = fields.List(fields.Integer())
