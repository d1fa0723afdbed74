"""Program figures for a year (docs/protocol.md "Figures") and their export as CSV or XLSX tables.

Theory of operation: every section is counted by the database (GROUP BY over plain comparisons,
so SQLite and PostgreSQL agree); only medians and "first ASSIST per client" are finished in Python.
A year is the calendar year: dates (enrollments, assessments) compare as dates, instants (sessions,
reviews) as WIB (UTC+7) so a session on 31 December at 23:00 local time counts in December.
Deleted records count nowhere, nor do the enrollments and assessments of a deleted client.
Every export table is a flattening of the same summary, so an export never disagrees with the JSON.
"""

from __future__ import annotations

import csv
import io
import statistics
from datetime import date, datetime, timedelta, timezone
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import func, or_, select

from ..extensions import db
from ..instruments.assist import SUBSTANCES
from ..models import (
    Assessment,
    Attendance,
    Client,
    CounselingSession,
    Enrollment,
    Facility,
    SessionCount,
)
from ..models.common import utcnow
from ..schemas.rules import (
    ATTENDANCE,
    ENROLLMENT_STATUSES,
    EXIT_STATUSES,
    GROUP_KINDS,
    PROGRAMS,
    REPORT_TABLES,
    SESSION_KINDS,
)
from ..security import Caller, require_facility
from . import outcomes, report_labels

WIB = timezone(timedelta(hours=7))
RISKS = ("low", "moderate", "high")
DRAFT_OVERDUE = timedelta(hours=48)
TABLES = REPORT_TABLES


def _instants(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=WIB), datetime(year + 1, 1, 1, tzinfo=WIB)


def _live_enrollments_in(year: int, scope: list[str]) -> list[Any]:
    """Conditions: a live enrollment of a live client, active at some time in the year."""
    return [
        Enrollment.deleted.is_(False),
        Client.deleted.is_(False),
        Enrollment.figure_facility().in_(scope),
        Enrollment.start_date <= date(year, 12, 31),
        or_(Enrollment.end_date.is_(None), Enrollment.end_date >= date(year, 1, 1)),
    ]


def _live_sessions_in(year: int, scope: list[str]) -> list[Any]:
    start, end = _instants(year)
    return [
        CounselingSession.deleted.is_(False),
        CounselingSession.figure_facility().in_(scope),
        CounselingSession.occurred_utc >= start,
        CounselingSession.occurred_utc < end,
    ]


def _zeros(keys: tuple[str, ...]) -> dict[str, int]:
    return {key: 0 for key in keys}


def _counts(rows: Any) -> dict[str, int]:
    """(code, count) rows as a dict; codes are never null in these queries."""
    return {str(code): int(count) for code, count in rows}


def rehabilitated(year: int, scope: list[str]) -> dict[str, Any]:
    """Distinct clients with an enrollment active in the year: total, per program, per facility."""
    # One read of the year's (facility, program, client) triples, counted here: four grouped
    # COUNT(DISTINCT) queries each scanned the year's enrollments again (310 ms nationally).
    triples = db.session.execute(
        select(Enrollment.figure_facility(), Enrollment.program, Enrollment.client_id)
        .distinct()
        .join(Client, Client.id == Enrollment.client_id)
        .where(*_live_enrollments_in(year, scope))
    ).all()
    everyone: set[str] = set()
    per_program: dict[str, set[str]] = {}
    per_facility: dict[str, set[str]] = {}
    for facility_id, program, client_id in triples:
        everyone.add(client_id)
        per_program.setdefault(program, set()).add(client_id)
        per_facility.setdefault(facility_id, set()).add(client_id)
    total = len(everyone)
    by_program = _zeros(PROGRAMS) | {p: len(c) for p, c in per_program.items()}
    facility_totals = {f: len(c) for f, c in per_facility.items()}
    facility_programs: dict[str, dict[str, int]] = {}
    for facility_id, program, _ in triples:
        counts = facility_programs.setdefault(facility_id, _zeros(PROGRAMS))
        counts[program] = counts.get(program, 0) + 1
    facilities = db.session.scalars(
        select(Facility)
        .where(
            Facility.id.in_(scope),
            or_(Facility.deleted.is_(False), Facility.id.in_(facility_totals)),
        )
        .order_by(Facility.code)
    )
    return {
        "total": total,
        "by_program": {p: by_program[p] for p in PROGRAMS},
        "by_facility": [
            {
                "facility_id": f.id,
                "code": f.code,
                "name": f.name,
                "total": facility_totals.get(f.id, 0),
                "by_program": facility_programs.get(f.id, _zeros(PROGRAMS)),
            }
            for f in facilities
        ],
    }


