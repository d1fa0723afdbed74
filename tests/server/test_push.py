"""Push: every status, idempotency, own edits, one bad change in a batch, scope."""

from __future__ import annotations

from sqlalchemy import func, select

from server.extensions import db
from server.models import ChangeLog, Client, Conflict, CounselingSession
from tests.helpers import DeviceSession, change, client_fields, new_id, session_fields


def _create_client(device: DeviceSession, facility_id: str, **overrides):
    client_id = new_id()
    [result] = device.push(change("client", client_id, client_fields(facility_id, **overrides)))
    assert result["status"] == "applied", result
    return client_id


def test_create_is_applied_with_version_one(client, world):
    device = DeviceSession(client, "konselor.a")
    record_id = new_id()
    [result] = device.push(change("client", record_id, client_fields(world.facility_a)))
    assert result == {
        "change_id": result["change_id"],
        "status": "applied",
        "id": record_id,
        "version": 1,
        "conflict_id": None,
        "errors": None,
    }


def test_replayed_change_returns_first_result_and_applies_nothing(client, world):
    device = DeviceSession(client, "konselor.a")
    client_id = _create_client(device, world.facility_a)
    edit = change("client", client_id, {"full_name": "Budi S."}, base=1)
    first = device.push(edit)
    again = device.push(edit)
    assert first == again
    assert db.session.get(Client, client_id).version == 2
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(ChangeLog)
            .where(ChangeLog.change_id == edit["change_id"])
        )
        == 1
    )


def test_duplicate_change_id_inside_one_batch_is_applied_once(client, world):
    device = DeviceSession(client, "konselor.a")
    client_id = _create_client(device, world.facility_a)
    edit = change("client", client_id, {"full_name": "Budi S."}, base=1)
    first, second = device.push(edit, edit)
    assert first == second
    assert db.session.get(Client, client_id).version == 2


def test_own_edits_never_conflict(client, world):
    device = DeviceSession(client, "konselor.a")
    client_id = _create_client(device, world.facility_a)
    one = device.push(change("client", client_id, {"full_name": "Budi A"}, base=None))
    two = device.push(change("client", client_id, {"full_name": "Budi B"}, base=None))
    assert [one[0]["status"], two[0]["status"]] == ["applied", "applied"]
    assert db.session.get(Client, client_id).full_name == "Budi B"


def test_edits_of_different_fields_merge(client, world):
    a, b = DeviceSession(client, "konselor.a"), DeviceSession(client, "konselor.a2")
    client_id = _create_client(a, world.facility_a)
    assert (
        a.push(change("client", client_id, {"full_name": "Budi A"}, base=1))[0]["status"]
        == "applied"
    )
    [result] = b.push(change("client", client_id, {"case_type": "courier"}, base=1))
    assert result["status"] == "merged"
    record = db.session.get(Client, client_id)
    assert (record.full_name, record.case_type, record.version) == ("Budi A", "courier", 3)


def test_same_value_on_both_sides_is_no_conflict(client, world):
    a, b = DeviceSession(client, "konselor.a"), DeviceSession(client, "konselor.a2")
    client_id = _create_client(a, world.facility_a)
    a.push(change("client", client_id, {"full_name": "Budi A"}, base=1))
    [result] = b.push(change("client", client_id, {"full_name": "Budi A"}, base=1))
    assert result["status"] == "merged"
    assert result["conflict_id"] is None


def test_different_values_of_one_field_conflict_and_keep_the_rest(client, world):
    a, b = DeviceSession(client, "konselor.a"), DeviceSession(client, "konselor.a2")
    client_id = _create_client(a, world.facility_a)
    a.push(change("client", client_id, {"full_name": "Budi A"}, base=1))
    [result] = b.push(change("client", client_id, {"full_name": "Budi B", "sex": "F"}, base=1))
    assert result["status"] == "conflict"
    record = db.session.get(Client, client_id)
    assert (record.full_name, record.sex, record.conflict_open) == ("Budi A", "F", True)
    conflict = db.session.get(Conflict, result["conflict_id"])
    assert (conflict.kind, conflict.fields) == ("field", ["full_name"])
    assert (conflict.base, conflict.server, conflict.client) == (
        {"full_name": "Budi Santoso"},
        {"full_name": "Budi A"},
        {"full_name": "Budi B"},
    )


