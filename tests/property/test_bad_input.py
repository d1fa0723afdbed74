"""Guarantee 4 as a property: any JSON at all, as a push body or as a change, never makes a 500,
and a rejected change changes no record."""

from __future__ import annotations

import json
from typing import Any

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings
from sqlalchemy import func, select

from server.extensions import db
from server.models import Client, CounselingSession
from tests.helpers import DeviceSession, client_fields

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
KEYS = ["change_id", "entity", "id", "op", "base_version", "fields", "hlc"]
FIELD_NAMES = list(client_fields("x")) + ["occurred_at", "duration_minutes", "kind", "note_data"]


@st.composite
def changes(draw: Any) -> Any:
    """Changes that look almost right: the real keys and field names with any values."""
    change = {key: draw(json_values) for key in draw(st.lists(st.sampled_from(KEYS), max_size=7))}
    if draw(st.booleans()):
        change["fields"] = {
            name: draw(json_values)
            for name in draw(st.lists(st.sampled_from(FIELD_NAMES), max_size=6))
        }
    if draw(st.booleans()):
        change["entity"] = draw(st.sampled_from(["client", "session", "facility", "x"]))
    return change


def _counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Client)),
        db.session.scalar(select(func.count()).select_from(CounselingSession)),
    )


def test_any_json_body_gets_a_problem_or_results_never_a_500(client, world):
    device = DeviceSession(client, "konselor.a")

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(body=json_values)
    def check(body: Any) -> None:
        response = client.post(
            "/api/v1/sync/push",
            data=json.dumps(body),
            content_type="application/json",
            headers=device.headers,
        )
        assert response.status_code < 500
        if response.status_code >= 400:
            assert response.content_type == "application/problem+json"

    check()


def test_almost_right_changes_are_answered_one_by_one_and_rejections_change_nothing(client, world):
    device = DeviceSession(client, "konselor.a")

    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
    @given(batch=st.lists(changes(), min_size=1, max_size=5))
    def check(batch: list[Any]) -> None:
        before = _counts()
        response = device.post(
            "/api/v1/sync/push", json={"device_id": device.device_id, "changes": batch}
        )
        assert response.status_code == 200, response.get_json()
        results = response.get_json()["results"]
        assert len(results) == len(batch)
        applied = sum(r["status"] != "rejected" for r in results)
        if applied == 0:
            assert _counts() == before
        for result in results:
            if result["status"] == "rejected":
                assert result["errors"]

    check()