def enrollments(year: int, scope: list[str]) -> dict[str, Any]:
    """Enrollments active in the year, counted by status, overall and per program."""
    rows = db.session.execute(
        select(Enrollment.program, Enrollment.status, func.count())
        .join(Client, Client.id == Enrollment.client_id)
        .where(*_live_enrollments_in(year, scope))
        .group_by(Enrollment.program, Enrollment.status)
    )
    by_program: dict[str, dict[str, Any]] = {
        p: {"total": 0, "by_status": _zeros(ENROLLMENT_STATUSES)} for p in PROGRAMS
    }
    by_status = _zeros(ENROLLMENT_STATUSES)
    for program, status, count in rows:
        by_program[program]["total"] += count
        by_program[program]["by_status"][status] += count
        by_status[status] += count
    return {"total": sum(by_status.values()), "by_status": by_status, "by_program": by_program}


def _session_counts(year: int, scope: list[str], *conditions: Any) -> list[Any]:
    """Conditions on session_counts (live sessions, kept by triggers; migration 0015)."""
    return [SessionCount.facility_id.in_(scope), SessionCount.year == year, *conditions]


def sessions_by_kind_month(year: int, scope: list[str]) -> dict[str, Any]:
    """Sessions that took place in the year (WIB), per kind and month (index 0 is January)."""
    by_kind = {kind: [0] * 12 for kind in SESSION_KINDS}
    for kind, month_number, count in db.session.execute(
        select(SessionCount.kind, SessionCount.month, func.sum(SessionCount.sessions))
        .where(*_session_counts(year, scope))
        .group_by(SessionCount.kind, SessionCount.month)
    ):
        if count:
            by_kind.setdefault(kind, [0] * 12)[int(month_number) - 1] = int(count)
    by_month = [sum(months[i] for months in by_kind.values()) for i in range(12)]
    return {"by_kind": by_kind, "by_month": by_month, "total": sum(by_month)}


def _rate(by_status: dict[str, int]) -> dict[str, Any]:
    total = sum(by_status.values())
    rate = round(by_status["attended"] / total, 4) if total else None
    return {"total": total, "attended": by_status["attended"], "rate": rate, "by_status": by_status}


def attendance(year: int, scope: list[str]) -> dict[str, Any]:
    """Attendance of one-client sessions (every kind but group ones), and of group participants."""
    individual = _zeros(ATTENDANCE) | {
        str(status): int(count)
        for status, count in db.session.execute(
            select(SessionCount.attendance, func.sum(SessionCount.sessions))
            .where(
                *_session_counts(year, scope),
                SessionCount.attendance != "",
                SessionCount.kind.not_in(sorted(GROUP_KINDS)),
            )
            .group_by(SessionCount.attendance)
        )
        if count
    }
    group = _zeros(ATTENDANCE) | _counts(
        db.session.execute(
            select(Attendance.status, func.count())
            .join(CounselingSession, CounselingSession.id == Attendance.session_id)
            .where(*_live_sessions_in(year, scope), Attendance.deleted.is_(False))
            .group_by(Attendance.status)
        ).all()
    )
    return _rate(individual) | {"group": _rate(group)}