def _session_pair(client, world):
    a, b = DeviceSession(client, "konselor.a"), DeviceSession(client, "konselor.a2")
    client_id = _create_client(a, world.facility_a)
    session_id = new_id()
    note = "Baris satu.\nBaris dua.\nBaris tiga.\n"
    fields = session_fields(world.facility_a, client_id, note_data=note)
    assert a.push(change("session", session_id, fields))[0]["status"] == "applied"
    return a, b, session_id


def test_note_edits_in_different_places_merge_as_text(client, world):
    a, b, session_id = _session_pair(client, world)
    a.push(
        change(
            "session",
            session_id,
            {"note_data": "Baris satu (A).\nBaris dua.\nBaris tiga.\n"},
            base=1,
        )
    )
    [result] = b.push(
        change(
            "session",
            session_id,
            {"note_data": "Baris satu.\nBaris dua.\nBaris tiga (B).\n"},
            base=1,
        )
    )
    assert result["status"] == "merged"
    assert db.session.get(CounselingSession, session_id).note_data == (
        "Baris satu (A).\nBaris dua.\nBaris tiga (B).\n"
    )


def test_note_edits_of_the_same_line_conflict(client, world):
    a, b, session_id = _session_pair(client, world)
    a.push(
        change("session", session_id, {"note_data": "Satu A.\nBaris dua.\nBaris tiga.\n"}, base=1)
    )
    [result] = b.push(
        change("session", session_id, {"note_data": "Satu B.\nBaris dua.\nBaris tiga.\n"}, base=1)
    )
    assert result["status"] == "conflict"
    assert db.session.get(Conflict, result["conflict_id"]).fields == ["note_data"]


def test_delete_against_edit_is_a_delete_conflict(client, world):
    a, b = DeviceSession(client, "konselor.a"), DeviceSession(client, "konselor.a2")
    client_id = _create_client(a, world.facility_a)
    a.push(change("client", client_id, {"full_name": "Budi A"}, base=1))
    [result] = b.push(change("client", client_id, {}, base=1, op="delete"))
    assert result["status"] == "conflict"
    record = db.session.get(Client, client_id)
    assert (record.deleted, record.conflict_open) == (False, True)
    assert db.session.get(Conflict, result["conflict_id"]).kind == "delete"


def test_edit_of_a_deleted_record_is_a_delete_conflict(client, world):
    a, b = DeviceSession(client, "konselor.a"), DeviceSession(client, "konselor.a2")
    client_id = _create_client(a, world.facility_a)
    assert a.push(change("client", client_id, {}, base=1, op="delete"))[0]["status"] == "applied"
    [result] = b.push(change("client", client_id, {"full_name": "Budi B"}, base=1))
    assert result["status"] == "conflict"
    conflict = db.session.get(Conflict, result["conflict_id"])
    assert (conflict.kind, conflict.client) == ("delete", {"full_name": "Budi B"})
    assert db.session.get(Client, client_id).deleted is True


def test_edit_of_an_approved_session_is_a_locked_conflict(client, world):
    a, _b, session_id = _session_pair(client, world)
    record = db.session.get(CounselingSession, session_id)
    record.status = "approved"
    db.session.commit()
    [result] = a.push(change("session", session_id, {"note_plan": "Tambahan.\n"}, base=1))
    assert result["status"] == "conflict"
    assert db.session.get(Conflict, result["conflict_id"]).kind == "locked"
    record = db.session.get(CounselingSession, session_id)
    assert record.note_plan == "Lanjutkan sesi mingguan.\n"
    assert record.conflict_open is True


def test_same_registration_number_from_two_devices_is_a_duplicate_conflict(client, world):
    a, b = DeviceSession(client, "konselor.a"), DeviceSession(client, "konselor.a2")
    first = _create_client(a, world.facility_a, registration_number="B.I-77/2023")
    second = new_id()
    [result] = b.push(
        change(
            "client",
            second,
            client_fields(
                world.facility_a, registration_number="B.I-77/2023", full_name="Budi Santosa"
            ),
        )
    )
    assert result["status"] == "conflict"
    conflict = db.session.get(Conflict, result["conflict_id"])
    assert (conflict.kind, conflict.record_id, conflict.other_record_id) == (
        "duplicate",
        second,
        first,
    )
    assert db.session.get(Client, second).duplicate_of == first


