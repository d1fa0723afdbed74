"""Figures: exact numbers on a small dataset, scope, arguments, exports, the demo province."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from server.extensions import db
from server.models import (
    Assessment,
    Attendance,
    AuditEvent,
    Client,
    CounselingSession,
    Enrollment,
)
from server.models.common import utcnow
from server.schemas.rules import ENROLLMENT_STATUSES, PROGRAMS, REPORT_TABLES
from server.services.feed import allocate
from tests.helpers import DeviceSession, login, new_id

TABLES = REPORT_TABLES


def _insert(model: type, facility_id: str, **fields: Any) -> str:
    """A synced record written straight to the database, with its place in the feed."""
    record_id = new_id()
    db.session.add(
        model(id=record_id, facility_id=facility_id, version=1, seq=allocate(db.session), **fields)
    )
    return record_id


def _client(facility_id: str, deleted: bool = False) -> str:
    return _insert(
        Client,
        facility_id,
        registration_number=new_id()[:8],
        full_name="WBP",
        sex="M",
        case_type="user",
        deleted=deleted,
    )


def _enroll(
    facility_id: str,
    client_id: str,
    program: str,
    start: str,
    end: str | None,
    status: str,
    deleted: bool = False,
) -> None:
    _insert(
        Enrollment,
        facility_id,
        client_id=client_id,
        program=program,
        start_date=date.fromisoformat(start),
        end_date=date.fromisoformat(end) if end else None,
        status=status,
        deleted=deleted,
    )


def _session(
    facility_id: str,
    client_id: str | None,
    occurred_at: str,
    kind: str = "individual",
    attendance: str | None = "attended",
    status: str = "approved",
    deleted: bool = False,
    submitted_at: datetime | None = None,
    reviewed_at: datetime | None = None,
) -> str:
    return _insert(
        CounselingSession,
        facility_id,
        client_id=client_id,
        occurred_at=occurred_at,
        occurred_utc=datetime.fromisoformat(occurred_at),
        duration_minutes=45,
        kind=kind,
        attendance=attendance,
        status=status,
        deleted=deleted,
        submitted_at=submitted_at,
        reviewed_at=reviewed_at,
    )


def _assist(
    facility_id: str,
    client_id: str,
    taken_on: str,
    risks: dict[str, str],
    instrument: str = "assist",
    deleted: bool = False,
) -> None:
    scores = {substance: {"score": 1, "risk": risk} for substance, risk in risks.items()}
    _insert(
        Assessment,
        facility_id,
        client_id=client_id,
        instrument=instrument,
        taken_on=date.fromisoformat(taken_on),
        answers={},
        scores=scores,
        deleted=deleted,
    )


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def dataset(world: Any) -> dict[str, Any]:
    """Clients 1, 2, 4 (LP-A) and 7 (LP-B) are in rehabilitation in 2023; see each line."""
    a, b = world.facility_a, world.facility_b
    c1, c2, c3, c4, c5, c6 = (_client(a) for _ in range(6))
    c7, c8 = _client(b), _client(a, deleted=True)
    _enroll(a, c1, "rehab_sosial", "2022-07-01", "2023-06-30", "completed")  # 2022 and 2023
    _enroll(a, c1, "rehab_sosial", "2023-07-01", None, "active")  # c1 again: counted once
    _enroll(a, c2, "rehab_medis", "2023-01-01", None, "active")
    _enroll(a, c2, "rehab_sosial", "2023-03-01", "2023-09-01", "completed")  # in both programs
    _enroll(a, c3, "rehab_sosial", "2021-01-01", "2021-12-31", "completed")  # 2021 only
    _enroll(a, c4, "rehab_sosial", "2023-12-31", None, "active")  # starts on the last day
    _enroll(a, c5, "rehab_medis", "2024-01-01", None, "active")  # 2024 only
    _enroll(a, c6, "rehab_sosial", "2023-02-01", None, "active", deleted=True)
    _enroll(a, c8, "rehab_sosial", "2023-02-01", None, "active")  # deleted client
    _enroll(b, c7, "pasca_rehab", "2022-12-31", "2023-01-01", "withdrew")  # one day each year

    now = utcnow()
    # Local (WIB) time decides the month: 1 January 00:30 WIB is still 31 December in UTC.
    _session(
        a,
        c1,
        "2023-01-01T00:30:00+07:00",
        submitted_at=_utc("2023-01-02T00:00:00"),
        reviewed_at=_utc("2023-01-02T10:00:00"),
    )
    _session(
        a,
        c2,
        "2023-12-31T23:00:00+07:00",
        attendance="absent",
        status="submitted",
        submitted_at=now - timedelta(hours=30),
    )
    _session(a, c1, "2022-12-31T23:30:00+07:00", status="draft")  # 2022
    _session(
        a,
        c2,
        "2023-03-10T10:00:00+07:00",
        kind="family",
        status="returned",
        submitted_at=_utc("2023-03-10T04:00:00"),
        reviewed_at=_utc("2023-03-11T08:00:00"),
    )
    group = _session(
        a, None, "2023-03-15T09:00:00+07:00", kind="group", attendance=None, status="draft"
    )
    _insert(Attendance, a, session_id=group, client_id=c1, status="attended")
    _insert(Attendance, a, session_id=group, client_id=c2, status="sick")
    _insert(Attendance, a, session_id=group, client_id=c4, status="attended", deleted=True)
    _session(a, c1, "2023-05-01T09:00:00+07:00", deleted=True)
    _session(
        b,
        c7,
        "2023-05-02T09:00:00+07:00",
        attendance="refused",
        status="submitted",
        submitted_at=now - timedelta(hours=10),
    )

    _assist(a, c1, "2023-02-01", {"amphetamine": "high", "alcohol": "low"})
    _assist(a, c1, "2023-08-01", {"amphetamine": "low"})  # not the first of the year
    _assist(a, c2, "2023-04-01", {"amphetamine": "moderate", "cannabis": "moderate"})
    _assist(a, c4, "2022-11-01", {"amphetamine": "high"})  # 2022
    _assist(b, c7, "2023-05-01", {"amphetamine": "high"})
    _assist(a, c2, "2023-01-01", {}, instrument="urica")
    _assist(a, c6, "2023-01-01", {"opioids": "high"}, deleted=True)
    # c1's enrollment of 2023-07-01: WHOQOL-BREF in month 1 and month 6, URICA twice.
    for instrument, taken_on, scores in (
        (
            "whoqol_bref",
            "2023-07-03",
            {"physical": 12, "physical_100": 50, "psychological_100": 40},
        ),
        ("whoqol_bref", "2024-01-05", {"physical_100": 63, "psychological_100": 40}),
        ("urica", "2023-07-03", {"readiness": 8.0}),
        ("urica", "2023-12-01", {"readiness": 10.5}),
    ):
        _insert(
            Assessment,
            a,
            client_id=c1,
            instrument=instrument,
            taken_on=date.fromisoformat(taken_on),
            answers={},
            scores=scores,
        )
    db.session.commit()
    return {"a": a, "b": b}


def _get(device: DeviceSession, url: str) -> Any:
    response = device.get(url)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _programs(medis: int, sosial: int, pasca: int) -> dict[str, int]:
    return {"rehab_medis": medis, "rehab_sosial": sosial, "pasca_rehab": pasca}


def test_rehabilitated_counts_distinct_live_clients_active_in_the_year(client, dataset):
    body = _get(DeviceSession(client, "admin"), "/api/v1/reports/summary?year=2023")
    assert body["year"] == 2023
    assert body["rehabilitated"] == {
        "total": 4,
        "by_program": _programs(1, 3, 1),
        "by_facility": [
            {
                "facility_id": dataset["a"],
                "code": "LP-A",
                "name": "Lapas A",
                "total": 3,
                "by_program": _programs(1, 3, 0),
            },
            {
                "facility_id": dataset["b"],
                "code": "LP-B",
                "name": "Lapas B",
                "total": 1,
                "by_program": _programs(0, 0, 1),
            },
        ],
    }


@pytest.mark.parametrize(
    ("year", "total", "by_program"),
    [
        (2020, 0, _programs(0, 0, 0)),
        (2021, 1, _programs(0, 1, 0)),
        (2022, 2, _programs(0, 1, 1)),
        (2024, 4, _programs(2, 2, 0)),
    ],
)
def test_an_enrollment_counts_in_every_year_it_touches(client, dataset, year, total, by_program):
    body = _get(DeviceSession(client, "admin"), f"/api/v1/reports/summary?year={year}")
    assert (body["rehabilitated"]["total"], body["rehabilitated"]["by_program"]) == (
        total,
        by_program,
    )


def test_enrollments_are_counted_by_status_and_program(client, dataset):
    body = _get(DeviceSession(client, "admin"), "/api/v1/reports/summary?year=2023")
    statuses = dict.fromkeys(ENROLLMENT_STATUSES, 0)
    section = body["enrollments"]
    assert (section["total"], section["by_status"]) == (
        6,
        statuses | {"active": 3, "completed": 2, "withdrew": 1},
    )
    assert section["by_program"] == {
        "rehab_medis": {"total": 1, "by_status": statuses | {"active": 1}},
        "rehab_sosial": {"total": 4, "by_status": statuses | {"active": 2, "completed": 2}},
        "pasca_rehab": {"total": 1, "by_status": statuses | {"withdrew": 1}},
    }


def test_sessions_are_counted_per_kind_and_local_month(client, dataset):
    section = _get(DeviceSession(client, "admin"), "/api/v1/reports/summary?year=2023")[
        "sessions_by_kind_month"
    ]
    months = [0] * 12
    assert section["by_kind"]["individual"] == [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1]
    assert section["by_kind"]["family"] == [0, 0, 1] + months[3:]
    assert section["by_kind"]["group"] == [0, 0, 1] + months[3:]
    assert all(
        section["by_kind"][k] == months
        for k in section["by_kind"]
        if k not in ("individual", "family", "group")
    )
    assert (section["by_month"], section["total"]) == ([1, 0, 2, 0, 1, 0, 0, 0, 0, 0, 0, 1], 5)


def test_attendance_rate_of_one_client_sessions_and_of_group_participants(client, dataset):
    section = _get(DeviceSession(client, "admin"), "/api/v1/reports/summary?year=2023")[
        "attendance"
    ]
    zeros = dict.fromkeys(("attended", "absent", "excused", "sick", "refused"), 0)
    assert section == {
        "total": 4,
        "attended": 2,
        "rate": 0.5,
        "by_status": zeros | {"attended": 2, "absent": 1, "refused": 1},
        "group": {
            "total": 2,
            "attended": 1,
            "rate": 0.5,
            "by_status": zeros | {"attended": 1, "sick": 1},
        },
    }


def test_pipeline_counts_backlog_and_review_time(client, dataset):
    section = _get(DeviceSession(client, "admin"), "/api/v1/reports/summary?year=2023")["pipeline"]
    assert section["drafts_older_than_48h"] == 1
    assert section["submitted_waiting"] == {"count": 2, "oldest_hours": 30.0, "median_hours": 20.0}
    assert section["review_time"] == {"count": 2, "median_hours": 19.0}
    assert section["as_of"].endswith("Z")


def test_assist_risk_is_taken_from_each_clients_first_assist_of_the_year(client, dataset):
    section = _get(DeviceSession(client, "admin"), "/api/v1/reports/summary?year=2023")[
        "assist_risk_at_intake"
    ]
    none = {"low": 0, "moderate": 0, "high": 0}
    assert section["clients"] == 3
    assert section["by_substance"]["amphetamine"] == {"low": 0, "moderate": 1, "high": 2}
    assert section["by_substance"]["alcohol"] == none | {"low": 1}
    assert section["by_substance"]["cannabis"] == none | {"moderate": 1}
    assert section["by_substance"]["opioids"] == none


def test_supervisor_sees_only_their_facilities(client, dataset):
    supervisor = DeviceSession(client, "supervisor.a")
    body = _get(supervisor, "/api/v1/reports/summary?year=2023")
    assert body["facility_ids"] == [dataset["a"]]
    assert (body["rehabilitated"]["total"], len(body["rehabilitated"]["by_facility"])) == (3, 1)
    assert body["attendance"]["total"] == 3
    assert body["assist_risk_at_intake"]["clients"] == 2
    url = f"/api/v1/reports/summary?year=2023&facility_id={dataset['b']}"
    assert supervisor.get(url).status_code == 404


def test_one_facility_for_an_admin(client, dataset):
    url = f"/api/v1/reports/summary?year=2023&facility_id={dataset['b']}"
    body = _get(DeviceSession(client, "admin"), url)
    assert body["rehabilitated"]["total"] == 1
    assert body["pipeline"]["submitted_waiting"]["count"] == 1


def test_years_span_the_enrollments(client, dataset):
    assert _get(DeviceSession(client, "admin"), "/api/v1/reports/years") == {
        "years": [2021, 2022, 2023, 2024]
    }


def test_years_of_an_empty_database_are_none(client, world):
    assert _get(DeviceSession(client, "admin"), "/api/v1/reports/years") == {"years": []}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/reports/summary",
        "/api/v1/reports/summary?year=1999",
        "/api/v1/reports/summary?year=2101",
        "/api/v1/reports/summary?year=abc",
        "/api/v1/reports/summary?year=2023&facility_id=x",
        "/api/v1/reports/summary?year=2023&colour=red",
        "/api/v1/reports/years?x=1",
        "/api/v1/reports/export?year=2023&table=secrets&format=csv",
        "/api/v1/reports/export?year=2023&table=pipeline&format=pdf",
        "/api/v1/reports/export?table=pipeline&format=csv",
    ],
)
def test_bad_arguments_are_422(client, world, url):
    response = DeviceSession(client, "admin").get(url)
    assert response.status_code == 422
    assert response.get_json()["errors"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/reports/summary?year=2023",
        "/api/v1/reports/years",
        "/api/v1/reports/export?year=2023&table=pipeline&format=csv",
    ],
)
def test_counselors_get_no_figures(client, world, url):
    assert DeviceSession(client, "konselor.a").get(url).status_code == 403


def _number(text: str) -> Any:
    if text == "":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _export(device: DeviceSession, table: str, kind: str) -> list[list[Any]]:
    response = device.get(f"/api/v1/reports/export?year=2023&table={table}&format={kind}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="pulih-{table}-2023.{kind}"'
    )
    if kind == "csv":
        assert response.content_type == "text/csv; charset=utf-8"
        return [
            [_number(cell) for cell in row]
            for row in csv.reader(io.StringIO(response.data.decode("utf-8")))
        ]
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.title == table
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("table", TABLES)
def test_csv_and_xlsx_hold_the_same_numbers(client, dataset, table):
    admin = DeviceSession(client, "admin")
    as_csv, as_xlsx = _export(admin, table, "csv"), _export(admin, table, "xlsx")
    assert as_csv == as_xlsx
    assert len(as_csv) > 1
    cells = [cell for row in as_xlsx[1:] for cell in row]
    assert any(isinstance(cell, int) for cell in cells)
    assert not [cell for cell in cells if isinstance(cell, str) and _number(cell) != cell]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert [e.detail for e in events] == [
        {"table": table, "year": 2023, "format": "csv"},
        {"table": table, "year": 2023, "format": "xlsx"},
    ]


def test_exports_match_the_summary(client, dataset):
    admin = DeviceSession(client, "admin")
    body = _get(admin, "/api/v1/reports/summary?year=2023")
    rehab = body["rehabilitated"]
    assert _export(admin, "rehabilitated", "xlsx") == [
        ["facility_code", "facility_name", "total", "rehab_medis", "rehab_sosial", "pasca_rehab"],
        *[
            [f["code"], f["name"], f["total"], *(f["by_program"][p] for p in PROGRAMS)]
            for f in rehab["by_facility"]
        ],
        ["TOTAL", None, rehab["total"], *(rehab["by_program"][p] for p in PROGRAMS)],
    ]
    sessions = _export(admin, "sessions_by_kind_month", "csv")
    rows = {row[0]: row[1:] for row in sessions[1:]}
    assert rows["individual"] == [*body["sessions_by_kind_month"]["by_kind"]["individual"], 3]
    assert rows["TOTAL"] == [*body["sessions_by_kind_month"]["by_month"], 5]
    attendance = {row[0]: row for row in _export(admin, "attendance", "csv")[1:]}
    assert attendance["individual"][1] == body["attendance"]["total"]
    assert attendance["individual"][-1] == body["attendance"]["rate"]
    pipeline = dict(_export(admin, "pipeline", "xlsx")[1:])
    assert pipeline["submitted_waiting_count"] == 2
    assert pipeline["review_time_median_hours"] == 19.0
    risks = {row[0]: row[1:] for row in _export(admin, "assist_risk_at_intake", "csv")[1:]}
    assert risks["amphetamine"] == [0, 1, 2]


def test_demo_province_figures(client, app):
    from server.demo import ADMIN, DEMO_PASSWORD, load_demo

    load_demo(1)
    token = login(client, ADMIN[0], password=DEMO_PASSWORD)["access_token"]
    totals = {}
    for year in (2021, 2022, 2023):
        response = client.get(
            f"/api/v1/reports/summary?year={year}", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200
        totals[year] = response.get_json()["rehabilitated"]
    assert {year: section["total"] for year, section in totals.items()} == {
        2021: 870,
        2022: 800,
        2023: 520,
    }
    assert totals[2023]["by_program"] == _programs(60, 460, 0)
