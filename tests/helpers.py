"""Small helpers to make facilities and users, log in, and play a device in API tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask.testing import FlaskClient

from server.services.facilities import add_facility
from server.services.unit import unit_of_work
from server.services.users import add_user

PASSWORD = "correct horse 42"


def new_id() -> str:
    """A fresh UUID string."""
    return str(uuid.uuid4())


@dataclass
class World:
    """Facilities A and B; counselors of each; a supervisor and an admin of both."""

    facility_a: str
    facility_b: str

    @classmethod
    def build(cls) -> World:
        with unit_of_work():
            return cls._build()

    @classmethod
    def _build(cls) -> World:
        a = add_facility(code="LP-A", name="Lapas A", kind="lapas", region="Sumsel", timezone="WIB")
        b = add_facility(code="LP-B", name="Lapas B", kind="rutan", region="Sumsel", timezone="WIB")
        add_user(
            username="konselor.a",
            role="counselor",
            password=PASSWORD,
            display_name="Konselor A",
            facility_codes=["LP-A"],
        )
        add_user(
            username="konselor.a2",
            role="counselor",
            password=PASSWORD,
            display_name="Konselor A2",
            facility_codes=["LP-A"],
        )
        add_user(
            username="konselor.b",
            role="counselor",
            password=PASSWORD,
            display_name="Konselor B",
            facility_codes=["LP-B"],
        )
        add_user(
            username="supervisor.a",
            role="supervisor",
            password=PASSWORD,
            display_name="Supervisor A",
            facility_codes=["LP-A"],
        )
        add_user(
            username="admin",
            role="admin",
            password=PASSWORD,
            display_name="Admin",
            facility_codes=[],
        )
        return cls(facility_a=a.id, facility_b=b.id)


def login(
    client: FlaskClient, username: str, device_id: str | None = None, password: str = PASSWORD
) -> dict[str, Any]:
    """Log in and return the token pair body (asserting success)."""
    response = client.post(
        "/api/v1/auth/login",
        json={
            "username": username,
            "password": password,
            "device_id": device_id or new_id(),
            "device_name": "test tablet",
        },
    )
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json())


@dataclass
class DeviceSession:
    """A logged-in device: push and pull with its own token."""

    client: FlaskClient
    username: str
    device_id: str = field(default_factory=new_id)
    token: str = ""
    refresh_token: str = ""
    user_id: str = ""

    def __post_init__(self) -> None:
        body = login(self.client, self.username, self.device_id)
        self.token, self.refresh_token = body["access_token"], body["refresh_token"]
        self.user_id = body["user"]["id"]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, headers=self.headers, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self.client.post(url, headers=self.headers, **kwargs)

    def push(self, *changes: dict[str, Any]) -> list[dict[str, Any]]:
        response = self.post(
            "/api/v1/sync/push", json={"device_id": self.device_id, "changes": list(changes)}
        )
        assert response.status_code == 200, response.get_json()
        return list(response.get_json()["results"])

    def pull_all(self, cursor: str | None = None, limit: int = 1000) -> tuple[list[Any], str]:
        changes: list[Any] = []
        while True:
            query = f"?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
            body = self.get("/api/v1/sync/pull" + query).get_json()
            changes += body["changes"]
            cursor = body["cursor"]
            if not body["has_more"]:
                return changes, cursor


def change(
    entity: str,
    record_id: str,
    fields: dict[str, Any],
    *,
    base: int | None = None,
    op: str = "upsert",
) -> dict[str, Any]:
    """A wire change with a fresh change_id."""
    return {
        "change_id": new_id(),
        "entity": entity,
        "id": record_id,
        "op": op,
        "base_version": base,
        "fields": fields,
        "hlc": None,
    }


def client_fields(facility_id: str, **overrides: Any) -> dict[str, Any]:
    """All fields of a valid new client."""
    fields = {
        "facility_id": facility_id,
        "registration_number": f"B.I-{uuid.uuid4().hex[:6]}",
        "full_name": "Budi Santoso",
        "sex": "M",
        "birth_date": "1990-05-01",
        "case_type": "user",
        "admission_date": "2022-01-10",
    }
    return fields | overrides


def session_fields(facility_id: str, client_id: str, **overrides: Any) -> dict[str, Any]:
    """All fields of a valid new individual session."""
    fields = {
        "facility_id": facility_id,
        "client_id": client_id,
        "occurred_at": f"{date.today().isoformat()}T09:00:00+07:00",
        "duration_minutes": 45,
        "kind": "individual",
        "attendance": "attended",
        "note_data": "Klien hadir tepat waktu.\n",
        "note_assessment": "Motivasi baik.\n",
        "note_plan": "Lanjutkan sesi mingguan.\n",
        "risk_flags": [],
        "status": "draft",
    }
    return fields | overrides
