"""Small helpers to make facilities and users, log in, and play a device in API tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select

from server.extensions import db
from server.models import ENTITY_MODELS
from server.services.facilities import add_facility
from server.services.record_json import entry_json
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

    # username, role, display name, facility codes
    USERS = (
        ("konselor.a", "counselor", "Konselor A", ["LP-A"]),
        ("konselor.a2", "counselor", "Konselor A2", ["LP-A"]),
        ("konselor.b", "counselor", "Konselor B", ["LP-B"]),
        ("supervisor.a", "supervisor", "Supervisor A", ["LP-A"]),
        ("admin", "admin", "Admin", []),
        ("pejabat.a", "official", "Pejabat Kanwil", ["LP-A"]),
    )

    @classmethod
    def build(cls) -> World:
        with unit_of_work():
            a = add_facility(
                code="LP-A", name="Lapas A", kind="lapas", region="Sumsel", timezone="WIB"
            )
            b = add_facility(
                code="LP-B", name="Lapas B", kind="rutan", region="Sumsel", timezone="WIB"
            )
            for username, role, name, codes in cls.USERS:
                add_user(
                    username=username,
                    role=role,
                    password=PASSWORD,
                    display_name=name,
                    facility_codes=codes,
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

    def get(self, url: str, headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
        return self.client.get(url, headers=self.headers | (headers or {}), **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self.client.post(url, headers=self.headers, **kwargs)

    def put(self, url: str, **kwargs: Any) -> Any:
        return self.client.put(url, headers=self.headers, **kwargs)

    def push(self, *changes: dict[str, Any], **report: Any) -> list[dict[str, Any]]:
        body = {"device_id": self.device_id, "changes": list(changes), **report}
        response = self.post("/api/v1/sync/push", json=body)
        assert response.status_code == 200, response.get_json()
        return list(response.get_json()["results"])

    def report(self, *, app_version: str, pending_count: int) -> Any:
        """An empty push that tells the server the app's version and what waits on the device."""
        body = {
            "device_id": self.device_id,
            "changes": [],
            "app_version": app_version,
            "pending_count": pending_count,
        }
        return self.post("/api/v1/sync/push", json=body)

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
        # The whole UUID: 1,200 clients over six hex digits collided once in 25 runs
        # (the server rightly answers a duplicate register number with a conflict).
        "registration_number": f"B.I-{uuid.uuid4().hex}",
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
        "occurred_at": f"{(date.today() - timedelta(days=1)).isoformat()}T09:00:00+07:00",
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


def release_fields(facility_id: str, client: str, /, **overrides: Any) -> dict[str, Any]:
    """All fields of a valid release (yesterday, on parole, referred to the Bapas)."""
    fields = {
        "facility_id": facility_id,
        "client_id": client,
        "released_on": (date.today() - timedelta(days=1)).isoformat(),
        "kind": "pb",
        "recipient_kind": "bapas",
        "recipient_name": "Bapas Kelas I Palembang",
        "consent_recipient": "Bapas Kelas I Palembang",
    }
    return fields | overrides


class ReplicaDevice:
    """A sync.Replica bound to a logged-in DeviceSession: the reference device of the tests.

    It does what docs/protocol.md "What a device does" says, a reset after a restore included.
    """

    def __init__(self, client: FlaskClient, username: str, now_ms: Any) -> None:
        from sync import Replica

        self.http = DeviceSession(client, username)
        self.replica = Replica(self.http.device_id, new_id, now_ms)
        self.cursor: str | None = None
        self.resets = 0

    def push(self, size: int = 500) -> list[Any]:
        """Push the front of the outbox; return (change, result) pairs once answered."""
        from sync import Result

        batch = self.replica.push_batch(size)
        if not batch:
            return []
        wire = [c.to_wire() for c in batch]
        answer = self.http.push(*wire, clock=self.replica.read_clock())
        results = [Result.from_wire(r) for r in answer]
        for sent, result in zip(batch, results, strict=True):
            assert result.change_id == sent.change_id
        self.replica.acknowledge(results)
        return list(zip(batch, results, strict=True))

    def push_all(self) -> list[Any]:
        """Push until nothing is pending."""
        answered: list[Any] = []
        while self.replica.pending_count:
            answered += self.push()
        return answered

    def pull(self, limit: int = 1000) -> None:
        """Pull to the end of the feed; a reset answer makes the device start over."""
        from sync import PulledChange

        while True:
            query = f"?limit={limit}" + (f"&cursor={self.cursor}" if self.cursor else "")
            response = self.http.get("/api/v1/sync/pull" + query)
            assert response.status_code == 200, response.get_json()
            body = response.get_json()
            assert len(body["changes"]) <= limit
            if body.get("reset"):
                self.resets += 1
                self.replica.reset()
            self.replica.apply_pull([PulledChange.from_wire(c) for c in body["changes"]])
            self.cursor = body["cursor"]
            if not body["has_more"]:
                return

    def sync(self) -> None:
        """Pull, then push everything, then pull again: what the app does when online."""
        self.pull()
        self.push_all()
        self.pull()


def amphetamine_screening(
    facility_id: str, client_id: str, taken_on: str, q2: int
) -> dict[str, Any]:
    """A pushed ASSIST whose amphetamine score is q2 + 3 (moderate risk from 4 to 26)."""
    answers = {"amphetamine": {"q2": q2, "q3": 3, "q4": 0, "q5": 0, "q6": 0, "q7": 0}}
    fields = {
        "facility_id": facility_id,
        "client_id": client_id,
        "instrument": "assist",
        "taken_on": taken_on,
        "answers": answers,
    }
    return change("assessment", new_id(), fields)


def stale_pull_entries() -> dict[str, int]:
    """Per entity: the records whose stored pull entry is missing or not what their columns
    build (services/pull_entries.py). Ends its transaction, so it holds no table lock."""
    dialect = db.engine.dialect.name
    stale = {}
    for entity, model in ENTITY_MODELS.items():
        wrong = model.pull_entry.is_(None) | (model.pull_entry != entry_json(entity, dialect))
        count = db.session.scalar(select(func.count()).select_from(model).where(wrong))
        if count:
            stale[entity] = count
    db.session.rollback()
    return stale


def pull_count_plan(facility_ids: list[str], table: str) -> tuple[set[str], int]:
    """PostgreSQL: how the pull's count of what is left from the start of the feed
    (services/pull.py, as it runs) reads `table`: the scan's node types, and the heap pages its
    index-only scans still read."""
    from sqlalchemy import event

    from server.services.pull import changes_after

    seen: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        seen.append((statement, params))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        changes_after(facility_ids, 0)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    statement, params = seen[-1]
    explained = db.session.connection().exec_driver_sql(
        "EXPLAIN (ANALYZE, FORMAT JSON) " + statement, params
    )
    plan = explained.scalar_one()[0]["Plan"]
    db.session.rollback()
    kinds: set[str] = set()
    fetches = 0
    nodes = [plan]
    while nodes:
        node = nodes.pop()
        nodes += node.get("Plans", [])
        if node.get("Relation Name") == table:
            kinds.add(node["Node Type"])
            fetches += node.get("Heap Fetches", 0)
    return kinds, fetches


def push_client_with_sessions(device: DeviceSession, facility_id: str, sessions: int) -> str:
    """A new client of the facility and `sessions` sessions of theirs, in two pushes; its id."""
    client_id = new_id()
    device.push(change("client", client_id, client_fields(facility_id)))
    device.push(
        *(
            change("session", new_id(), session_fields(facility_id, client_id))
            for _ in range(sessions)
        )
    )
    return client_id
