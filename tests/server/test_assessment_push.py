"""Assessments through the push: the server scores every instrument from the answers it keeps,
and answers that do not fit their instrument are refused per field (both backends)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import DeviceSession, change, client_fields, new_id

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "instruments.json").read_text())
ONE_PER_INSTRUMENT = {v["instrument"]: v for v in reversed(VECTORS["scores"]) if v["scores"]}


def _assessment(facility_id: str, client_id: str, instrument: str, answers: Any) -> dict[str, Any]:
    return {
        "facility_id": facility_id,
        "client_id": client_id,
        "instrument": instrument,
        "taken_on": "2024-03-01",
        "answers": answers,
        "scores": {"made_up": 99},
    }


def _pulled(device: DeviceSession, record_id: str) -> dict[str, Any]:
    changes, _ = device.pull_all()
    [pulled] = [c for c in changes if c["id"] == record_id]
    return dict(pulled["record"])


@pytest.mark.parametrize("instrument", sorted(ONE_PER_INSTRUMENT))
def test_the_server_scores_each_instrument_and_ignores_the_devices_scores(
    client, world, instrument
):
    vector = ONE_PER_INSTRUMENT[instrument]
    device = DeviceSession(client, "konselor.a")
    client_id, record_id = new_id(), new_id()
    fields = _assessment(world.facility_a, client_id, instrument, vector["answers"])
    results = device.push(
        change("client", client_id, client_fields(world.facility_a)),
        change("assessment", record_id, fields),
    )
    assert [r["status"] for r in results] == ["applied", "applied"], results
    record = _pulled(device, record_id)
    assert record["scores"] == vector["scores"]
    assert record["answers"] == vector["answers"]


def test_an_edit_of_the_answers_is_scored_again(client, world):
    device = DeviceSession(client, "konselor.a")
    client_id, record_id = new_id(), new_id()
    answers = {"alcohol": {"q1": 3, "q2": 4, "q3": 0, "q4": 0, "q5": 0, "q6": 3, "q7": 3}}
    device.push(
        change("client", client_id, client_fields(world.facility_a)),
        change(
            "assessment", record_id, _assessment(world.facility_a, client_id, "assist", answers)
        ),
    )
    answers["alcohol"]["q3"] = 3  # 10 -> 13: low -> moderate
    [result] = device.push(change("assessment", record_id, {"answers": answers}, base=1))
    assert result["status"] == "applied", result
    assert _pulled(device, record_id)["scores"] == {"alcohol": {"score": 13, "risk": "moderate"}}


@pytest.mark.parametrize(
    "vector",
    [v for v in VECTORS["invalid"] if v["fields"]],
    ids=lambda v: f"{v['instrument']}:{','.join(v['fields'])}",
)
def test_answers_that_do_not_fit_the_instrument_are_refused_per_field(client, world, vector):
    device = DeviceSession(client, "konselor.a")
    client_id = new_id()
    fields = _assessment(world.facility_a, client_id, vector["instrument"], vector["answers"])
    results = device.push(
        change("client", client_id, client_fields(world.facility_a)),
        change("assessment", new_id(), fields),
        change("client", new_id(), client_fields(world.facility_a)),
    )
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert sorted(results[1]["errors"]) == sorted(vector["fields"])


def test_an_edit_that_breaks_the_skip_rule_is_refused_on_the_merged_record(client, world):
    device = DeviceSession(client, "konselor.a")
    client_id, record_id = new_id(), new_id()
    answers = {"cannabis": {"q1": 3, "q2": 0, "q6": 0, "q7": 0}}
    device.push(
        change("client", client_id, client_fields(world.facility_a)),
        change(
            "assessment", record_id, _assessment(world.facility_a, client_id, "assist", answers)
        ),
    )
    wrong = {"cannabis": {"q1": 3, "q2": 0, "q3": 5, "q6": 0, "q7": 0}}
    [result] = device.push(change("assessment", record_id, {"answers": wrong}, base=1))
    assert result["status"] == "rejected"
    assert list(result["errors"]) == ["answers.cannabis.q3"]
    assert _pulled(device, record_id)["scores"] == {"cannabis": {"score": 0, "risk": "low"}}


def test_changing_the_instrument_checks_the_answers_against_the_new_one(client, world):
    device = DeviceSession(client, "konselor.a")
    client_id, record_id = new_id(), new_id()
    answers = {f"q{n}": 3 for n in range(1, 33)}
    device.push(
        change("client", client_id, client_fields(world.facility_a)),
        change("assessment", record_id, _assessment(world.facility_a, client_id, "urica", answers)),
    )
    [result] = device.push(change("assessment", record_id, {"instrument": "whoqol_bref"}, base=1))
    assert result["status"] == "rejected"
    assert "answers.q27" in result["errors"]
