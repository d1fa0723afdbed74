"""Register history, release with a referral and its discharge summary, admission from a list."""

from __future__ import annotations

import base64
import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

from openpyxl import Workbook
from pypdf import PdfReader
from sqlalchemy import select

from server.extensions import db
from server.models import AuditEvent, ChangeLog, Client, Enrollment
from tests.helpers import (
    DeviceSession,
    amphetamine_screening,
    change,
    client_fields,
    new_id,
    release_fields,
    session_fields,
)

YESTERDAY = (date.today() - timedelta(days=1)).isoformat()


# --- register history ---------------------------------------------------------------------


def test_a_changed_number_is_kept_in_the_history_and_pulled(client: Any, world: Any) -> None:
    device = DeviceSession(client, "konselor.a")
    client_id = new_id()
    fields = client_fields(world.facility_a, registration_number="B.I-001/2022")
    device.push(change("client", client_id, fields))
    [result] = device.push(
        change("client", client_id, {"registration_number": "A.I-077/2023"}, base=1)
    )
    assert result["status"] == "applied", result
    [result] = device.push(
        change("client", client_id, {"registration_number": "A.II-012/2024"}, base=2)
    )
    pulled, _ = DeviceSession(client, "konselor.a2").pull_all()
    record = next(c["record"] for c in pulled if c["record"]["id"] == client_id)
    assert record["registration_number"] == "A.II-012/2024"
    history = record["registration_history"]
    assert [h["number"] for h in history] == ["B.I-001/2022", "A.I-077/2023"]
    assert history[0]["facility_id"] == world.facility_a
    assert history[0]["from"] == "2022-01-10"  # the admission date
    assert history[1]["from"] == history[0]["until"] == date.today().isoformat()


def test_the_history_ends_on_the_day_the_device_made_the_change(client: Any, world: Any) -> None:
    device = DeviceSession(client, "konselor.a")
    client_id = new_id()
    device.push(change("client", client_id, client_fields(world.facility_a)))
    three_days_ago = datetime.now(UTC) - timedelta(days=3)
    edit = change("client", client_id, {"registration_number": "OFF-1"}, base=1)
    edit["hlc"] = f"{int(three_days_ago.timestamp() * 1000):013d}-0000-tablet1"
    [result] = device.push(edit)
    assert result["status"] == "applied", result
    stored = db.session.get(Client, client_id)
    assert stored is not None
    db.session.refresh(stored)
    assert stored.registration_history[0]["until"] == three_days_ago.date().isoformat()
    # A clock ahead of the server's never dates the history in the future.
    ahead = change("client", client_id, {"registration_number": "OFF-2"}, base=2)
    ahead["hlc"] = (
        f"{int((datetime.now(UTC) + timedelta(days=30)).timestamp() * 1000):013d}-0000-t2"
    )
    device.push(ahead)
    db.session.refresh(stored)
    assert stored.registration_history[1]["until"] == datetime.now(UTC).date().isoformat()


def test_a_device_cannot_write_the_history(client: Any, world: Any) -> None:
    device = DeviceSession(client, "konselor.a")
    client_id = new_id()
    device.push(change("client", client_id, client_fields(world.facility_a)))
    [result] = device.push(
        change("client", client_id, {"registration_history": [{"number": "X"}]}, base=1)
    )
    assert result["status"] == "rejected"
    assert "registration_history" in result["errors"]


def test_the_staff_path_shows_the_history(client: Any, world: Any) -> None:
    device = DeviceSession(client, "konselor.a")
    client_id = new_id()
    device.push(
        change("client", client_id, client_fields(world.facility_a, registration_number="OLD-1"))
    )
    device.push(change("client", client_id, {"registration_number": "NEW-1"}, base=1))
    body = DeviceSession(client, "supervisor.a").get(f"/api/v1/clients/{client_id}/path").get_json()
    assert body["client"]["registration_number"] == "NEW-1"
    assert [h["number"] for h in body["client"]["registration_history"]] == ["OLD-1"]


# --- release and aftercare ----------------------------------------------------------------


def _enrolled_client(device: DeviceSession, facility_id: str) -> tuple[str, str]:
    client_id, enrollment_id = new_id(), new_id()
    results = device.push(
        change("client", client_id, client_fields(facility_id)),
        change(
            "enrollment",
            enrollment_id,
            {
                "facility_id": facility_id,
                "client_id": client_id,
                "program": "rehab_sosial",
                "start_date": "2024-01-08",
            },
        ),
    )
    assert [r["status"] for r in results] == ["applied", "applied"], results
    return client_id, enrollment_id


