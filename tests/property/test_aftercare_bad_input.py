"""Guarantee 4 for aftercare: any values in a release's fields, and any upload body or file,
never make a 500; a refused release or upload changes nothing, and says why per field."""

from __future__ import annotations

import base64
from typing import Any

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings
from sqlalchemy import func, select

from server.extensions import db
from server.models import Client, Enrollment, Release
from tests.helpers import DeviceSession, change, client_fields, new_id
from tests.property.test_bad_input import json_values

RELEASE_FIELDS = list(Release.fields)
IMPORT_KEYS = ["facility_id", "file_name", "content", "dry_run"]


def test_any_release_fields_are_answered_per_field_and_refusals_change_nothing(
    client: Any, world: Any
) -> None:
    device = DeviceSession(client, "konselor.a")
    client_id, enrollment_id = new_id(), new_id()
    device.push(
        change("client", client_id, client_fields(world.facility_a)),
        change(
            "enrollment",
            enrollment_id,
            {
                "facility_id": world.facility_a,
                "client_id": client_id,
                "program": "rehab_medis",
                "start_date": "2024-01-08",
            },
        ),
    )

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        fields=st.dictionaries(st.sampled_from(RELEASE_FIELDS), json_values, max_size=7),
        keep_client=st.booleans(),
    )
    def check(fields: dict[str, Any], keep_client: bool) -> None:
        sent = {"facility_id": world.facility_a, **fields}
        if keep_client:
            sent["client_id"] = client_id
        [result] = device.push(change("release", new_id(), sent))
        if result["status"] == "rejected":
            assert result["errors"], result
            assert db.session.scalar(select(func.count()).select_from(Release)) == 0
            enrollment = db.session.get(Enrollment, enrollment_id)
            assert enrollment is not None
            db.session.refresh(enrollment)
            assert enrollment.status == "active"
        else:
            assert result["status"] == "applied"
            db.session.query(Release).delete()  # let the next example start clean
            db.session.query(Enrollment).update({"status": "active", "end_date": None})
            db.session.commit()

    check()


def test_any_upload_is_a_problem_or_a_report_never_a_500(client: Any, world: Any) -> None:
    admin = DeviceSession(client, "admin")
    contents = st.one_of(
        json_values,
        st.binary(max_size=200).map(lambda b: base64.b64encode(b).decode()),
        st.lists(st.lists(st.text(max_size=8), max_size=5), max_size=5).map(
            lambda rows: base64.b64encode(
                ("nama;no registrasi;jk;perkara\n" + "\n".join(";".join(r) for r in rows)).encode()
            ).decode()
        ),
    )

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        body=st.fixed_dictionaries(
            {},
            optional={
                "facility_id": st.one_of(json_values, st.just(world.facility_a)),
                "file_name": json_values,
                "content": contents,
                "dry_run": st.one_of(json_values, st.booleans()),
            },
        )
    )
    def check(body: dict[str, Any]) -> None:
        before = db.session.scalar(select(func.count()).select_from(Client))
        response = admin.post("/api/v1/imports/clients", json=body)
        assert response.status_code < 500, response.get_json()
        if response.status_code >= 400:
            assert response.content_type == "application/problem+json"
            assert db.session.scalar(select(func.count()).select_from(Client)) == before
        else:
            report = response.get_json()
            assert sum(report["counts"].values()) == len(report["rows"])

    check()
