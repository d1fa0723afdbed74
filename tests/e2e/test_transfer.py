"""A transfer (mutasi) on phones: a counselor records it offline, syncs, and the client leaves the
source phone (IndexedDB too) and arrives on a destination counselor's phone with its history."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from playwright.sync_api import Browser, expect

from server.services.facilities import add_facility
from server.services.unit import unit_of_work
from server.services.users import add_user
from tests.e2e.conftest import (
    PASSWORD,
    PushLog,
    go_offline,
    last_sync_ms,
    log_in_synced,
    wait_for_sync_after,
)
from tests.e2e.staff_support import ApiDevice, new_id, ui_login
from tests.helpers import change, client_fields, session_fields

PHONE = {"width": 360, "height": 640}

# Every key of the user's IndexedDB stores that names the client, and every value that holds its
# id in the clear (the vault seals values, so a found value would be a leak too).
TRACES = """async (ids) => {
  const found = [];
  for (const info of await indexedDB.databases()) {
    if (!info.name || !info.name.startsWith('pulih-')) continue;
    const db = await new Promise((ok, ko) => {
      const r = indexedDB.open(info.name);
      r.onsuccess = () => ok(r.result);
      r.onerror = () => ko(r.error);
    });
    for (const store of ['records', 'drafts']) {
      if (!db.objectStoreNames.contains(store)) continue;
      const rows = await new Promise((ok, ko) => {
        const out = [];
        const req = db.transaction(store).objectStore(store).openCursor();
        req.onsuccess = () => {
          const c = req.result;
          if (!c) return ok(out);
          out.push([JSON.stringify(c.primaryKey), JSON.stringify(c.value)]);
          c.continue();
        };
        req.onerror = () => ko(req.error);
      });
      for (const [k, v] of rows)
        if (ids.some((id) => k.includes(id) || v.includes(id))) found.push(store + ':' + k);
    }
    db.close();
  }
  return found;
}"""


def _destination(live_server: Any) -> tuple[str, str]:
    """A second facility with its own counselor: (facility id, counselor username)."""
    tag = uuid.uuid4().hex[:6]
    with live_server.app.app_context(), unit_of_work():
        facility = add_facility(
            code=f"E2E-B-{tag}",
            name=f"Rutan Tujuan {tag}",
            kind="rutan",
            region="Sumatera Selatan",
            timezone="WIB",
        )
        username = f"konselor.b.{tag}"
        add_user(
            username=username,
            role="counselor",
            password=PASSWORD,
            display_name=f"Konselor B {tag}",
            facility_codes=[facility.code],
        )
        return facility.id, username


def test_a_transfer_recorded_offline_moves_the_client_between_phones(
    browser: Browser, base_url: str, live_server: Any, e2e_world: Any
) -> None:
    fid = e2e_world.facility_id
    to_id, counselor_b = _destination(live_server)
    tablet = ApiDevice(live_server, e2e_world.counselor2)
    client_id, session_id = new_id(), new_id()
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    results = tablet.push(
        change("client", client_id, client_fields(fid, full_name="Rudi Hartono")),
        change(
            "session",
            session_id,
            session_fields(fid, client_id, occurred_at=f"{yesterday}T09:00:00+07:00"),
        ),
    )
    assert [r["status"] for r in results] == ["applied", "applied"], results

    source = browser.new_context(base_url=base_url, viewport=PHONE)
    pushes = PushLog(source)
    page = source.new_page()
    log_in_synced(page, e2e_world.counselor)
    page.goto(f"/#/clients/{client_id}")
    expect(page.get_by_test_id("client-name")).to_have_text("Rudi Hartono")
    # Online once: the transfer page loads the facilities and keeps them on the phone.
    # The check below can fail: before the transfer the phone holds the client and its session.
    assert len(page.evaluate(TRACES, [client_id, session_id])) == 2
    page.get_by_test_id("transfer-new").click()
    expect(page.locator(f'[data-testid="transfer-to"] option[value="{to_id}"]')).to_have_count(1)
    page.go_back()
    expect(page.get_by_test_id("client-page")).to_be_visible()

    go_offline(source, page)
    page.get_by_test_id("transfer-new").click()
    expect(page.locator(f'[data-testid="transfer-to"] option[value="{to_id}"]')).to_have_count(1)
    # Not the phone's own facility.
    expect(page.locator(f'[data-testid="transfer-to"] option[value="{fid}"]')).to_have_count(0)
    page.get_by_test_id("transfer-save").click()
    expect(page.get_by_test_id("transfer-to-error")).to_contain_text("Pilih UPT tujuan")
    page.get_by_test_id("transfer-to").select_option(to_id)
    page.get_by_test_id("transfer-reason").fill("Pembinaan lanjutan")
    page.get_by_test_id("transfer-save").click()
    expect(page.get_by_test_id("transfer-pending")).to_be_visible()
    expect(page.get_by_test_id("pending-count")).to_have_attribute("data-count", "1")

    before = last_sync_ms(page)
    source.set_offline(False)
    wait_for_sync_after(page, before)
    assert pushes.statuses() == {"applied": 1}, pushes.results
    # Gone from the source phone: the list, the page, and the IndexedDB behind them.
    page.goto("/#/clients")
    expect(page.get_by_test_id("client-search")).to_be_visible()
    expect(page.locator(f'[data-testid="client-row"][data-id="{client_id}"]')).to_have_count(0)
    page.goto(f"/#/clients/{client_id}")
    expect(page.get_by_test_id("not-found")).to_be_visible()
    traces = page.evaluate(TRACES, [client_id, session_id])
    assert traces == [], traces

    # On the destination's phone: the client with the history the source recorded.
    destination = browser.new_context(base_url=base_url, viewport=PHONE)
    other = destination.new_page()
    log_in_synced(other, counselor_b)
    other.goto("/#/clients")
    row = other.locator(f'[data-testid="client-row"][data-id="{client_id}"]')
    expect(row).to_contain_text("Rudi Hartono")
    row.locator("a").first.click()
    expect(other.get_by_test_id("client-name")).to_have_text("Rudi Hartono")
    expect(other.locator(f'[data-testid="session-row"][data-id="{session_id}"]')).to_have_count(1)
    expect(other.get_by_test_id("transfer-arrived")).to_contain_text("Dipindahkan ke sini dari")
    expect(other.get_by_test_id("transfer-pending")).to_have_count(0)
    source.close()
    destination.close()


def test_a_supervisor_records_a_transfer_from_the_client_page(
    browser: Browser, base_url: str, live_server: Any, e2e_world: Any
) -> None:
    fid = e2e_world.facility_id
    to_id, counselor_b = _destination(live_server)
    client_id = new_id()
    tablet = ApiDevice(live_server, e2e_world.counselor2)
    [result] = tablet.push(
        change("client", client_id, client_fields(fid, full_name="Anton Wijaya"))
    )
    assert result["status"] == "applied", result

    office = browser.new_context(base_url=base_url)
    desk = office.new_page()
    ui_login(desk, e2e_world.supervisor)
    desk.goto(f"/#/supervisor/clients/{client_id}")
    expect(desk.get_by_test_id("client-name")).to_have_text("Anton Wijaya")
    form = desk.get_by_test_id("staff-transfer")
    expect(form.locator(f'option[value="{to_id}"]')).to_have_count(1)
    desk.get_by_test_id("staff-transfer-to").select_option(to_id)
    future = (date.today() + timedelta(days=3)).isoformat()
    desk.get_by_test_id("staff-transfer-on").fill(future)
    desk.get_by_test_id("staff-transfer-save").click()
    expect(desk.get_by_test_id("staff-transfer-on-error")).to_contain_text("masa depan")
    desk.get_by_test_id("staff-transfer-on").fill(date.today().isoformat())
    desk.get_by_test_id("staff-transfer-save").click()
    # The client left the supervisor's facility: the page goes back to the queue.
    expect(desk.get_by_test_id("staff-client-path")).to_have_count(0)
    expect(desk).to_have_url(f"{base_url}/#/supervisor")
    destination = ApiDevice(live_server, counselor_b)
    status, body = destination.call("GET", "/api/v1/sync/pull")
    assert status == 200, body
    clients = [c for c in body["changes"] if c["entity"] == "client"]
    assert [(c["id"], c["record"]["facility_id"]) for c in clients] == [(client_id, to_id)]
    office.close()


def test_the_staff_transfer_form_is_dated_in_the_facilitys_own_zone(
    browser: Browser, base_url: str, live_server: Any, e2e_world: Any
) -> None:
    # At 16:00 UTC it is 23:00 in a WIB facility and already tomorrow in WIT: the form dated a
    # transfer by the WIT day, a day the WIB facility has not reached.
    client_id = new_id()
    tablet = ApiDevice(live_server, e2e_world.counselor2)
    tablet.push(change("client", client_id, client_fields(e2e_world.facility_id)))
    yesterday = date.today() - timedelta(days=1)
    office = browser.new_context(base_url=base_url)
    desk = office.new_page()
    desk.clock.set_fixed_time(
        datetime(yesterday.year, yesterday.month, yesterday.day, 16, tzinfo=UTC)
    )
    ui_login(desk, e2e_world.supervisor)
    desk.goto(f"/#/supervisor/clients/{client_id}")
    expect(desk.get_by_test_id("staff-transfer-on")).to_have_value(yesterday.isoformat())
    office.close()