def test_a_release_closes_the_active_enrollments_through_the_change_log(
    client: Any, world: Any
) -> None:
    device = DeviceSession(client, "konselor.a")
    client_id, enrollment_id = _enrolled_client(device, world.facility_a)
    release_id = new_id()
    [result] = device.push(
        change("release", release_id, release_fields(world.facility_a, client_id))
    )
    assert result["status"] == "applied", result
    enrollment = db.session.get(Enrollment, enrollment_id)
    assert enrollment is not None
    db.session.refresh(enrollment)
    assert enrollment.status == "released"
    assert enrollment.end_date.isoformat() == YESTERDAY
    assert enrollment.version == 2
    log = db.session.scalars(
        select(ChangeLog).where(ChangeLog.record_id == enrollment_id, ChangeLog.version == 2)
    ).one()
    assert log.source == "server" and log.changed_fields == ["status", "end_date"]
    pulled, _ = DeviceSession(client, "konselor.a2").pull_all()
    records = {c["record"]["id"]: c["record"] for c in pulled}
    assert records[enrollment_id]["status"] == "released"
    release = records[release_id]
    assert release["consent_recorded_by_name"] == "Konselor A"
    assert release["consent_recorded_at"]
    # Editing the release later leaves the path alone.
    [again] = device.push(change("release", release_id, {"note": "Wajib lapor"}, base=1))
    assert again["status"] == "applied"


def test_release_rules_are_refused_per_field(client: Any, world: Any) -> None:
    device = DeviceSession(client, "konselor.a")
    client_id, _ = _enrolled_client(device, world.facility_a)
    future = (date.today() + timedelta(days=5)).isoformat()
    bad = [
        ({"kind": "kabur"}, "kind"),
        ({"released_on": future}, "released_on"),
        ({"recipient_name": ""}, "recipient_name"),
        ({"recipient_kind": None, "consent_recipient": ""}, "recipient_kind"),
        ({"consent_recipient": "BNN Kota"}, "consent_recipient"),
        ({"recipient_kind": "dinas"}, "recipient_kind"),
        ({"client_id": new_id()}, "client_id"),
    ]
    for overrides, field in bad:
        [result] = device.push(
            change("release", new_id(), release_fields(world.facility_a, client_id, **overrides))
        )
        assert result["status"] == "rejected", (overrides, result)
        assert field in result["errors"], (overrides, result)
    other = DeviceSession(client, "konselor.b")
    [result] = other.push(change("release", new_id(), release_fields(world.facility_a, client_id)))
    assert result["status"] == "rejected" and "facility_id" in result["errors"]


