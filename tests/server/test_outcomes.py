"""Figures from field work: cohorts and exits, WHOQOL-BREF and URICA change, urine tests."""

from __future__ import annotations

from typing import Any

from tests.helpers import DeviceSession, change, new_id, session_fields
from tests.server.test_program import enrollment_fields, make_cohort, screened_client


def _summary(client: Any, year: int, facility_id: str) -> dict[str, Any]:
    response = DeviceSession(client, "supervisor.a").get(
        f"/api/v1/reports/summary?year={year}&facility_id={facility_id}"
    )
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json())


def test_cohort_figures_count_enrollments_and_exits_made_on_devices(client, world):
    cohort = make_cohort(client, world.facility_a, intake_target=4)
    make_cohort(
        client,
        world.facility_a,
        name="2023 tahap II",
        start_date="2023-07-01",
        end_date="2023-12-31",
    )  # not running in 2024
    device = DeviceSession(client, "konselor.a")
    outcomes = ["active", "completed", "withdrew", "expelled", "completed"]
    for status in outcomes:
        client_id, _ = screened_client(device, world.facility_a)
        enrollment_id = new_id()
        device.push(
            change(
                "enrollment", enrollment_id, enrollment_fields(world.facility_a, client_id, cohort)
            )
        )
        if status != "active":
            [r] = device.push(
                change(
                    "enrollment",
                    enrollment_id,
                    {"status": status, "end_date": "2024-06-30"},
                    base=1,
                )
            )
            assert r["status"] == "applied", r
    section = _summary(client, 2024, world.facility_a)["cohorts"]
    [item] = section["items"]
    assert {
        k: item[k] for k in ("name", "intake_target", "enrolled", "active", "completed", "ended")
    } == {
        "name": "2024 tahap I",
        "intake_target": 4,
        "enrolled": 5,
        "active": 1,
        "completed": 2,
        "ended": 4,
    }
    assert (item["by_status"]["withdrew"], item["by_status"]["expelled"]) == (1, 1)
    assert (item["completion_rate"], item["dropout_rate"]) == (0.5, 0.5)
    assert section["total"]["enrolled"] == 5
    assert _summary(client, 2024, world.facility_a)["rehabilitated"]["total"] == 5


WHOQOL_REVERSED = {"q3", "q4", "q26"}


def whoqol_answers(level: int) -> dict[str, int]:
    """Answers that put every WHOQOL-BREF domain at 4 x level (0-100: 25 x (level - 1))."""
    return {f"q{i}": 6 - level if f"q{i}" in WHOQOL_REVERSED else level for i in range(1, 27)}


def urica_answers(level: int) -> dict[str, int]:
    """Every URICA item at `level`: each subscale's mean is level, readiness 2 x level."""
    return {f"q{i}": level for i in range(1, 33)}


def _assessment(
    device: DeviceSession,
    facility_id: str,
    client_id: str,
    instrument: str,
    taken_on: str,
    answers: dict[str, Any],
) -> None:
    fields = {
        "facility_id": facility_id,
        "client_id": client_id,
        "instrument": instrument,
        "taken_on": taken_on,
        "answers": answers,
    }
    [r] = device.push(change("assessment", new_id(), fields))
    assert r["status"] == "applied", r


def test_whoqol_change_from_month_one_to_six_per_domain(client, world):
    cohort = make_cohort(client, world.facility_a)
    device = DeviceSession(client, "konselor.a")
    # (month 1, month 3, month 6) answer levels: 0-100 domain scores 50 -> 75 and 25 -> 25.
    for first, third, sixth in ((3, 1, 4), (2, 5, 2)):
        client_id, _ = screened_client(device, world.facility_a)
        device.push(
            change("enrollment", new_id(), enrollment_fields(world.facility_a, client_id, cohort))
        )
        for taken_on, level in (
            ("2024-01-15", first),
            ("2024-03-15", third),
            ("2024-07-01", sixth),
        ):
            answers = whoqol_answers(level)
            _assessment(device, world.facility_a, client_id, "whoqol_bref", taken_on, answers)
    # A client with only a first month counts nowhere.
    lone, _ = screened_client(device, world.facility_a)
    device.push(change("enrollment", new_id(), enrollment_fields(world.facility_a, lone, cohort)))
    _assessment(device, world.facility_a, lone, "whoqol_bref", "2024-01-15", whoqol_answers(5))
    section = _summary(client, 2024, world.facility_a)["whoqol_change"]
    assert section["clients"] == 2
    assert set(section["domains"]) == {"physical", "psychological", "social", "environment"}
    for domain in section["domains"].values():
        assert domain == {
            "clients": 2,
            "mean_first": 37.5,
            "mean_last": 50.0,
            "mean_change": 12.5,
            "improved_rate": 0.5,
        }


def test_urica_readiness_change_and_urine_tests(client, world):
    cohort = make_cohort(client, world.facility_a)
    device = DeviceSession(client, "konselor.a")
    client_id, _ = screened_client(device, world.facility_a)
    device.push(
        change("enrollment", new_id(), enrollment_fields(world.facility_a, client_id, cohort))
    )
    _assessment(device, world.facility_a, client_id, "urica", "2024-01-10", urica_answers(3))
    _assessment(device, world.facility_a, client_id, "urica", "2024-05-10", urica_answers(4))
    for results in ({"thc": "negative", "amp": "positive"}, {"thc": "negative"}):
        urine = {"panel": "6 parameter", "results": results}
        fields = session_fields(
            world.facility_a,
            client_id,
            kind="urine_test",
            urine_test=urine,
            occurred_at="2024-02-01T09:00:00+07:00",
        )
        [r] = device.push(change("session", new_id(), fields))
        assert r["status"] == "applied", r
    figures = _summary(client, 2024, world.facility_a)
    assert figures["urica_change"]["readiness"] == {
        "clients": 1,
        "mean_first": 6.0,
        "mean_last": 8.0,
        "mean_change": 2.0,
        "improved_rate": 1.0,
    }
    assert figures["urine_tests"] == {"done": 2, "positive": 1, "positive_rate": 0.5}


def test_cohort_figures_stay_in_scope(client, world):
    make_cohort(client, world.facility_a)
    other = (
        DeviceSession(client, "admin")
        .get(f"/api/v1/reports/summary?year=2024&facility_id={world.facility_b}")
        .get_json()
    )
    assert other["cohorts"]["items"] == []