def _median_hours(deltas: list[timedelta]) -> float | None:
    if not deltas:
        return None
    return round(statistics.median(d.total_seconds() for d in deltas) / 3600, 1)


def _overdue_drafts(year: int, scope: list[str], cutoff: datetime) -> int:
    """Live drafts of the year that took place at or before cutoff: the months wholly before the
    cutoff's WIB month from session_counts, the rest (at most a month) from the sessions."""
    start, end = _instants(year)
    local = cutoff.astimezone(WIB)
    boundary = min(max(datetime(local.year, local.month, 1, tzinfo=WIB), start), end)
    whole_months = 12 if boundary >= end else boundary.month - 1
    counted = db.session.scalar(
        select(func.sum(SessionCount.sessions)).where(
            *_session_counts(year, scope),
            SessionCount.status == "draft",
            SessionCount.month <= whole_months,
        )
    )
    rest = db.session.scalar(
        select(func.count())
        .select_from(CounselingSession)
        .where(
            *_live_sessions_in(year, scope),
            CounselingSession.status == "draft",
            CounselingSession.occurred_utc >= boundary,
            CounselingSession.occurred_utc <= cutoff,
        )
    )
    return int(counted or 0) + int(rest or 0)


def pipeline(year: int, scope: list[str], now: datetime) -> dict[str, Any]:
    """Review backlog of the year's sessions as of now, and how long reviews took in the year."""
    where = _live_sessions_in(year, scope)
    overdue_drafts = _overdue_drafts(year, scope, now - DRAFT_OVERDUE)
    waiting = [
        now - submitted_at
        for submitted_at in db.session.scalars(
            select(CounselingSession.submitted_at).where(
                *where,
                CounselingSession.status == "submitted",
                CounselingSession.submitted_at.is_not(None),
            )
        )
        if submitted_at is not None
    ]
    start, end = _instants(year)
    reviews = [
        reviewed_at - submitted_at
        for submitted_at, reviewed_at in db.session.execute(
            select(CounselingSession.submitted_at, CounselingSession.reviewed_at).where(
                CounselingSession.deleted.is_(False),
                CounselingSession.facility_id.in_(scope),
                CounselingSession.status.in_(("approved", "returned")),
                CounselingSession.submitted_at.is_not(None),
                CounselingSession.reviewed_at >= start,
                CounselingSession.reviewed_at < end,
            )
        )
        if submitted_at is not None and reviewed_at is not None and reviewed_at >= submitted_at
    ]
    return {
        "as_of": now.isoformat().replace("+00:00", "Z"),
        "drafts_older_than_48h": overdue_drafts,
        "submitted_waiting": {
            "count": len(waiting),
            "oldest_hours": round(max(waiting).total_seconds() / 3600, 1) if waiting else None,
            "median_hours": _median_hours(waiting),
        },
        "review_time": {"count": len(reviews), "median_hours": _median_hours(reviews)},
    }


def assist_risk_at_intake(year: int, scope: list[str]) -> dict[str, Any]:
    """Risk bands per substance on each client's first ASSIST of the year."""
    rows = db.session.execute(
        select(Assessment.client_id, Assessment.scores)
        .join(Client, Client.id == Assessment.client_id)
        .where(
            Assessment.deleted.is_(False),
            Client.deleted.is_(False),
            Assessment.figure_facility().in_(scope),
            Assessment.instrument == "assist",
            Assessment.taken_on >= date(year, 1, 1),
            Assessment.taken_on <= date(year, 12, 31),
        )
        .order_by(Assessment.client_id, Assessment.taken_on, Assessment.created_at, Assessment.id)
    )
    by_substance = {substance: _zeros(RISKS) for substance in SUBSTANCES}
    seen: set[str] = set()
    for client_id, scores in rows:
        if client_id in seen:
            continue
        seen.add(client_id)
        for substance, score in (scores or {}).items():
            risk = score.get("risk") if isinstance(score, dict) else None
            if substance in by_substance and risk in RISKS:
                by_substance[substance][risk] += 1
    return {"clients": len(seen), "by_substance": by_substance}


