"""Program figures per year and their exports for the ministry (docs/protocol.md "Figures")."""

from __future__ import annotations

from typing import Any

from flask import Response
from marshmallow import RAISE

from ..extensions import db
from ..json_body import Blueprint
from ..schemas.reports import (
    ExportArgs,
    ScopeArgs,
    SummaryArgs,
    SummaryOut,
    YearsOut,
)
from ..security import current_caller, login_required
from ..services import reports
from ..services.audit import audit
from ..services.disclosure import disclosed

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports", description="Figures")

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _facility(args: dict[str, Any]) -> str | None:
    return str(args["facility_id"]) if args["facility_id"] else None


@blp.get("/summary")
@login_required("supervisor", "admin", "official")
@blp.arguments(SummaryArgs, location="query", unknown=RAISE)
@blp.response(200, SummaryOut)
def summary(args: dict[str, Any]) -> dict[str, Any]:
    """Every figure of a year for the caller's facilities, or one of them."""
    caller = current_caller()
    scope = reports.scope_of(caller, _facility(args))
    return disclosed(caller, reports.summary(args["year"], scope))


@blp.get("/years")
@login_required("supervisor", "admin", "official")
@blp.arguments(ScopeArgs, location="query", unknown=RAISE)
@blp.response(200, YearsOut)
def years(args: dict[str, Any]) -> dict[str, Any]:
    """The years that have enrollments in the caller's facilities."""
    return {"years": reports.years(reports.scope_of(current_caller(), _facility(args)))}


@blp.get("/export")
@login_required("supervisor", "admin", "official")
@blp.arguments(ExportArgs, location="query", unknown=RAISE)
@blp.response(200, description="The table as a CSV or XLSX file.")
def export(args: dict[str, Any]) -> Response:
    """One table of the summary as a CSV or XLSX file, with the same numbers as the JSON."""
    year, table, kind, facility_id = args["year"], args["table"], args["format_"], _facility(args)
    caller = current_caller()
    figures = disclosed(caller, reports.summary(year, reports.scope_of(caller, facility_id)))
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