def test_same_registration_number_in_another_facility_is_fine(client, world):
    a = DeviceSession(client, "konselor.a")
    b = DeviceSession(client, "konselor.b")
    _create_client(a, world.facility_a, registration_number="B.I-1/2023")
    _create_client(b, world.facility_b, registration_number="B.I-1/2023")


def test_invalid_change_is_rejected_kept_and_the_batch_goes_on(client, world):
    device = DeviceSession(client, "konselor.a")
    good, bad = new_id(), new_id()
    results = device.push(
        change("client", bad, client_fields(world.facility_a, sex="X", nik="12")),
        change("client", good, client_fields(world.facility_a)),
    )
    assert [r["status"] for r in results] == ["rejected", "applied"]
    assert set(results[0]["errors"]) == {"sex", "nik"}
    assert db.session.get(Client, bad) is None
    kept = db.session.scalar(select(ChangeLog).where(ChangeLog.status == "rejected"))
    assert kept.fields["fields"]["sex"] == "X"
    assert kept.errors == results[0]["errors"]


def test_change_outside_the_callers_facilities_is_rejected(client, world):
    a = DeviceSession(client, "konselor.a")
    b = DeviceSession(client, "konselor.b")
    [result] = a.push(change("client", new_id(), client_fields(world.facility_b)))
    assert result["status"] == "rejected"
    assert "facility_id" in result["errors"]
    client_b = _create_client(b, world.facility_b)
    [edit] = a.push(change("client", client_b, {"full_name": "X"}, base=1))
    assert edit["status"] == "rejected"
    assert db.session.get(Client, client_b).full_name == "Budi Santoso"


def test_facilities_are_read_only_to_devices(client, world):
    device = DeviceSession(client, "konselor.a")
    [result] = device.push(change("facility", world.facility_a, {"name": "Hacked"}, base=1))
    assert result["status"] == "rejected"
    assert "entity" in result["errors"]


def test_session_for_a_client_of_another_facility_is_rejected(client, world):
    a, b = DeviceSession(client, "konselor.a"), DeviceSession(client, "konselor.b")
    client_b = _create_client(b, world.facility_b)
    [result] = a.push(change("session", new_id(), session_fields(world.facility_a, client_b)))
    assert result["status"] == "rejected"
    assert "client_id" in result["errors"]


def test_group_session_needs_no_client_and_individual_needs_one(client, world):
    device = DeviceSession(client, "konselor.a")
    group = session_fields(world.facility_a, None, kind="group", attendance=None)
    lone = session_fields(world.facility_a, None)
    results = device.push(change("session", new_id(), group), change("session", new_id(), lone))
    assert [r["status"] for r in results] == ["applied", "rejected"]
    assert "client_id" in results[1]["errors"]


def test_submitting_a_session_stamps_the_author_and_time(client, world):
    a, _b, session_id = _session_pair(client, world)
    a.push(change("session", session_id, {"status": "submitted"}, base=1))
    record = db.session.get(CounselingSession, session_id)
    assert record.counselor_id == a.user_id
    assert record.submitted_at is not None


def test_device_may_not_approve_its_own_session(client, world):
    a, _b, session_id = _session_pair(client, world)
    [result] = a.push(change("session", session_id, {"status": "approved"}, base=1))
    assert result["status"] == "rejected"
    assert "status" in result["errors"]


def test_assist_scores_are_computed_by_the_server(client, world):
    device = DeviceSession(client, "konselor.a")
    client_id = _create_client(device, world.facility_a)
    answers = {
        "alcohol": {"q2": 6, "q3": 6, "q4": 7, "q5": 8, "q6": 0, "q7": 0},
        "amphetamine": {"q2": 2, "q3": 0, "q4": 0, "q5": 0, "q6": 3, "q7": 0},
    }
    record_id = new_id()
    [result] = device.push(
        change(
            "assessment",
            record_id,
            {
                "facility_id": world.facility_a,
                "client_id": client_id,
                "instrument": "assist",
                "taken_on": "2023-01-05",
                "answers": answers,
                "scores": {"alcohol": {"score": 0}},
            },
        )
    )
    assert result["status"] == "applied", result
    changes, _ = device.pull_all()
    [pulled] = [c for c in changes if c["id"] == record_id]
    scores = pulled["record"]["scores"]
    assert scores["alcohol"] == {"score": 27, "risk": "high"}
    assert scores["amphetamine"] == {"score": 5, "risk": "moderate"}


