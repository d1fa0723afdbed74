"""Figures from the field work itself (docs/protocol.md "Figures"): cohorts and their exits,
WHOQOL-BREF and URICA change over an enrollment, urine tests.

Theory of operation: the rows are read by the database (live records of live clients, in scope)
and finished in Python, because "an enrollment's first month" is a window of each enrollment's own
dates. Scores are read generically: a number, or an object with a numeric `score`, per name; every
name that holds a number on both the first and the later assessment is a domain.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, func, select

from ..extensions import db
from ..models import Assessment, Client, Cohort, CounselingSession, Enrollment, Facility
from ..schemas.rules import DROPOUT_STATUSES, EXIT_STATUSES

# An enrollment's first month and its sixth (days from its start; WHOQOL-BREF at months 1 and 6).
MONTH_ONE = (timedelta(days=-14), timedelta(days=31))
MONTH_SIX = (timedelta(days=150), timedelta(days=214))


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def cohorts(year: int, scope: list[str]) -> dict[str, Any]:
    """Each cohort running in the year: target, enrolled, active, exits by status, rates."""
    rows = db.session.execute(
        select(Cohort, Facility.code)
        .join(Facility, Facility.id == Cohort.facility_id)
        .where(
            Cohort.deleted.is_(False),
            Cohort.facility_id.in_(scope),
            Cohort.start_date <= date(year, 12, 31),
            Cohort.end_date >= date(year, 1, 1),
        )
        .order_by(Facility.code, Cohort.start_date, Cohort.name)
    ).all()
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    if rows:
        for cohort_id, status, count in db.session.execute(
            select(Enrollment.cohort_id, Enrollment.status, func.count())
            .join(Client, Client.id == Enrollment.client_id)
            .where(
                Enrollment.cohort_id.in_([c.id for c, _ in rows]),
                Enrollment.deleted.is_(False),
                Client.deleted.is_(False),
            )
            .group_by(Enrollment.cohort_id, Enrollment.status)
        ):
            counts[str(cohort_id)][str(status)] = int(count)
    items = [_cohort_figures(cohort, code, counts[cohort.id]) for cohort, code in rows]
    total = {"intake_target": sum(i["intake_target"] for i in items)} | _exits(
        {s: sum(i["by_status"].get(s, 0) for i in items) for s in ("active", *EXIT_STATUSES)}
    )
    return {"items": items, "total": total}


def _exits(by_status: dict[str, int]) -> dict[str, Any]:
    ended = sum(by_status.get(s, 0) for s in EXIT_STATUSES)
    dropped = sum(by_status.get(s, 0) for s in DROPOUT_STATUSES)
    return {
        "enrolled": ended + by_status.get("active", 0),
        "active": by_status.get("active", 0),
        "completed": by_status.get("completed", 0),
        "ended": ended,
        "by_status": {s: by_status.get(s, 0) for s in ("active", *EXIT_STATUSES)},
        "completion_rate": _rate(by_status.get("completed", 0), ended),
        "dropout_rate": _rate(dropped, ended),
    }


def _cohort_figures(cohort: Cohort, code: str, by_status: dict[str, int]) -> dict[str, Any]:
    return {
        "cohort_id": cohort.id,
        "facility_id": cohort.facility_id,
        "facility_code": code,
        "name": cohort.name,
        "program": cohort.program,
        "start_date": cohort.start_date.isoformat(),
        "end_date": cohort.end_date.isoformat(),
        "intake_target": cohort.intake_target,
    } | _exits(by_status)


def _number(value: Any) -> float | None:
    if isinstance(value, dict):
        value = value.get("score")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _numbers(scores: Any) -> dict[str, float]:
    if not isinstance(scores, dict):
        return {}
    found = {name: _number(value) for name, value in scores.items()}
    return {name: n for name, n in found.items() if n is not None}


def _starting(year: int, scope: list[str]) -> Select[str, date]:
    """(client_id, start_date) of live enrollments of live clients that started in the year."""
    return (
        select(Enrollment.client_id, Enrollment.start_date)
        .join(Client, Client.id == Enrollment.client_id)
        .where(
            Enrollment.deleted.is_(False),
            Client.deleted.is_(False),
            Enrollment.figure_facility().in_(scope),
            Enrollment.start_date >= date(year, 1, 1),
            Enrollment.start_date <= date(year, 12, 31),
        )
    )


def _enrollments_starting(year: int, scope: list[str]) -> list[tuple[str, date]]:
    return [(client_id, start) for client_id, start in db.session.execute(_starting(year, scope))]


def _taken(instrument: str, year: int, scope: list[str]) -> dict[str, list[tuple[date, Any]]]:
    """Each client's assessments of one instrument, oldest first: (taken_on, scores), for the
    clients of the enrollments starting in the year (a subquery: a list of their ids was one
    bound parameter per client, 10,000 nationally)."""
    clients = _starting(year, scope).with_only_columns(Enrollment.client_id)
    by_client: dict[str, list[tuple[date, Any]]] = defaultdict(list)
    for client_id, taken_on, scores in db.session.execute(
        select(Assessment.client_id, Assessment.taken_on, Assessment.scores)
        .where(
            Assessment.deleted.is_(False),
            Assessment.instrument == instrument,
            Assessment.client_id.in_(clients),
        )
        .order_by(Assessment.client_id, Assessment.taken_on, Assessment.created_at)
    ):
        by_client[client_id].append((taken_on, scores))
    return by_client


def _change(pairs: list[tuple[dict[str, float], dict[str, float]]]) -> dict[str, Any]:
    """Per score name: clients with both, means first and later, mean change, share improved."""
    domains: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for first, later in pairs:
        for name in sorted(set(first) & set(later)):
            domains[name].append((first[name], later[name]))
    out: dict[str, Any] = {}
    for name, values in sorted(domains.items()):
        n = len(values)
        out[name] = {
            "clients": n,
            "mean_first": round(sum(a for a, _ in values) / n, 2),
            "mean_last": round(sum(b for _, b in values) / n, 2),
            "mean_change": round(sum(b - a for a, b in values) / n, 2),
            "improved_rate": _rate(sum(1 for a, b in values if b > a), n),
        }
    return out


WHOQOL_DOMAINS = ("physical", "psychological", "social", "environment")


def _domains_100(scores: Any) -> dict[str, float]:
    """A WHOQOL-BREF's four domains on the 0-100 scale (`<domain>_100`), as BNN reports them."""
    numbers = _numbers(scores)
    return {d: numbers[f"{d}_100"] for d in WHOQOL_DOMAINS if f"{d}_100" in numbers}


