"""Figures from field work: cohorts and exits, WHOQOL-BREF and URICA change, urine tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from server.extensions import db
from server.models import Assessment
from server.services.feed import allocate
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


def _assessment(
    device: DeviceSession,
    facility_id: str,
    client_id: str,
    instrument: str,
    taken_on: str,
    scores: dict[str, Any],
) -> None:
    """An assessment with these scores, written as stored: the figures read scores, whichever
    answers (and scorer) produced them."""
    del device  # the scores of a pushed assessment are the server's scorer's, not the test's
    record = Assessment(
        id=new_id(),
        facility_id=facility_id,
        version=1,
        seq=allocate(db.session),
        client_id=client_id,
        instrument=instrument,
        taken_on=date.fromisoformat(taken_on),
        answers={},
        scores=scores,
    )
    db.session.add(record)
    db.session.commit()


def test_whoqol_change_from_month_one_to_six_per_domain(client, world):
    cohort = make_cohort(client, world.facility_a)
    device = DeviceSession(client, "konselor.a")
    changes = [
        ({"physical": 50, "social": 40}, {"physical": 60, "social": 38}),
        ({"physical": 44, "social": 50}, {"physical": 56, "social": 56}),
    ]
    for first, sixth in changes:
        client_id, _ = screened_client(device, world.facility_a)
        device.push(
            change("enrollment", new_id(), enrollment_fields(world.facility_a, client_id, cohort))
        )
        _assessment(device, world.facility_a, client_id, "whoqol_bref", "2024-01-15", first)
        _assessment(
            device, world.facility_a, client_id, "whoqol_bref", "2024-03-15", {"physical": 1}
        )
        _assessment(device, world.facility_a, client_id, "whoqol_bref", "2024-07-01", sixth)
    # A client with only a first month counts nowhere.
    lone, _ = screened_client(device, world.facility_a)
    device.push(change("enrollment", new_id(), enrollment_fields(world.facility_a, lone, cohort)))
    _assessment(device, world.facility_a, lone, "whoqol_bref", "2024-01-15", {"physical": 10})
    section = _summary(client, 2024, world.facility_a)["whoqol_change"]
    assert section["clients"] == 2
    assert section["domains"]["physical"] == {
        "clients": 2,
        "mean_first": 47.0,
        "mean_last": 58.0,
        "mean_change": 11.0,
        "improved_rate": 1.0,
    }
    assert section["domains"]["social"]["improved_rate"] == 0.5


def test_whoqol_change_reads_the_0_to_100_domain_scores_the_server_computes(client, world):
    cohort = make_cohort(client, world.facility_a)
    device = DeviceSession(client, "konselor.a")
    client_id, _ = screened_client(device, world.facility_a)
    device.push(
        change("enrollment", new_id(), enrollment_fields(world.facility_a, client_id, cohort))
    )
    first = {"physical": 12, "physical_100": 50.0, "social": 10, "social_100": 37.5}
    sixth = {"physical": 15, "physical_100": 68.75, "social": 10, "social_100": 37.5}
    _assessment(device, world.facility_a, client_id, "whoqol_bref", "2024-01-15", first)
    _assessment(device, world.facility_a, client_id, "whoqol_bref", "2024-07-01", sixth)
    domains = _summary(client, 2024, world.facility_a)["whoqol_change"]["domains"]
    assert sorted(domains) == ["physical", "social"]
    assert (domains["physical"]["mean_change"], domains["social"]["improved_rate"]) == (18.75, 0.0)


def test_urica_readiness_change_and_urine_tests(client, world):
    cohort = make_cohort(client, world.facility_a)
    device = DeviceSession(client, "konselor.a")
    client_id, _ = screened_client(device, world.facility_a)
    device.push(
        change("enrollment", new_id(), enrollment_fields(world.facility_a, client_id, cohort))
    )
    _assessment(device, world.facility_a, client_id, "urica", "2024-01-10", {"readiness": 7.5})
    _assessment(device, world.facility_a, client_id, "urica", "2024-05-10", {"readiness": 10.0})
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
        "mean_first": 7.5,
        "mean_last": 10.0,
        "mean_change": 2.5,
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
