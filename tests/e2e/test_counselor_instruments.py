"""Issue #15, point 1: an ASSIST screening on a phone, offline, from the client's page to the
server's scores.

On a 360 x 640 phone with no signal: register a client, screen them with ASSIST (two substances
used), reload half-way and find the draft where it was left, finish, see the feedback card in
Bahasa Indonesia, save; then with the signal back the record syncs, and the API shows the
scores the server computed from the answers.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import (
    api_get,
    api_login,
    go_offline,
    open_tablet,
    ui_register_client,
    ui_unlock_with_pin,
    wait_for_controller,
)

PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True}

# (step, value): alcohol 4 + 5 + 0 + 0 + 6 + 0 = 15 (moderate); amphetamine 6 + 6 + 7 + 8 + 6 + 6
# = 39 (high); never injected.
BEFORE_RELOAD = [("q2:alcohol", 4), ("q2:amphetamine", 6), ("q3:alcohol", 5)]
AFTER_RELOAD = [
    ("q3:amphetamine", 6),
    ("q4:alcohol", 0),
    ("q4:amphetamine", 7),
    ("q5:alcohol", 0),
    ("q5:amphetamine", 8),
    ("q6:alcohol", 6),
    ("q6:amphetamine", 6),
    ("q7:alcohol", 0),
    ("q7:amphetamine", 6),
    ("q8", 0),
]


def answer(page: Page, step: str, value: int) -> None:
    """On the screen of `step`, tap the answer worth `value`."""
    expect(page.get_by_test_id("instr-step")).to_have_attribute("data-step", step)
    page.locator(f'[data-testid="instr-option"][data-value="{value}"]').tap()


def test_an_assist_screening_offline_on_a_phone_reaches_the_server_scored(
    browser: Browser, base_url: str, live_server: Any, e2e_world: Any
) -> None:
    context, page, _ = open_tablet(browser, base_url, e2e_world.counselor, **PHONE)
    wait_for_controller(page)
    go_offline(context, page)
    client_id = ui_register_client(page, "REG-ASSIST-01", "Dedi Saputra")
    page.get_by_test_id("instr-start-assist").tap()

    # Q1: which substances ever used; the eight left unticked are recorded as never used.
    expect(page.get_by_test_id("instr-step")).to_have_attribute("data-step", "q1")
    page.locator('input[data-row="alcohol"]').tap()
    page.locator('input[data-row="amphetamine"]').tap()
    page.get_by_test_id("instr-next").tap()
    for step, value in BEFORE_RELOAD:
        answer(page, step, value)
    expect(page.get_by_test_id("instr-live")).to_contain_text("Minuman beralkohol 9 (Rendah)")

    # Half-way: the draft is on disk; a reload (offline, from the service worker) brings it back
    # on the question that was next.
    expect(page.get_by_test_id("instr-step")).to_have_attribute("data-step", "q3:amphetamine")
    expect(page.get_by_test_id("draft-status")).to_have_attribute("data-state", "saved")
    response = page.reload()
    assert response is None or response.from_service_worker
    ui_unlock_with_pin(page)  # a reload asks for the PIN (the vault), offline
    expect(page.get_by_test_id("draft-restored")).to_be_visible()
    expect(page.get_by_test_id("instr-step")).to_have_attribute("data-step", "q3:amphetamine")
    # The client's page says the screening waits as a draft; reopening it lands on that question.
    page.goto(f"/#/clients/{client_id}")
    start = page.get_by_test_id("instr-start-assist")
    expect(start).to_have_attribute("data-draft", "1")
    expect(start).to_contain_text("lanjutkan draf")
    start.tap()
    expect(page.get_by_test_id("instr-step")).to_have_attribute("data-step", "q3:amphetamine")
    expect(page.get_by_test_id("instr-progress")).to_have_text("Pertanyaan 5 dari 14")
    for step, value in AFTER_RELOAD:
        answer(page, step, value)

    # The feedback card: risk per substance in Bahasa Indonesia with the WHO's advice.
    card = page.get_by_test_id("feedback-card")
    expect(card).to_be_visible()
    rows = card.get_by_test_id("feedback-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_attribute("data-row", "amphetamine")
    expect(rows.nth(0).get_by_test_id("feedback-score")).to_have_text("39")
    expect(rows.nth(0).get_by_test_id("feedback-band")).to_have_text("Tinggi")
    expect(rows.nth(0)).to_contain_text("rujuk untuk asesmen dan terapi")
    expect(rows.nth(1).get_by_test_id("feedback-score")).to_have_text("15")
    expect(rows.nth(1).get_by_test_id("feedback-band")).to_have_text("Sedang")
    expect(rows.nth(1)).to_contain_text("intervensi singkat")
    expect(rows.nth(1).get_by_test_id("feedback-ranges")).to_have_text(
        "Rendah 0–10 · Sedang 11–26 · Tinggi 27+"
    )
    expect(page.get_by_test_id("feedback-never")).to_contain_text("Tembakau")
    expect(page.get_by_test_id("scale-injecting")).to_contain_text("Tidak pernah")
    page.get_by_test_id("instr-save").tap()
    expect(page.get_by_test_id("instr-saved")).to_be_visible()
    expect(page.get_by_test_id("pending-count")).to_have_attribute("data-count", "2")

    page.get_by_test_id("instr-back").tap()
    expect(page.get_by_test_id("instr-start-assist")).to_have_attribute("data-draft", "0")
    history = page.get_by_test_id("instr-history-row")
    expect(history).to_have_count(1)
    expect(history.get_by_test_id("instr-headline")).to_contain_text(
        "Stimulan jenis amfetamin 39 (Tinggi)"
    )

    # The signal is back: the record syncs and the server holds the scores it computed.
    context.set_offline(False)
    expect(page.get_by_test_id("pending-count")).to_have_attribute("data-count", "0")
    headers = api_login(live_server, e2e_world.counselor)
    pulled = api_get(live_server, "/api/v1/sync/pull?limit=1000", headers)["changes"]
    [record] = [
        c["record"]
        for c in pulled
        if c["entity"] == "assessment" and c["record"]["client_id"] == client_id
    ]
    assert record["instrument"] == "assist"
    assert record["scores"] == {
        "alcohol": {"score": 15, "risk": "moderate"},
        "amphetamine": {"score": 39, "risk": "high"},
        "injecting": "never",
    }
    assert record["answers"]["tobacco"] == {"q1": 0}
    assert record["answers"]["amphetamine"] == {
        "q1": 3,
        "q2": 6,
        "q3": 6,
        "q4": 7,
        "q5": 8,
        "q6": 6,
        "q7": 6,
    }
    context.close()


def test_the_intake_assessment_and_urica_are_taken_from_the_same_screens(
    browser: Browser, base_url: str, live_server: Any, e2e_world: Any
) -> None:
    context, page, pushes = open_tablet(browser, base_url, e2e_world.counselor, **PHONE)
    client_id = ui_register_client(page, "REG-ASI-01", "Rahmat Hidayat")

    # The intake: seven 0-9 ratings, the urine result, the treatment plan as text.
    page.get_by_test_id("instr-start-asi").tap()
    ratings = [
        ("medical", 2),
        ("employment", 5),
        ("alcohol", 0),
        ("drug", 8),
        ("legal", 6),
        ("family", 4),
        ("psychiatric", 3),
    ]
    for step, value in [*ratings, ("urine", 1)]:
        answer(page, step, value)
    expect(page.get_by_test_id("instr-step")).to_have_attribute("data-step", "plan")
    page.get_by_test_id("instr-text").fill("Rehabilitasi sosial (TC), tahap I.")
    page.get_by_test_id("instr-next").tap()
    expect(page.get_by_test_id("scale-highest")).to_contain_text("8")
    expect(page.get_by_test_id("scale-urine")).to_contain_text("Positif")
    page.get_by_test_id("instr-save").tap()
    expect(page.get_by_test_id("instr-saved")).to_be_visible()

    # URICA: 32 statements, all "Setuju" (4): every mean 4, readiness 4 + 4 + 4 - 4 = 8.
    page.get_by_test_id("instr-back").tap()
    page.get_by_test_id("instr-start-urica").tap()
    for n in range(1, 33):
        answer(page, f"q{n}", 4)
    expect(page.get_by_test_id("scale-readiness")).to_contain_text("8")
    page.get_by_test_id("instr-save").tap()
    expect(page.get_by_test_id("instr-saved")).to_be_visible()  # in the outbox before going back
    page.get_by_test_id("instr-back").tap()
    expect(page.get_by_test_id("instr-history-row")).to_have_count(2)
    expect(page.get_by_test_id("pending-count")).to_have_attribute("data-count", "0")

    headers = api_login(live_server, e2e_world.counselor)
    pulled = api_get(live_server, "/api/v1/sync/pull?limit=1000", headers)["changes"]
    scores = {
        c["record"]["instrument"]: c["record"]["scores"]
        for c in pulled
        if c["entity"] == "assessment" and c["record"]["client_id"] == client_id
    }
    assert scores["asi"] == dict(ratings) | {"highest": 8, "urine": "positive"}
    assert scores["urica"] == {
        "precontemplation": 4,
        "contemplation": 4,
        "action": 4,
        "maintenance": 4,
        "readiness": 8,
    }
    assert not pushes.rejected()
    context.close()