def test_base_version_ahead_of_the_server_is_rejected(client, world):
    device = DeviceSession(client, "konselor.a")
    client_id = _create_client(device, world.facility_a)
    [result] = device.push(change("client", client_id, {"full_name": "X"}, base=9))
    assert result["status"] == "rejected"
    assert "base_version" in result["errors"]


def test_push_for_another_device_id_is_forbidden(client, world):
    device = DeviceSession(client, "konselor.a")
    response = device.post("/api/v1/sync/push", json={"device_id": new_id(), "changes": []})
    assert response.status_code == 403


def test_more_than_500_changes_is_413(client, world):
    device = DeviceSession(client, "konselor.a")
    changes = [change("client", new_id(), client_fields(world.facility_a)) for _ in range(501)]
    response = device.post(
        "/api/v1/sync/push", json={"device_id": device.device_id, "changes": changes}
    )
    assert response.status_code == 413
    assert db.session.scalar(select(func.count()).select_from(Client)) == 0


def test_push_records_what_the_device_reports(client, world):
    from server.models import Device

    device = DeviceSession(client, "konselor.a")
    device.report(app_version="1.2.3", pending_count=4)
    stored = db.session.get(Device, device.device_id)
    assert (stored.app_version, stored.pending_count) == ("1.2.3", 4)
    assert stored.last_sync_at is not None


def test_records_made_in_one_push_are_stored_whole_with_what_hangs_off_them(client, world, caplog):
    """A fast batch writes its new rows at its end, one INSERT per table: a client and the
    session that names it, a second client with the first one's number (flagged as its
    duplicate), and an edit of the new client in the same push all arrive whole, and the
    database takes the batch as it is (no change-by-change retry)."""
    device = DeviceSession(client, "konselor.a")
    first, twin, session_id = new_id(), new_id(), new_id()
    fields = client_fields(world.facility_a, registration_number="B.I-10/2026")
    results = device.push(
        change("client", first, fields),
        change("session", session_id, session_fields(world.facility_a, first)),
        change("client", twin, fields | {"full_name": "Budi Santosa"}),
        change("client", first, {"full_name": "Budi S."}, base=1),
    )
    assert [r["status"] for r in results] == ["applied", "applied", "conflict", "applied"]
    stored = db.session.get(Client, first)
    assert (stored.version, stored.full_name) == (2, "Budi S.")
    assert stored.created_at is not None and stored.updated_at is not None
    assert stored.seq is not None and not stored.deleted and not stored.conflict_open
    session = db.session.get(CounselingSession, session_id)
    assert session.client_id == first and session.version == 1 and session.created_at is not None
    assert db.session.get(Client, twin).duplicate_of == first
    assert db.session.get(Conflict, results[2]["conflict_id"]).record_id == twin
    seqs = [db.session.get(Client, first).seq, session.seq, db.session.get(Client, twin).seq]
    assert len(set(seqs)) == 3
    assert "retrying change by change" not in caplog.text


def test_a_number_handed_over_within_one_push_stays_on_the_fast_path(client, world, caplog):
    """A client gives up its registration number (renumbered, or deleted) and a new client takes
    it in the same push: the existing row is written before the new one, as the ORM always did,
    so the live-number index never sees the number twice and the batch is not retried change by
    change."""
    device = DeviceSession(client, "konselor.a")
    renumbered, deleted = new_id(), new_id()
    for record, number in ((renumbered, "B.I-77/2026"), (deleted, "B.I-79/2026")):
        fields = client_fields(world.facility_a, registration_number=number)
        assert device.push(change("client", record, fields))[0]["status"] == "applied"
    takers = new_id(), new_id()
    results = device.push(
        change("client", renumbered, {"registration_number": "B.I-78/2026"}, base=1),
        change(
            "client", takers[0], client_fields(world.facility_a, registration_number="B.I-77/2026")
        ),
        change("client", deleted, {}, base=1, op="delete"),
        change(
            "client", takers[1], client_fields(world.facility_a, registration_number="B.I-79/2026")
        ),
    )
    assert [r["status"] for r in results] == ["applied"] * 4
    assert db.session.get(Client, takers[0]).registration_number == "B.I-77/2026"
    assert db.session.get(Client, takers[1]).duplicate_of is None
    assert "retrying change by change" not in caplog.text
