"""A full ASSIST screening on a phone: its time and its taps, at a 4x CPU throttle and without.

A counselor on a 360 x 640 phone with no signal opens a client, screens them with ASSIST (two
substances used: Q1 ticks, Q2-Q7 for each, Q8), sees the feedback card and saves it. Every tap
waits for the screen it brings, so the time is the app's own (no thinking time), and the taps
are what a counselor makes. The baseline is the same screening with no throttle, in the same run.

Run: `python -m bench.instruments_bench [--repeat 3] [--rate 4]`. Needs a built PWA
(`cd pwa && npm run build`) and Chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from typing import Any

from bench.common import CHROMIUM, CHROMIUM_ARGS, figure, median, scratch_database
from bench.pwa_bench import DIST, USERNAME, _serving, log_in

PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True}
USED = ("alcohol", "amphetamine")
# Points tapped per question, the same for both substances used.
ANSWERS = {"q2": 4, "q3": 5, "q4": 0, "q5": 6, "q6": 6, "q7": 0}


class Phone:
    """A page whose taps are counted; each tap waits for what it should bring."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.taps = 0

    def tap(self, selector: str) -> None:
        self.page.locator(selector).tap()
        self.taps += 1

    def wait_step(self, key: str) -> None:
        self.page.locator(f'[data-testid="instr-step"][data-step="{key}"]').wait_for()


def screen_with_assist(phone: Phone, client_id: str) -> float:
    """From the client's page to the saved result; returns the seconds it took."""
    page = phone.page
    page.goto(f"/#/clients/{client_id}")
    page.get_by_test_id("instr-start-assist").wait_for()
    started = time.perf_counter()
    phone.tap('[data-testid="instr-start-assist"]')
    phone.wait_step("q1")
    for row in USED:
        phone.tap(f'input[data-row="{row}"]')
    phone.tap('[data-testid="instr-next"]')
    for question in ("q2", "q3", "q4", "q5", "q6", "q7"):
        for row in USED:
            phone.wait_step(f"{question}:{row}")
            phone.tap(f'[data-testid="instr-option"][data-value="{ANSWERS[question]}"]')
    phone.wait_step("q8")
    phone.tap('[data-testid="instr-option"][data-value="0"]')
    page.get_by_test_id("feedback-card").wait_for()
    phone.tap('[data-testid="instr-save"]')
    page.get_by_test_id("instr-saved").wait_for()
    return time.perf_counter() - started


def bench_screening(browser: Any, base_url: str, rate: float, repeat: int) -> None:
    """The screening on a fresh phone per run, offline, at a CPU throttle of `rate`."""
    seconds: list[float] = []
    taps = 0
    for _ in range(repeat):
        context = browser.new_context(base_url=base_url, **PHONE)
        page = context.new_page()
        page.goto("/")
        log_in(page, USERNAME)
        page.locator('[data-testid="sync-status"][data-phase="ok"]').wait_for()
        page.get_by_test_id("nav-clients").click()
        client_id = page.get_by_test_id("client-row").first.get_attribute("data-id")
        context.set_offline(True)
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
        phone = Phone(page)
        seconds.append(screen_with_assist(phone, str(client_id)))
        taps = phone.taps
        context.close()
    label = f"{rate:g}x CPU" if rate != 1 else "no throttle (baseline)"
    figure(f"ASSIST, 2 substances, {label}: time (median of {repeat})", median(seconds), "s")
    figure(f"ASSIST, 2 substances, {label}: time per tap", median(seconds) / taps * 1000, "ms")
    figure(f"ASSIST, 2 substances, {label}: taps", taps, "taps")


def main() -> None:
    """Run the screening benchmark."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rate", type=float, default=4.0, help="CPU throttle (CDP)")
    parser.add_argument("--records", type=int, default=500, help="records on the phone")
    args = parser.parse_args()
    if not (DIST / "index.html").exists():
        raise SystemExit("pwa/dist is missing: run `cd pwa && npm run build` first")
    from playwright.sync_api import sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    print("\n== ASSIST screening on a 360 x 640 phone, offline (Chromium) ==", flush=True)
    with (
        tempfile.TemporaryDirectory() as tmp,
        scratch_database("sqlite", tmp) as url,
        _serving(url, args.records) as (base_url, _counts),
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        bench_screening(browser, base_url, 1, args.repeat)
        bench_screening(browser, base_url, args.rate, args.repeat)
        browser.close()


if __name__ == "__main__":
    main()
