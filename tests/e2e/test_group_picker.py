"""Group sessions scale: a searchable picker, a whole cohort at once, a mark per participant."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import (
    E2EWorld,
    LiveServer,
    open_tablet,
    ui_send_session,
    wait_for_sync_after,
)
from tests.e2e.staff_support import ApiDevice, new_id
from tests.helpers import change, client_fields


def test_group_session_picks_a_cohort_and_a_searched_client_among_many(
    browser: Browser, base_url: str, live_server: LiveServer, e2e_world: E2EWorld
) -> None:
    tablet = ApiDevice(live_server, e2e_world.counselor)
    fid = e2e_world.facility_id
    clients = {f"Warga {i:03d}": new_id() for i in range(300)}
    changes = [change("client", cid, client_fields(fid, full_name=n)) for n, cid in clients.items()]
    cohort = [clients[f"Warga {i:03d}"] for i in range(10, 15)]
    changes += [
        change(
            "enrollment",
            new_id(),
            {
                "facility_id": fid,
                "client_id": cid,
                "program": "rehab_sosial",
                "cohort": "Angkatan 7",
                "phase": "primary",
                "start_date": "2026-10-01",
                "status": "active",
            },
        )
        for cid in cohort
    ]
    for start in range(0, len(changes), 500):
        assert {r["status"] for r in tablet.push(*changes[start : start + 500])} == {"applied"}

    context, page, pushes = open_tablet(browser, base_url, e2e_world.counselor)
    page.get_by_test_id("nav-group").click()
    # No list of 300 dropdowns: nobody takes part until picked.
    expect(page.get_by_test_id("participants-empty")).to_be_visible()
    expect(page.get_by_test_id("participant-status")).to_have_count(0)

    page.get_by_test_id("participant-cohort").select_option("Angkatan 7")
    page.get_by_test_id("participant-add-cohort").click()
    expect(page.get_by_test_id("participant-row")).to_have_count(5)

    page.get_by_test_id("participant-search").fill("warga 2")
    expect(page.get_by_test_id("participant-match")).to_have_count(20)  # a few, never 300
    page.get_by_test_id("participant-search").fill("Warga 250")
    page.get_by_test_id("participant-search").press("Enter")  # adds the one match, sends nothing
    expect(page.get_by_test_id("participant-row")).to_have_count(6)
    expect(page.get_by_test_id("session-submit-confirm")).to_have_count(0)

    page.get_by_test_id("participant-status").nth(1).select_option("sick")
    page.get_by_test_id("participant-remove").nth(2).click()
    expect(page.get_by_test_id("participant-row")).to_have_count(5)

    page.get_by_test_id("session-note-data").fill("Morning meeting: topik kejujuran.")
    page.get_by_test_id("session-note-assessment").fill("Kelompok aktif.")
    before = page.get_by_test_id("last-sync").get_attribute("data-ms") or ""
    ui_send_session(page)
    wait_for_sync_after(page, before)
    assert pushes.rejected() == []
    context.close()

    statuses = sorted(
        item["record"]["status"]
        for (entity, _), item in ApiDevice(live_server, e2e_world.supervisor).pull().items()
        if entity == "attendance" and not item["deleted"]
    )
    assert statuses == ["attended", "attended", "attended", "attended", "sick"]
