"""Program figures per year and their exports for the ministry (DESIGN.md "Figures")."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import RAISE, Schema, fields, validate

from ..extensions import db
from ..record_schemas import PROGRAMS
from ..security import current_caller, login_required
from ..services import reports
from ..services.audit import audit

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports", description="Figures")

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ScopeArgs(Schema):
    facility_id = fields.UUID(load_default=None)


class SummaryArgs(ScopeArgs):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


class ExportArgs(SummaryArgs):
    table = fields.String(required=True, validate=validate.OneOf(reports.TABLES))
    format_ = fields.String(
        data_key="format", load_default="csv", validate=validate.OneOf(tuple(EXPORT_TYPES))
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


class SummaryOut(Schema):
    year = fields.Integer()
    facility_ids = fields.List(fields.String())
    rehabilitated = fields.Nested(RehabilitatedOut)
    enrollments = fields.Nested(EnrollmentsOut)
    sessions_by_kind_month = fields.Nested(SessionsByKindMonthOut)
    attendance = fields.Nested(AttendanceOut)
    pipeline = fields.Nested(PipelineOut)
    assist_risk_at_intake = fields.Nested(AssistRiskOut)


class YearsOut(Schema):
    years = fields.List(fields.Integer())


def _facility(args: dict[str, Any]) -> str | None:
    return str(args["facility_id"]) if args["facility_id"] else None


@blp.get("/summary")
@login_required("supervisor", "admin")
@blp.arguments(SummaryArgs, location="query", unknown=RAISE)
@blp.response(200, SummaryOut)
def summary(args: dict[str, Any]) -> dict[str, Any]:
    """Every figure of a year for the caller's facilities, or one of them."""
    scope = reports.scope_of(current_caller(), _facility(args))
    return reports.summary(args["year"], scope)


@blp.get("/years")
@login_required("supervisor", "admin")
@blp.arguments(ScopeArgs, location="query", unknown=RAISE)
@blp.response(200, YearsOut)
def years(args: dict[str, Any]) -> dict[str, Any]:
    """The years that have enrollments in the caller's facilities."""
    return {"years": reports.years(reports.scope_of(current_caller(), _facility(args)))}


@blp.get("/export")
@login_required("supervisor", "admin")
@blp.arguments(ExportArgs, location="query", unknown=RAISE)
@blp.response(200, description="The table as a CSV or XLSX file.")
def export(args: dict[str, Any]) -> Response:
    """One table of the summary as a CSV or XLSX file, with the same numbers as the JSON."""
    year, table, kind, facility_id = args["year"], args["table"], args["format_"], _facility(args)
    figures = reports.summary(year, reports.scope_of(current_caller(), facility_id))
    header, rows = reports.table_rows(figures, table)
    body = reports.to_csv(header, rows) if kind == "csv" else reports.to_xlsx(table, header, rows)
    audit("export", facility_id=facility_id, table=table, year=year, format=kind)
    db.session.commit()
    filename = f"pulih-{table}-{year}.{kind}"
    return Response(
        body,
        status=200,
        content_type=EXPORT_TYPES[kind],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
