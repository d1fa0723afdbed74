"""Staff views without a regional mirror: a supervisor's and an admin's app read the API and pull
nothing into IndexedDB; an admin lands on the conflict inbox, whose rows name the client."""

from __future__ import annotations

import time

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import E2EWorld, LiveServer
from tests.e2e.staff_support import ApiDevice, new_id, submitted_session, ui_login
from tests.helpers import change, client_fields

RECORD_COUNT = """async () => {
  const names = (await indexedDB.databases()).map((d) => d.name).filter((n) => n !== 'pulih-auth');
  let total = 0;
  for (const name of names) {
    const db = await new Promise((ok, fail) => {
      const r = indexedDB.open(name);
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    if (db.objectStoreNames.contains('records')) {
      total += await new Promise((ok) => {
        const c = db.transaction('records').objectStore('records').count();
        c.onsuccess = () => ok(c.result);
      });
    }
    db.close();
  }
  return total;
}"""


def test_supervisor_reads_the_queue_from_the_api_and_mirrors_nothing(
    browser: Browser, base_url: str, live_server: LiveServer, e2e_world: E2EWorld
) -> None:
    tablet = ApiDevice(live_server, e2e_world.counselor)
    submitted_session(tablet, e2e_world.facility_id, note_data="Dibaca dari server.")
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    pulls: list[str] = []
    page.on("request", lambda r: "/api/v1/sync/pull" in r.url and pulls.append(r.url))
    page.goto("/")
    started = time.monotonic()
    ui_login(page, e2e_world.supervisor, here=True)
    expect(page.get_by_test_id("review-row")).to_have_count(1)
    print(f"supervisor login to usable queue: {time.monotonic() - started:.2f} s")
    expect(page.get_by_test_id("sync-status")).to_have_text("Data langsung dari server")
    page.get_by_test_id("review-open").click()
    expect(page.get_by_test_id("rs-note_data")).to_have_text("Dibaca dari server.")
    assert pulls == []
    assert page.evaluate(RECORD_COUNT) == 0
    context.close()


def test_admin_lands_on_the_conflict_inbox_whose_rows_name_the_client(
    browser: Browser, base_url: str, live_server: LiveServer, e2e_world: E2EWorld
) -> None:
    one = ApiDevice(live_server, e2e_world.counselor)
    two = ApiDevice(live_server, e2e_world.counselor2)
    client_id = new_id()
    one.push(
        change("client", client_id, client_fields(e2e_world.facility_id, full_name="Dewi Lestari"))
    )
    one.push(change("client", client_id, {"nik": "1671010101900001"}, base=1))
    [result] = two.push(change("client", client_id, {"nik": "1671010101900002"}, base=1))
    assert result["status"] == "conflict"
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    ui_login(page, e2e_world.admin)
    expect(page).to_have_url(f"{base_url}/#/admin")
    row = page.locator(f'[data-testid="conflict-row"][data-record="{client_id}"]')
    expect(row).to_contain_text("Dewi Lestari")
    expect(row).not_to_contain_text(client_id[:8])
    assert page.evaluate(RECORD_COUNT) == 0
    # Admins do not counsel here: no client list in their navigation.
    expect(page.get_by_test_id("nav-clients")).to_have_count(0)
    context.close()


def test_a_decision_on_a_session_changed_meanwhile_is_refused_in_bahasa_indonesia(
    browser: Browser, base_url: str, live_server: LiveServer, e2e_world: E2EWorld
) -> None:
    tablet = ApiDevice(live_server, e2e_world.counselor)
    _, session_id = submitted_session(tablet, e2e_world.facility_id)
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    ui_login(page, e2e_world.supervisor)
    page.goto(f"/#/supervisor/sessions/{session_id}")
    expect(page.get_by_test_id("rs-note_data")).to_be_visible()
    # The counselor sends a correction while the supervisor reads.
    tablet.push(change("session", session_id, {"note_plan": "Rencana diperbaiki."}, base=1))
    page.get_by_test_id("review-approve").click()
    error = page.get_by_test_id("review-error")
    expect(error).to_contain_text("Sesi ini sudah berubah sejak Anda membukanya")
    expect(error).not_to_contain_text("reload it")
    context.close()