def test_a_supervisor_records_a_release_from_the_staff_view(client: Any, world: Any) -> None:
    counselor = DeviceSession(client, "konselor.a")
    client_id, enrollment_id = _enrolled_client(counselor, world.facility_a)
    supervisor = DeviceSession(client, "supervisor.a")
    release_id = new_id()
    response = supervisor.post(
        f"/api/v1/clients/{client_id}/path",
        json={
            "changes": [change("release", release_id, release_fields(world.facility_a, client_id))]
        },
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["results"][0]["status"] == "applied"
    body = supervisor.get(f"/api/v1/clients/{client_id}/path").get_json()
    assert body["releases"][0]["id"] == release_id
    assert body["releases"][0]["consent_recorded_by_name"] == "Supervisor A"
    assert body["enrollments"][0]["status"] == "released"
    # Another client's release cannot ride on this client's path.
    other_id, _ = _enrolled_client(counselor, world.facility_a)
    response = supervisor.post(
        f"/api/v1/clients/{client_id}/path",
        json={"changes": [change("release", new_id(), release_fields(world.facility_a, other_id))]},
    )
    assert response.status_code == 422
    assert db.session.get(Enrollment, enrollment_id) is not None


def _history_for_summary(device: DeviceSession, facility_id: str) -> tuple[str, str]:
    """A client with two ASSIST, three attended individual sessions, one absent, one group."""
    client_id, enrollment_id = _enrolled_client(device, facility_id)
    day = date.today() - timedelta(days=10)

    sessions = [
        change(
            "session",
            new_id(),
            session_fields(
                facility_id,
                client_id,
                occurred_at=f"{(day + timedelta(days=i)).isoformat()}T09:00:00+07:00",
                note_plan=f"Rencana nomor {i}\n",
                attendance="attended" if i < 3 else "absent",
            ),
        )
        for i in range(4)
    ]
    group_id = new_id()
    group = change(
        "session",
        group_id,
        session_fields(facility_id, None, kind="group", attendance=None) | {"client_id": None},
    )
    present = change(
        "attendance",
        new_id(),
        {
            "facility_id": facility_id,
            "session_id": group_id,
            "client_id": client_id,
            "status": "attended",
        },
    )
    results = device.push(
        amphetamine_screening(facility_id, client_id, "2024-01-02", 6),
        amphetamine_screening(facility_id, client_id, day.isoformat(), 2),
        *sessions,
        group,
        present,
    )
    assert {r["status"] for r in results} == {"applied"}, results
    release_id = new_id()
    [result] = device.push(change("release", release_id, release_fields(facility_id, client_id)))
    assert result["status"] == "applied", result
    return client_id, release_id


def test_the_discharge_summary_is_a_pdf_with_the_numbers(client: Any, world: Any) -> None:
    device = DeviceSession(client, "konselor.a")
    client_id, release_id = _history_for_summary(device, world.facility_a)
    response = device.get(f"/api/v1/releases/{release_id}/summary.pdf")
    assert response.status_code == 200, response.get_json()
    assert response.content_type == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Budi Santoso" in text
    assert "Pembebasan bersyarat (PB)" in text
    assert "Bapas Kelas I Palembang" in text
    assert "Konseling individu 3" in text
    assert "Konseling kelompok 1" in text
    assert "Jumlah 4" in text
    assert "Stimulan jenis amfetamin 9 (Risiko sedang)" in text  # intake: q2 6 + q3 3
    assert "Stimulan jenis amfetamin 5 (Risiko sedang)" in text  # last: q2 2 + q3 3
    assert "Rencana nomor 3" in text  # the last session's plan
    assert "Bebas" in text  # the enrollment closed as released
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "disclose")).all()
    assert len(events) == 1
    assert events[0].record_id == release_id
    assert events[0].detail["client_id"] == client_id
    assert events[0].detail["recipient_name"] == "Bapas Kelas I Palembang"
    # The admin's accounting of disclosures.
    admin = DeviceSession(client, "admin")
    page = admin.get("/api/v1/admin/audit?action=disclose").get_json()
    assert [item["record_id"] for item in page["items"]] == [release_id]


def test_no_summary_without_consent(client: Any, world: Any) -> None:
    device = DeviceSession(client, "konselor.a")
    client_id, _ = _enrolled_client(device, world.facility_a)
    release_id = new_id()
    device.push(
        change(
            "release", release_id, release_fields(world.facility_a, client_id, consent_recipient="")
        )
    )
    response = device.get(f"/api/v1/releases/{release_id}/summary.pdf")
    assert response.status_code == 409
    problem = response.get_json()
    assert problem["type"].endswith("consent-missing"), problem
    assert "consent_recipient" in problem["errors"]
    none_id = new_id()
    device.push(
        change(
            "release",
            none_id,
            release_fields(
                world.facility_a,
                client_id,
                recipient_kind=None,
                recipient_name="",
                consent_recipient="",
            ),
        )
    )
    response = device.get(f"/api/v1/releases/{none_id}/summary.pdf")
    assert response.status_code == 409 and "recipient_name" in response.get_json()["errors"]
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "disclose")).all()
    # Consent recorded later: now the summary is made, and the consent's recorder is stamped.
    device.push(
        change("release", release_id, {"consent_recipient": "Bapas Kelas I Palembang"}, base=1)
    )
    assert device.get(f"/api/v1/releases/{release_id}/summary.pdf").status_code == 200


def test_the_summary_is_kept_in_scope(client: Any, world: Any) -> None:
    device = DeviceSession(client, "konselor.a")
    client_id, _ = _enrolled_client(device, world.facility_a)
    release_id = new_id()
    device.push(change("release", release_id, release_fields(world.facility_a, client_id)))
    url = f"/api/v1/releases/{release_id}/summary.pdf"
    assert DeviceSession(client, "konselor.b").get(url).status_code == 404
    assert DeviceSession(client, "pejabat.a").get(url).status_code == 403
    assert DeviceSession(client, "supervisor.a").get(url).status_code == 200
    assert DeviceSession(client, "admin").get(url).status_code == 200
    assert device.get(f"/api/v1/releases/{new_id()}/summary.pdf").status_code == 404