def summary(year: int, scope: list[str]) -> dict[str, Any]:
    """Every figure of a year for the given facilities (docs/protocol.md "Figures")."""
    return {
        "year": year,
        "facility_ids": sorted(scope),
        "rehabilitated": rehabilitated(year, scope),
        "enrollments": enrollments(year, scope),
        "sessions_by_kind_month": sessions_by_kind_month(year, scope),
        "attendance": attendance(year, scope),
        "pipeline": pipeline(year, scope, utcnow()),
        "assist_risk_at_intake": assist_risk_at_intake(year, scope),
        "cohorts": outcomes.cohorts(year, scope),
        "whoqol_change": outcomes.whoqol_change(year, scope),
        "urica_change": outcomes.urica_change(year, scope),
        "urine_tests": outcomes.urine_tests(_live_sessions_in(year, scope)),
    }


def years(scope: list[str]) -> list[int]:
    """Every year from the first enrollment's start to the last start or end date, in scope."""
    first, last_start, last_end = db.session.execute(
        select(
            func.min(Enrollment.start_date),
            func.max(Enrollment.start_date),
            func.max(Enrollment.end_date),
        ).where(Enrollment.deleted.is_(False), Enrollment.figure_facility().in_(scope))
    ).one()
    if first is None:
        return []
    last = max(d for d in (last_start, last_end) if d is not None)
    return list(range(first.year, last.year + 1))


# Export tables: (header, rows), flattened from the summary so both give the same numbers.


def table_rows(figures: dict[str, Any], table: str) -> tuple[list[str], list[list[Any]]]:
    """One section of a summary as a header and rows of plain values."""
    section = figures[table]
    if table == "rehabilitated":
        header = ["facility_code", "facility_name", "total", *PROGRAMS]
        rows = [
            [f["code"], f["name"], f["total"], *(f["by_program"][p] for p in PROGRAMS)]
            for f in section["by_facility"]
        ]
        rows.append(["TOTAL", "", section["total"], *(section["by_program"][p] for p in PROGRAMS)])
    elif table == "enrollments":
        header = ["program", "total", *ENROLLMENT_STATUSES]
        rows = [
            [p, v["total"], *(v["by_status"][s] for s in ENROLLMENT_STATUSES)]
            for p, v in section["by_program"].items()
        ]
        rows.append(
            ["TOTAL", section["total"], *(section["by_status"][s] for s in ENROLLMENT_STATUSES)]
        )
    elif table == "sessions_by_kind_month":
        header = ["kind", *(f"m{m:02d}" for m in range(1, 13)), "total"]
        rows = [[kind, *months, sum(months)] for kind, months in section["by_kind"].items()]
        rows.append(["TOTAL", *section["by_month"], section["total"]])
    elif table == "attendance":
        header = ["sessions", "total", *ATTENDANCE, "rate"]
        rows = [
            [name, part["total"], *(part["by_status"][s] for s in ATTENDANCE), part["rate"]]
            for name, part in (("individual", section), ("group", section["group"]))
        ]
    elif table == "pipeline":
        header = ["metric", "value"]
        rows = [
            ["drafts_older_than_48h", section["drafts_older_than_48h"]],
            ["submitted_waiting_count", section["submitted_waiting"]["count"]],
            ["submitted_waiting_oldest_hours", section["submitted_waiting"]["oldest_hours"]],
            ["submitted_waiting_median_hours", section["submitted_waiting"]["median_hours"]],
            ["review_time_count", section["review_time"]["count"]],
            ["review_time_median_hours", section["review_time"]["median_hours"]],
        ]
    elif table == "assist_risk_at_intake":
        header = ["substance", *RISKS]
        rows = [[s, *(v[r] for r in RISKS)] for s, v in section["by_substance"].items()]
    else:
        header, rows = outcome_rows(section, table)
    return header, rows


