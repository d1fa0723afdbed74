"""An official of the Kanwil opens the app and finds the figures, nothing else."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect

from server.services.unit import unit_of_work
from server.services.users import add_user
from tests.e2e.conftest import PASSWORD, E2EWorld, LiveServer
from tests.e2e.staff_support import ui_login


def test_an_official_lands_on_the_figures_and_reads_no_record(
    page: Page, live_server: LiveServer, e2e_world: E2EWorld
) -> None:
    username = f"pejabat.{uuid.uuid4().hex[:6]}"
    with live_server.app.app_context(), unit_of_work():
        add_user(
            username=username,
            role="official",
            password=PASSWORD,
            display_name="Pejabat Kanwil",
            facility_codes=[e2e_world.facility_code],
        )
    ui_login(page, username)
    expect(page.get_by_test_id("figures")).to_be_visible()
    expect(page.get_by_test_id("nav-figures")).to_be_visible()
    for other in ("nav-clients", "nav-supervisor", "nav-admin", "tab-review"):
        expect(page.get_by_test_id(other)).to_have_count(0)
    page.goto("/#/clients")
    expect(page.get_by_test_id("figures")).to_have_count(0)
    expect(page.get_by_test_id("client-list")).to_have_count(0)
