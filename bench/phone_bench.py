"""A counselor's phone at 4× CPU throttle, and a supervisor's way to a usable queue.

- search: one keystroke in the client search to the matching rows on screen (1,000 clients)
- open the session form of a client, and the group session form with its participant picker
  (goal for the picker: <= 300 ms)
- a supervisor (desktop, no throttle): login to the first row of the review queue

The phone is a 360×640 viewport; Chrome DevTools Protocol's Emulation.setCPUThrottlingRate slows
the page's CPU 4×. Data: 5,000 records (1,000 clients, 4,000 submitted sessions) in one facility,
the same seed as bench/pwa_bench.py.

Run: `python -m bench.phone_bench [--repeat 5]` after `cd pwa && npm run build`.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from typing import Any

from bench.common import CHROMIUM, CHROMIUM_ARGS, figure, median, scratch_database
from bench.pwa_bench import SUPERVISOR, USERNAME, _serving, log_in

# Time, in the page, from an action to a selector showing up (or its text changing).
UNTIL_JS = """async ([action, selector, text]) => {
  const seen = () => {
    const el = document.querySelector(selector);
    return el && (!text || el.textContent.includes(text));
  };
  const t0 = performance.now();
  if (action.kind === 'type') {
    const input = document.querySelector(action.selector);
    input.value = action.value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  } else {
    location.hash = action.hash;
  }
  await new Promise((done) => {
    const check = () => (seen() ? done() : requestAnimationFrame(check));
    check();
  });
  return performance.now() - t0;
}"""


def bench_phone(browser: Any, base_url: str, repeat: int) -> None:
    """Search, session form and group picker timings on a throttled phone-sized page."""
    context = browser.new_context(base_url=base_url, viewport={"width": 360, "height": 640})
    page = context.new_page()
    page.goto("/")
    log_in(page, USERNAME)
    page.wait_for_selector(
        "[data-testid=last-sync]:not([data-ms=''])", timeout=120_000, state="attached"
    )
    page.wait_for_selector("[data-testid=client-row]")
    client_id = page.get_attribute("[data-testid=client-row]", "data-id")
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    search, form, group = [], [], []
    for i in range(repeat):
        page.evaluate("() => { location.hash = '#/clients'; }")
        page.wait_for_selector("#client-search")
        page.fill("#client-search", "")
        page.wait_for_timeout(200)  # let the empty query settle before the timed keystroke
        name = f"Siti Aminah {1 + 40 * (i + 1)}"  # bench.pwa_bench: first k % 10, last k % 8
        search.append(
            page.evaluate(
                UNTIL_JS,
                [
                    {"kind": "type", "selector": "#client-search", "value": name},
                    "[data-testid=client-row]",
                    name,
                ],
            )
        )
        form.append(
            page.evaluate(
                UNTIL_JS,
                [
                    {"kind": "hash", "hash": f"#/clients/{client_id}/sessions/new"},
                    "[data-testid=session-note-data]",
                    "",
                ],
            )
        )
        page.evaluate("() => { location.hash = '#/clients'; }")
        page.wait_for_selector("#client-search")
        group.append(
            page.evaluate(
                UNTIL_JS,
                [{"kind": "hash", "hash": "#/group/new"}, "[data-testid=participant-search]", ""],
            )
        )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    figure("phone 4x: search keystroke to results (median)", median(search), "ms")
    figure("phone 4x: open session form (median)", median(form), "ms")
    figure("phone 4x: open group session with picker (median)", median(group), "ms", "<= 300")
    context.close()


def bench_supervisor(browser: Any, base_url: str, repeat: int) -> None:
    """Seconds from pressing "Masuk" to the first row of the review queue."""
    samples = []
    for _ in range(repeat):
        context = browser.new_context(base_url=base_url)
        page = context.new_page()
        page.goto("/")
        started = time.perf_counter()
        log_in(page, SUPERVISOR)
        page.wait_for_selector("[data-testid=review-row]", timeout=120_000)
        samples.append(time.perf_counter() - started)
        context.close()
    figure("supervisor: login to usable queue (median)", median(samples), "s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--backend", default="sqlite", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory() as tmp,
        scratch_database(args.backend, tmp) as url,
        _serving(url, args.records) as (base_url, _counts),
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        bench_phone(browser, base_url, args.repeat)
        bench_supervisor(browser, base_url, args.repeat)
        browser.close()


if __name__ == "__main__":
    main()