def whoqol_change(year: int, scope: list[str]) -> dict[str, Any]:
    """WHOQOL-BREF month 1 -> month 6 of the enrollments that started in the year, per domain."""
    enrollments = _enrollments_starting(year, scope)
    taken = _taken("whoqol_bref", year, scope)
    pairs = []
    for client_id, start in enrollments:
        window = taken.get(client_id, [])
        first = [s for d, s in window if MONTH_ONE[0] <= d - start < MONTH_ONE[1]]
        sixth = [s for d, s in window if MONTH_SIX[0] <= d - start < MONTH_SIX[1]]
        if first and sixth:
            pairs.append((_domains_100(first[0]), _domains_100(sixth[-1])))
    domains = _change(pairs)
    return {"clients": len(pairs), "domains": domains}


def urica_change(year: int, scope: list[str]) -> dict[str, Any]:
    """URICA readiness, first and last in each enrollment that started in the year."""
    enrollments = _enrollments_starting(year, scope)
    taken = _taken("urica", year, scope)
    pairs = []
    for client_id, start in enrollments:
        window = [s for d, s in taken.get(client_id, []) if d >= start + MONTH_ONE[0]]
        first, last = _numbers(window[0] if window else {}), _numbers(window[-1] if window else {})
        if len(window) >= 2 and "readiness" in first and "readiness" in last:
            pairs.append(({"readiness": first["readiness"]}, {"readiness": last["readiness"]}))
    readiness = _change(pairs).get("readiness")
    return {"clients": len(pairs), "readiness": readiness}


def urine_tests(sessions_in_year: list[Any]) -> dict[str, Any]:
    """Urine tests recorded in the year's sessions, and how many found a positive result."""
    done = positive = 0
    for (urine,) in db.session.execute(
        select(CounselingSession.urine_test).where(
            *sessions_in_year, CounselingSession.urine_test.is_not(None)
        )
    ):
        if not isinstance(urine, dict):
            continue
        done += 1
        results = urine.get("results") or {}
        positive += any(r == "positive" for r in results.values())
    return {"done": done, "positive": positive, "positive_rate": _rate(positive, done)}