# --- admission from a facility's list -----------------------------------------------------

HEADER_ID = [
    "No",
    "Nama",
    "No. Registrasi",
    "Jenis Kelamin",
    "Tanggal Lahir",
    "Tanggal Masuk",
    "Perkara",
]


def _csv(rows: list[list[Any]], delimiter: str = ";") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode("utf-8")


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["DAFTAR WBP LAPAS A"])  # a title row above the header, as exports have
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(session: DeviceSession, facility_id: str, data: bytes, name: str, dry_run: bool) -> Any:
    return session.post(
        "/api/v1/imports/clients",
        json={
            "facility_id": facility_id,
            "file_name": name,
            "content": base64.b64encode(data).decode(),
            "dry_run": dry_run,
        },
    )


def test_the_dry_run_sorts_every_row_and_the_import_is_idempotent(client: Any, world: Any) -> None:
    counselor = DeviceSession(client, "konselor.a")
    known_id = new_id()
    counselor.push(
        change(
            "client",
            known_id,
            client_fields(
                world.facility_a,
                registration_number="B.I-900/2023",
                full_name="Siti Aminah",
                sex="F",
                birth_date="1988-02-03",
            ),
        )
    )
    rows = [
        HEADER_ID,
        [1, "Andi Wijaya", "B.I-101/2024", "L", "12-03-1990", "01/02/2024", "Narkotika - Pengguna"],
        [2, "Siti Aminah", "B.I-900/2023", "P", "03-02-1988", "2023-05-05", "Pengguna"],
        [3, "Siti Aminnah", "B.I-555/2024", "P", "1988-02-03", "", "kurir"],
        [4, "Rudi", "B.I-102/2024", "X", "31-02-1990", "", "Pengedar"],
        [5, "Dedi Kurniawan", "B.I-101/2024", "L", "", "", "Pengguna"],
        ["", "", "", "", "", "", ""],
        [6, "Eko Prasetyo", "B.I-103/2024", "Laki-laki", "5 Agustus 1985", "", "Bandar"],
    ]
    supervisor = DeviceSession(client, "supervisor.a")
    response = _upload(supervisor, world.facility_a, _csv(rows), "wbp.csv", dry_run=True)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["dry_run"] is True and body["imported"] == 0
    by_row = {r["row"]: r for r in body["rows"]}
    assert by_row[2]["status"] == "new"
    assert by_row[2]["values"]["birth_date"] == "1990-03-12"
    assert by_row[2]["values"]["sex"] == "M" and by_row[2]["values"]["case_type"] == "user"
    assert by_row[3]["status"] == "present" and by_row[3]["matches"][0]["id"] == known_id
    assert by_row[4]["status"] == "duplicate"
    assert by_row[4]["matches"][0] == {
        "id": known_id,
        "full_name": "Siti Aminah",
        "registration_number": "B.I-900/2023",
        "birth_date": "1988-02-03",
        "reason": "name_birth_date",
    }
    assert by_row[5]["status"] == "error"
    assert set(by_row[5]["errors"]) == {"sex", "birth_date"}
    assert (
        by_row[6]["status"] == "error" and "row 2" in by_row[6]["errors"]["registration_number"][0]
    )
    assert 7 not in by_row  # the empty line
    assert by_row[8]["status"] == "new" and by_row[8]["values"]["birth_date"] == "1985-08-05"
    assert by_row[8]["values"]["case_type"] == "trafficker"
    assert body["counts"] == {"new": 2, "present": 1, "duplicate": 1, "error": 2}
    assert body["unknown_columns"] == ["No"]
    assert db.session.scalar(select(db.func.count()).select_from(Client)) == 1

    response = _upload(supervisor, world.facility_a, _csv(rows), "wbp.csv", dry_run=False)
    body = response.get_json()
    assert body["imported"] == 2, body
    imported = {r["id"] for r in body["rows"] if r["status"] == "imported"}
    assert len(imported) == 2
    # The devices of the facility pull the new clients like any change; others do not.
    pulled, _ = counselor.pull_all()
    assert imported <= {c["record"]["id"] for c in pulled}
    pulled_b, _ = DeviceSession(client, "konselor.b").pull_all()
    assert not imported & {c["record"]["id"] for c in pulled_b}
    logs = db.session.scalars(select(ChangeLog).where(ChangeLog.record_id.in_(imported))).all()
    assert {(log.source, log.version) for log in logs} == {("import", 1)}
    # The same file again adds nothing.
    again = _upload(supervisor, world.facility_a, _csv(rows), "wbp.csv", dry_run=False).get_json()
    assert again["imported"] == 0
    assert again["counts"]["present"] == 3 and again["counts"]["new"] == 0
    assert db.session.scalar(select(db.func.count()).select_from(Client)) == 3
    actions = [e.action for e in db.session.scalars(select(AuditEvent))]
    assert actions.count("import") == 2 and actions.count("import_dry_run") == 1


