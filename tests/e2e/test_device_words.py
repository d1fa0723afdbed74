"""Devices an admin recognises: model, browser and system parsed, the name its user gave it, a
short id, the pending count the phone holds after its sync, and the revoke reason on the phone."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import (
    E2EWorld,
    last_sync_ms,
    ui_log_in,
    ui_register_client,
    wait_for_sync,
    wait_for_sync_after,
)
from tests.e2e.staff_support import admin_device_row, browser_device_id

ANDROID_TABLET = (
    "Mozilla/5.0 (Linux; Android 11; SM-T505) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)


def test_admin_sees_a_named_parsed_device_with_its_true_pending_count_and_revokes_it(
    browser: Browser, base_url: str, e2e_world: E2EWorld
) -> None:
    phone_ctx = browser.new_context(base_url=base_url, user_agent=ANDROID_TABLET)
    phone = phone_ctx.new_page()
    phone.goto("/")
    ui_log_in(phone, e2e_world.counselor)
    wait_for_sync(phone)
    device_id = browser_device_id(phone)
    phone.get_by_test_id("device-label").fill("Tablet Blok A")
    phone.get_by_test_id("device-label-save").click()
    expect(phone.get_by_test_id("device-label-message")).to_have_text("Nama perangkat disimpan.")
    before = last_sync_ms(phone)
    ui_register_client(phone, "REG-2026-501", "Yusuf Maulana")
    wait_for_sync_after(phone, before)

    admin_ctx, row = admin_device_row(browser, base_url, e2e_world.admin, device_id)
    expect(row.get_by_test_id("device-name")).to_have_text(
        "Tablet Blok A · SM-T505 · Chrome 120 · Android 11"
    )
    expect(row.get_by_test_id("device-short-id")).to_have_text(f"#{device_id[:8]}")
    expect(row).not_to_contain_text("Mozilla/5.0")
    # The push counted the new client before it went out; the sync's last pull says 0.
    expect(row.get_by_test_id("device-pending")).to_have_text("0")

    row.get_by_test_id("device-revoke").click()
    expect(row).not_to_contain_text("belum terkirim; perubahan itu akan hilang")
    row.get_by_test_id("revoke-reason").fill("Hilang di blok C")
    row.get_by_test_id("revoke-confirm").click()
    expect(row.get_by_test_id("device-revoked")).to_contain_text("Hilang di blok C")

    phone.get_by_test_id("sync-now").click()
    expect(phone.get_by_test_id("revoked-message")).to_be_visible()
    expect(phone.get_by_test_id("revoked-reason")).to_have_text(
        "Alasan dari admin: Hilang di blok C"
    )
    admin_ctx.close()
    phone_ctx.close()