CHANGE_COLUMNS = ["clients", "mean_first", "mean_last", "mean_change", "improved_rate"]
COHORT_COLUMNS = ["intake_target", "enrolled", "active", "completed", "ended"]


def outcome_rows(section: dict[str, Any], table: str) -> tuple[list[str], list[list[Any]]]:
    """The field-work sections (services/outcomes.py) as a header and rows."""
    if table == "cohorts":
        exits = [s for s in EXIT_STATUSES if s != "completed"]  # completed has its own column
        header = ["facility_code", "cohort", "program", *COHORT_COLUMNS, *exits]
        header += ["completion_rate", "dropout_rate"]
        total = {**section["total"], "facility_code": "TOTAL", "name": "", "program": ""}
        rows = [
            [c["facility_code"], c["name"], c["program"], *(c[k] for k in COHORT_COLUMNS)]
            + [c["by_status"][s] for s in exits]
            + [c["completion_rate"], c["dropout_rate"]]
            for c in [*section["items"], total]
        ]
        return header, rows
    if table == "whoqol_change":
        header = ["domain", *CHANGE_COLUMNS]
        rows = [[d, *(v[k] for k in CHANGE_COLUMNS)] for d, v in section["domains"].items()]
        return header, rows
    if table == "urica_change":
        readiness = section["readiness"]
        header = ["score", *CHANGE_COLUMNS]
        rows = [["readiness", *(readiness[k] for k in CHANGE_COLUMNS)]] if readiness else []
        return header, rows
    header = ["metric", "value"]
    return header, [[k, section[k]] for k in ("done", "positive", "positive_rate")]


FORMULA_START = ("=", "+", "-", "@")


def _cell(value: Any) -> Any:
    """A value safe for a spreadsheet: no control characters a sheet cannot hold, and text that a
    spreadsheet would read as a formula (even after leading spaces or line feeds) quoted."""
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if text.lstrip()[:1] in FORMULA_START or text[:1] in ("\t", "\r", "\n"):
        return "'" + text
    return text


def export_table(figures: dict[str, Any], table: str, kind: str) -> bytes:
    """One table of a summary as a file for people: words for codes (report_labels), CSV or XLSX."""
    codes, rows = table_rows(figures, table)
    header, shown = report_labels.localize(table, codes, rows)
    if kind == "csv":
        return to_csv(header, shown)
    return to_xlsx(report_labels.SHEETS.get(table, table), header, shown, codes)


def to_csv(header: list[str], rows: list[list[Any]]) -> bytes:
    """A CSV file (UTF-8 with a BOM, so Excel reads it right; an empty cell for no value)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([["" if v is None else _cell(v) for v in row] for row in rows])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(
    title: str, header: list[str], rows: list[list[Any]], codes: list[str] | None = None
) -> bytes:
    """An XLSX workbook of one sheet: a bold header row that stays in view, columns as wide as
    their text, numbers stored as numbers and formatted by column (`codes`: the columns' codes)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    for row in rows:
        sheet.append([_cell(v) for v in row])
    columns = codes or header
    for index, column in enumerate(sheet.iter_cols(min_row=1), start=1):
        code = columns[index - 1] if index - 1 < len(columns) else ""
        for cell in column[1:]:
            fmt = report_labels.number_format(code, cell.value)
            if fmt:
                cell.number_format = fmt
        width = max(len(str(cell.value)) if cell.value is not None else 0 for cell in column)
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, width + 2))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def scope_of(caller: Caller, facility_id: str | None) -> list[str]:
    """The facilities a report covers: one (404 outside the caller's) or all of the caller's."""
    if facility_id is not None:
        require_facility(facility_id)
        return [facility_id]
    return sorted(caller.facility_ids)