def test_an_xlsx_export_with_english_headers(client: Any, world: Any) -> None:
    rows = [
        ["Registration number", "Full name", "Sex", "Date of birth", "Admission date", "Case type"],
        ["C-1", "Made Wirawan", "M", date(1991, 7, 1), date(2024, 3, 1), "User"],
        ["C-2", "Nyoman Sari", "F", None, None, "courier"],
    ]
    admin = DeviceSession(client, "admin")
    body = _upload(admin, world.facility_b, _xlsx(rows), "wbp.xlsx", dry_run=False).get_json()
    assert body["imported"] == 2, body
    assert body["columns"]["Date of birth"] == "birth_date"
    stored = db.session.scalars(select(Client).where(Client.registration_number == "C-1")).one()
    assert stored.birth_date == date(1991, 7, 1) and stored.facility_id == world.facility_b


def test_a_number_from_the_history_counts_as_present(client: Any, world: Any) -> None:
    counselor = DeviceSession(client, "konselor.a")
    client_id = new_id()
    counselor.push(
        change("client", client_id, client_fields(world.facility_a, registration_number="OLD-7"))
    )
    counselor.push(change("client", client_id, {"registration_number": "NEW-7"}, base=1))
    rows = [["Nama", "No Registrasi", "JK", "Perkara"], ["Budi Santoso", "OLD-7", "L", "pengguna"]]
    body = _upload(DeviceSession(client, "admin"), world.facility_a, _csv(rows, ","), "a.csv", True)
    assert body.get_json()["rows"][0]["status"] == "present"


def test_bad_uploads_are_problems_per_field(client: Any, world: Any) -> None:
    admin = DeviceSession(client, "admin")
    cases = [
        ({"content": "%%%not base64"}, "content"),
        ({"content": ""}, "content"),
        ({"content": base64.b64encode(b"PK\x03\x04garbage").decode()}, "content"),
        ({"content": base64.b64encode(b"a,b\n1,2\n").decode()}, "content"),
        ({"content": base64.b64encode(_csv([["Nama", "JK"], ["A", "L"]])).decode()}, "content"),
        ({"dry_run": "yes"}, "dry_run"),
        ({"facility_id": "not-a-uuid"}, "facility_id"),
        ({"file_name": ""}, "file_name"),
    ]
    good = {
        "facility_id": world.facility_a,
        "file_name": "x.csv",
        "content": base64.b64encode(_csv([HEADER_ID])).decode(),
        "dry_run": True,
    }
    for overrides, field in cases:
        response = admin.post("/api/v1/imports/clients", json=good | overrides)
        assert response.status_code in (400, 422), (overrides, response.get_json())
        assert field in response.get_json()["errors"], (overrides, response.get_json())
    response = admin.post("/api/v1/imports/clients", json={"facility_id": world.facility_a})
    assert response.status_code == 422
    assert {"file_name", "content"} <= set(response.get_json()["errors"])


def test_who_may_import(client: Any, world: Any) -> None:
    data = _csv([HEADER_ID, [1, "Andi", "R-1", "L", "", "", "pengguna"]])
    assert (
        _upload(
            DeviceSession(client, "konselor.a"), world.facility_a, data, "a.csv", True
        ).status_code
        == 403
    )
    assert (
        _upload(
            DeviceSession(client, "pejabat.a"), world.facility_a, data, "a.csv", True
        ).status_code
        == 403
    )
    assert (
        _upload(
            DeviceSession(client, "supervisor.a"), world.facility_b, data, "a.csv", False
        ).status_code
        == 404
    )
    assert db.session.scalar(select(db.func.count()).select_from(Client)) == 0
