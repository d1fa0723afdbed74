"""An admin resolves conflicts side by side in the inbox; both devices pull the resolution."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import E2EWorld, LiveServer
from tests.e2e.staff_support import ApiDevice, change, client_fields, new_id, ui_login


def open_conflict(page: Page, record_id: str) -> None:
    page.get_by_test_id("nav-admin").click()
    row = page.locator(f'[data-testid="conflict-row"][data-record="{record_id}"]')
    expect(row).to_have_count(1)
    row.get_by_test_id("conflict-open").click()
    expect(page.get_by_test_id("conflict-detail")).to_be_visible()


def test_field_conflict_merged_in_the_inbox_reaches_both_devices(
    page: Page, live_server: LiveServer, e2e_world: E2EWorld
) -> None:
    tablet_a = ApiDevice(live_server, e2e_world.counselor)
    tablet_b = ApiDevice(live_server, e2e_world.counselor2)
    client_id = new_id()
    tablet_a.push(change("client", client_id, client_fields(e2e_world.facility_id)))
    assert tablet_a.pull()[("client", client_id)]["version"] == 1
    assert tablet_b.pull()[("client", client_id)]["version"] == 1
    # Both edit the same fields offline from version 1: the second push is a conflict.
    [first] = tablet_a.push(
        change("client", client_id, {"full_name": "Budi Santosa", "sex": "M"}, base=1)
    )
    [second] = tablet_b.push(
        change(
            "client", client_id, {"full_name": "Budi Santoso Putra", "case_type": "courier"}, base=1
        )
    )
    assert (first["status"], second["status"]) == ("applied", "conflict")

    ui_login(page, e2e_world.admin)
    open_conflict(page, client_id)
    field = page.locator('[data-testid="conflict-field"][data-field="full_name"]')
    expect(field.get_by_test_id("value-base")).to_have_text("Budi Santoso")
    expect(field.get_by_test_id("value-server")).to_have_text("Budi Santosa")
    expect(field.get_by_test_id("value-client")).to_have_text("Budi Santoso Putra")
    expect(page.get_by_test_id("conflict-device-who")).to_contain_text(
        f"Counselor2 {e2e_world.counselor2[-6:]}"
    )
    # The admin writes the right name by hand: a "merge" with that value.
    field.get_by_test_id("pick-edit").check()
    field.get_by_test_id("edit-value").fill("Budi Santoso Putra Wijaya")
    page.get_by_test_id("resolve-merge").click()
    expect(page.get_by_test_id("conflict-resolved")).to_be_visible()
    expect(page.get_by_test_id("resolve-merge")).to_have_count(0)

    for tablet in (tablet_a, tablet_b):
        record = tablet.pull()[("client", client_id)]["record"]
        assert record["full_name"] == "Budi Santoso Putra Wijaya"
        assert record["case_type"] == "courier"  # the part of B's change that did not conflict
        assert record["conflict_open"] is False

    page.get_by_test_id("conflict-back").click()
    expect(page.locator(f'[data-testid="conflict-row"][data-record="{client_id}"]')).to_have_count(
        0
    )


def test_duplicate_clients_merged_with_one_click_reach_both_devices(
    page: Page, live_server: LiveServer, e2e_world: E2EWorld
) -> None:
    tablet_a = ApiDevice(live_server, e2e_world.counselor)
    tablet_b = ApiDevice(live_server, e2e_world.counselor2)
    number = f"B.I-{new_id()[:6]}"
    existing, newcomer = new_id(), new_id()
    tablet_a.push(
        change(
            "client",
            existing,
            client_fields(
                e2e_world.facility_id, registration_number=number, full_name="Siti Aminah"
            ),
        )
    )
    [result] = tablet_b.push(
        change(
            "client",
            newcomer,
            client_fields(
                e2e_world.facility_id,
                registration_number=number,
                full_name="Siti Aminah",
                nik="1671012345678901",
            ),
        )
    )
    assert result["status"] == "conflict"

    ui_login(page, e2e_world.admin)
    open_conflict(page, newcomer)
    expect(page.get_by_test_id("conflict-kind")).to_have_text("Klien ganda")
    expect(page.get_by_test_id("client-card-existing")).to_contain_text("Siti Aminah")
    expect(page.get_by_test_id("client-card-newcomer")).to_contain_text("1671012345678901")
    # Keep the existing client and take the NIK only the newcomer had.
    page.get_by_test_id("dup-pick-nik").check()
    page.get_by_test_id("resolve-merge").click()
    expect(page.get_by_test_id("conflict-resolved")).to_be_visible()

    for tablet in (tablet_a, tablet_b):
        pulled = tablet.pull()
        kept = pulled[("client", existing)]["record"]
        merged = pulled[("client", newcomer)]
        assert kept["nik"] == "1671012345678901"
        assert kept["conflict_open"] is False
        assert merged["deleted"] is True
        assert merged["record"]["merged_into"] == existing


def test_rejected_changes_are_listed_with_their_field_errors(
    page: Page, live_server: LiveServer, e2e_world: E2EWorld
) -> None:
    tablet = ApiDevice(live_server, e2e_world.counselor)
    client_id = new_id()
    [result] = tablet.push(
        change("client", client_id, client_fields(e2e_world.facility_id, sex="X", nik="12"))
    )
    assert result["status"] == "rejected"

    ui_login(page, e2e_world.admin)
    page.get_by_test_id("nav-admin").click()
    page.get_by_test_id("tab-rejected").click()
    row = page.locator(f'[data-testid="rejected-row"][data-record="{client_id}"]')
    expect(row).to_have_count(1)
    errors = row.get_by_test_id("rejected-errors")
    expect(errors).to_contain_text("Jenis kelamin")
    expect(errors).to_contain_text("NIK")
