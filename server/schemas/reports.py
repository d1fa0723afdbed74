"""marshmallow schemas of the reports API (load what comes in, dump what goes out)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .rules import EXPORT_FORMATS, PROGRAMS, REPORT_TABLES


class ScopeArgs(Schema):
    facility_id = fields.UUID(load_default=None)


class SummaryArgs(ScopeArgs):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


class ExportArgs(SummaryArgs):
    table = fields.String(required=True, validate=validate.OneOf(REPORT_TABLES))
    format_ = fields.String(
        data_key="format", load_default="csv", validate=validate.OneOf(EXPORT_FORMATS)
    )


Counts = fields.Dict(keys=fields.String(), values=fields.Integer())


ByProgramOut = Schema.from_dict({p: fields.Integer() for p in PROGRAMS}, name="ByProgramOut")


class FacilityFiguresOut(Schema):
    facility_id = fields.String()
    code = fields.String()
    name = fields.String()
    total = fields.Integer()
    by_program = fields.Nested(ByProgramOut)


class RehabilitatedOut(Schema):
    total = fields.Integer()
    by_program = fields.Nested(ByProgramOut)
    by_facility = fields.List(fields.Nested(FacilityFiguresOut))


class StatusCountsOut(Schema):
    total = fields.Integer()
    by_status = Counts


class EnrollmentsOut(StatusCountsOut):
    by_program = fields.Dict(keys=fields.String(), values=fields.Nested(StatusCountsOut))


class SessionsByKindMonthOut(Schema):
    by_kind = fields.Dict(keys=fields.String(), values=fields.List(fields.Integer()))
    by_month = fields.List(fields.Integer())
    total = fields.Integer()


class AttendanceRateOut(StatusCountsOut):
    attended = fields.Integer()
    rate = fields.Float(allow_none=True)


class AttendanceOut(AttendanceRateOut):
    group = fields.Nested(AttendanceRateOut)


class WaitingOut(Schema):
    count = fields.Integer()
    oldest_hours = fields.Float(allow_none=True)
    median_hours = fields.Float(allow_none=True)


class ReviewTimeOut(Schema):
    count = fields.Integer()
    median_hours = fields.Float(allow_none=True)


class PipelineOut(Schema):
    as_of = fields.String()
    drafts_older_than_48h = fields.Integer()
    submitted_waiting = fields.Nested(WaitingOut)
    review_time = fields.Nested(ReviewTimeOut)


class AssistRiskOut(Schema):
    clients = fields.Integer()
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
