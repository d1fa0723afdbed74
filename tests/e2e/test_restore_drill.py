"""Issue #13, point 2, in the browser: a server restored from an older backup loses nothing the
tablet holds (docs/deploy.md, "The restore drill"; docs/protocol.md, "After a restore").

A tablet registers a client and syncs; the operator takes `pulih backup` of the live server's
database; the tablet registers another client with a session and gets its answers; the server is
stopped (the tablet loses it), `pulih restore` puts the backup back, the server starts again;
the tablet syncs. The server ends holding every change the tablet made exactly once, and the
tablet shows what the server holds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, expect
from sqlalchemy import select

from server.extensions import db
from server.models import ChangeLog
from tests.e2e.conftest import (
    api_get,
    api_login,
    go_offline,
    last_sync_ms,
    open_tablet,
    ui_log_session,
    ui_register_client,
    wait_for_sync_after,
)

PULIH = [str(Path(sys.executable).parent / "pulih")]


def pulih(live_server: Any, *args: str) -> str:
    """Run the `pulih` command against the live server's database, as an operator would."""
    env = {**os.environ, "PULIH_DATABASE_URL": live_server.app.config["SQLALCHEMY_DATABASE_URI"]}
    done = subprocess.run(  # noqa: S603 - our own CLI
        [*PULIH, *args], env=env, capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def logged(live_server: Any, device_id: str) -> Counter[str]:
    """How many change-log rows each change id of the device has."""
    with live_server.app.app_context():
        rows = db.session.scalars(
            select(ChangeLog.change_id).where(
                ChangeLog.device_id == device_id, ChangeLog.source == "device"
            )
        ).all()
        db.session.remove()
    return Counter(rows)


def test_a_restored_server_gets_back_every_change_the_tablet_holds(
    browser: Browser, base_url: str, live_server: Any, e2e_world: Any, tmp_path: Path
) -> None:
    context, page, pushes = open_tablet(browser, base_url, e2e_world.counselor)
    sent: list[dict[str, Any]] = []
    context.on(
        "request",
        lambda r: (
            sent.extend(r.post_data_json["changes"])
            if r.url.endswith("/api/v1/sync/push")
            else None
        ),
    )
    before = last_sync_ms(page)
    first = ui_register_client(page, "REG-PULIH-001", "Darma Sebelum")
    wait_for_sync_after(page, before)
    backup = tmp_path / "pulih.backup"
    assert "backup written" in pulih(live_server, "backup", str(backup))

    # After the backup: answered by the server, then lost by the restore.
    before = last_sync_ms(page)
    late = ui_register_client(page, "REG-PULIH-002", "Yanto Sesudah")
    ui_log_session(page, ("Hadir.", "Motivasi naik.", "Temui lagi minggu depan."))
    wait_for_sync_after(page, before)
    answered = [r["change_id"] for r in pushes.results]
    assert len(answered) == 3 and pushes.rejected() == []
    tablet = {row["device_id"] for row in _log_rows(live_server, answered)}
    assert len(tablet) == 1
    [device] = tablet
    assert logged(live_server, device) == Counter({cid: 1 for cid in answered})

    # The disk dies: the operator stops the server (the tablet cannot reach it), restores last
    # night's backup, and starts the server again (a fresh database handle).
    go_offline(context, page)
    # While the server is down the counselor corrects the new client's name: an edit of a record
    # the restored server will not have, pending through the restore.
    page.get_by_test_id("client-edit").click()
    expect(page.get_by_test_id("client-full_name")).to_have_value("Yanto Sesudah")
    page.get_by_test_id("client-full_name").fill("Yanto Sesudah Sekali")
    page.get_by_test_id("client-save").click()
    expect(page.get_by_test_id("client-name")).to_have_text("Yanto Sesudah Sekali")
    expect(page.get_by_test_id("pending-count")).to_have_attribute("data-count", "1")
    assert "database restored" in pulih(live_server, "restore", str(backup), "--yes")
    with live_server.app.app_context():
        db.engine.dispose()
    lost = [cid for cid in answered if logged(live_server, device)[cid] == 0]
    assert len(lost) == 2, "the restore did not go back to the backup"

    before = last_sync_ms(page)
    replays_before = len(sent)
    context.set_offline(False)
    wait_for_sync_after(page, before)

    # The tablet sent again every change it keeps and the pending edit, all marked replay (none
    # went unmarked to the restored server); the server took each once.
    after = sent[replays_before:]
    replayed = [c for c in after if c.get("replay") is True]
    assert len(replayed) == len(after)
    edit = [c for c in replayed if c["change_id"] not in answered]
    assert len(edit) == 1 and edit[0]["fields"] == {"full_name": "Yanto Sesudah Sekali"}
    assert {c["change_id"] for c in replayed} == {*answered, edit[0]["change_id"]}
    assert logged(live_server, device) == Counter(
        {cid: 1 for cid in [*answered, edit[0]["change_id"]]}
    )
    assert pushes.rejected() == []

    # The server holds both clients and the session; the tablet shows them.
    headers = api_login(live_server, e2e_world.supervisor)
    pulled = api_get(live_server, "/api/v1/sync/pull?limit=1000", headers)["changes"]
    live = {(c["entity"], c["id"]) for c in pulled if not c["deleted"]}
    assert ("client", first) in live and ("client", late) in live
    assert sum(1 for entity, _ in live if entity == "session") == 1
    page.get_by_test_id("nav-clients").click()
    expect(page.get_by_role("link", name="Darma Sebelum")).to_be_visible()
    assert any(
        c["record"].get("full_name") == "Yanto Sesudah Sekali" for c in pulled if c["id"] == late
    )
    page.get_by_role("link", name="Yanto Sesudah Sekali").click()
    expect(page.get_by_test_id("session-row")).to_have_count(1)
    expect(page.get_by_test_id("pending-count")).to_have_attribute("data-count", "0")
    print(
        f"restore drill: {len(answered)} changes pushed, {len(lost)} lost by the restore,"
        f" {len(replayed)} replayed (with 1 edit pending through the restore),"
        f" {sum(logged(live_server, device).values())} on the server"
    )
    context.close()


def _log_rows(live_server: Any, change_ids: list[str]) -> list[dict[str, Any]]:
    with live_server.app.app_context():
        rows = db.session.execute(
            select(ChangeLog.change_id, ChangeLog.device_id).where(
                ChangeLog.change_id.in_(change_ids)
            )
        ).all()
        db.session.remove()
    return [{"change_id": r.change_id, "device_id": r.device_id} for r in rows]
