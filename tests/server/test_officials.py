"""Officials (Kanwil, Ditjen) read aggregates only, and never a small cell (UU PDP 27/2022)."""

from __future__ import annotations

import csv
import io

from server.services.disclosure import HIDDEN, suppress_small_counts
from server.services.unit import unit_of_work
from tests.helpers import DeviceSession
from tests.server.test_reports import _client, _enroll


def _three_and_seven(facility_id: str) -> None:
    with unit_of_work():
        for i in range(10):
            program = "rehab_medis" if i < 3 else "rehab_sosial"
            _enroll(facility_id, _client(facility_id), program, "2023-02-01", None, "active")


def test_an_official_sees_counts_under_five_as_less_than_five(client, world):
    _three_and_seven(world.facility_a)
    official = DeviceSession(client, "pejabat.a")
    body = official.get("/api/v1/reports/summary?year=2023").get_json()
    assert body["rehabilitated"]["by_program"] == {
        "rehab_medis": HIDDEN,
        "rehab_sosial": 7,
        "pasca_rehab": 0,
    }
    assert body["rehabilitated"]["total"] == 10 and body["year"] == 2023
    supervisor = DeviceSession(client, "supervisor.a")
    body = supervisor.get("/api/v1/reports/summary?year=2023").get_json()
    assert body["rehabilitated"]["by_program"]["rehab_medis"] == 3


def test_an_officials_export_hides_small_cells_too(client, world):
    _three_and_seven(world.facility_a)
    official = DeviceSession(client, "pejabat.a")
    response = official.get("/api/v1/reports/export?year=2023&table=rehabilitated&format=csv")
    assert response.status_code == 200
    text = response.data.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert HIDDEN in cells and "3" not in cells


def test_an_official_reads_no_record(client, world):
    official = DeviceSession(client, "pejabat.a")
    assert official.get("/api/v1/sync/pull").status_code == 403
    assert official.get("/api/v1/review/queue").status_code == 403
    assert official.get("/api/v1/auth/me").get_json()["role"] == "official"


def test_suppression_leaves_zero_rates_and_non_counts():
    figures = {"year": 2023, "a": [0, 1, 4, 5], "rate": 0.25, "flag": True, "month": 3}
    assert suppress_small_counts(figures) == {
        "year": 2023,
        "a": [0, HIDDEN, HIDDEN, 5],
        "rate": 0.25,
        "flag": True,
        "month": 3,
    }


def test_the_cli_makes_an_official(app):
    result = app.test_cli_runner().invoke(
        args=["create-user", "pejabat.kanwil", "--role", "official", "--password", "x"],
    )
    assert "password" in result.output.lower()  # the password policy still applies
    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "pejabat.kanwil",
            "--role",
            "official",
            "--password",
            "Pejabat-Kanwil-Sumsel-2026",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "(official)" in result.output
