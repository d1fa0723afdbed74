"""PWA benchmarks in Debian's Chromium against the real server, each beside a same-run baseline.

- initial pull of 50,000 records into IndexedDB: login to first sync complete (goal <= 5 s), and
  its rate against a plain IndexedDB write of the same records in the same page, one transaction
  per 1,000 (goal >= 0.5 of the raw rate)
- the same first sync on an emulated phone link (150 ms, 8 Mbit/s), the app asking for the next
  page as soon as an answer's headers name it, against the same app without those headers
- offline reload to first contentful paint, shell from the service worker (goal <= 500 ms)
- gzip size of the app shell that paints first: index.html and the js and css it loads (goal
  <= 100 KB), beside everything the service worker precaches (the lazily loaded counselor
  screens too) and the staff chunks it only caches on first use
- the device vault, same run: the same plain records written to IndexedDB raw, and sealed as the
  vault seals them (JSON, AES-GCM with a fresh IV and entity/id as additional data) in the same
  transactions: vault on / off at the storage layer (goal: the app's first sync >= 0.6 of raw);
  offline search by name over the device's clients at a 4x CPU throttle (goal <= 150 ms); PIN
  unlock after a reload to a usable screen at 4x (goal <= 1 s)

Run: `make bench` or `python -m bench.pwa_bench [--records 50000] [--repeat 3] [--backend ...]`.
Needs a built PWA (`cd pwa && npm run build`) and Chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import gzip
import re
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from werkzeug.serving import make_server

import server.security
from bench.common import CHROMIUM, CHROMIUM_ARGS, figure, median, scratch_database, synced_row
from server import create_app
from server.extensions import db
from server.models import Client, CounselingSession
from server.services.facilities import add_facility
from server.services.feed import allocate
from server.services.users import add_user

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "pwa" / "dist"
USERNAME = "bench.konselor"
SUPERVISOR = "bench.supervisor"
PASSWORD = "kata-sandi-bench-42"
PIN = "246813"
CHUNK = 10_000
WIB = timezone(timedelta(hours=7))
FIRST_NAMES = ("Budi", "Siti", "Ahmad", "Dewi", "Rudi", "Agus", "Rina", "Joko", "Andi", "Yusuf")
LAST_NAMES = ("Santoso", "Aminah", "Hartono", "Saputra", "Wijaya", "Pratama", "Lestari", "Hidayat")


# --- data ------------------------------------------------------------------------------------


def _seed(facility_id: str, counselor_id: str, total: int) -> dict[str, int]:
    """Bulk-insert `total` synced records: one client per four sessions, each with a feed seq."""
    n_clients = max(1, total // 5)
    n_sessions = total - n_clients
    now = datetime.now(UTC)
    client_ids = [str(uuid.uuid4()) for _ in range(n_clients)]
    for start in range(0, n_clients, CHUNK):
        size = min(CHUNK, n_clients - start)
        first = allocate(db.session, size) - size + 1
        rows = []
        for i in range(size):
            k = start + i
            rows.append(
                synced_row(
                    facility_id,
                    first + i,
                    now,
                    id=client_ids[k],
                    registration_number=f"BI.{k:06d}/2024",
                    full_name=f"{FIRST_NAMES[k % 10]} {LAST_NAMES[k % 8]} {k}",
                    sex="MF"[k % 2],
                    birth_date=date(1980, 1, 1) + timedelta(days=k % 9000),
                    case_type=("user", "courier", "dealer")[k % 3],
                    admission_date=date(2023, 1, 1) + timedelta(days=k % 500),
                )
            )
        db.session.execute(insert(Client), rows)
        db.session.commit()
    for start in range(0, n_sessions, CHUNK):
        size = min(CHUNK, n_sessions - start)
        first = allocate(db.session, size) - size + 1
        rows = []
        for i in range(size):
            k = start + i
            occurred = datetime(2024, 1, 1, 9, 0, tzinfo=UTC) + timedelta(hours=k % 8000)
            rows.append(
                synced_row(
                    facility_id,
                    first + i,
                    now,
                    client_id=client_ids[k % n_clients],
                    counselor_id=counselor_id,
                    occurred_at=occurred.astimezone(WIB).isoformat(),
                    occurred_utc=occurred,
                    duration_minutes=60,
                    kind="individual",
                    attendance="attended",
                    note_data=f"Sesi {k}: klien hadir tepat waktu, kooperatif, tampak tenang.",
                    note_assessment="Motivasi berhenti meningkat; risiko kambuh sedang.",
                    note_plan="Latihan menolak tawaran; temui lagi minggu depan.",
                    risk_flags=[],
                    status="submitted",
                )
            )
        db.session.execute(insert(CounselingSession), rows)
        db.session.commit()
    return {"client": n_clients, "session": n_sessions}


@contextmanager
def _serving(url: str, records: int, dist: Path = DIST) -> Iterator[tuple[str, dict[str, int]]]:
    """The real server on a free port with `records` records in one facility, in a thread."""
    server.security._hasher = server.security.PasswordHasher(
        time_cost=1, memory_cost=1024, parallelism=1
    )
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "PWA_DIST": dist})
    with app.app_context():
        from server.cli import upgrade_database

        upgrade_database()
        facility = add_facility(
            code="BENCH-1", name="Lapas Bench", kind="lapas", region="Bench", timezone="WIB"
        )
        user = add_user(
            username=USERNAME,
            role="counselor",
            password=PASSWORD,
            display_name="Konselor Bench",
            facility_codes=[facility.code],
        )
        # A supervisor of the facility (bench/phone_bench.py times their way to the queue).
        add_user(
            username=SUPERVISOR,
            role="supervisor",
            password=PASSWORD,
            display_name="Supervisor Bench",
            facility_codes=[facility.code],
        )
        db.session.commit()
        counts = _seed(facility.id, user.id, records)
    httpd = make_server("127.0.0.1", 0, _AheadSwitch(app.wsgi_app), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}", counts
    finally:
        httpd.shutdown()
        with app.app_context():
            db.engine.dispose()


class _AheadSwitch:
    """WSGI middleware: with `on` false, pull answers lose the headers that name the next cursor
    (Pulih-Cursor, Pulih-Has-More), so the app pulls as it did before it could ask ahead."""

    on = True

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: Any, start_response: Any) -> Any:
        def start(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            if not _AheadSwitch.on:
                headers = [(k, v) for k, v in headers if not k.lower().startswith("pulih-")]
            return start_response(status, headers, *exc)

        return self.app(environ, start)


# A phone's link at the edge of a cell block: latency, then bandwidth (Chromium's emulation).
PHONE_LATENCY_MS = 150
PHONE_DOWNLOAD_MBIT = 8


def bench_phone_link(browser: Any, base_url: str, total: int) -> None:
    """The first sync on an emulated phone link, asking ahead against not (the same run)."""
    seconds = {}
    for ahead in (False, True):
        _AheadSwitch.on = ahead
        page = browser.new_context(base_url=base_url).new_page()
        page.goto("/")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        conditions = {
            "offline": False,
            "latency": PHONE_LATENCY_MS,
            "downloadThroughput": PHONE_DOWNLOAD_MBIT * 125_000,
            "uploadThroughput": 125_000,
        }
        cdp.send("Network.emulateNetworkConditions", conditions)
        seconds[ahead] = _first_sync(page, total)[0]
        page.context.close()
    _AheadSwitch.on = True
    link = f"{PHONE_LATENCY_MS} ms, {PHONE_DOWNLOAD_MBIT} Mbit/s"
    figure(f"first sync on a phone link ({link}), asking ahead", seconds[True], "s")
    figure("  the same, the next page asked once a page is read", seconds[False], "s")
    figure("  asking ahead / not", seconds[True] / seconds[False], "x")


# --- in the page -----------------------------------------------------------------------------

# The baseline: the app's own records, read back untimed, then written with plain IndexedDB into
# a fresh database, 1,000 puts per transaction. `indexes` gives the store the app's indexes.
REQ_JS = """
const req = (r) => new Promise((ok, bad) => {
  r.onsuccess = () => ok(r.result);
  r.onerror = () => bad(r.error);
});
"""

RAW_WRITE_JS = (
    """
async ({dbName, indexes, durability}) => {"""
    + REQ_JS
    + """
  const src = await req(indexedDB.open(dbName));
  const records = await req(src.transaction('records').objectStore('records').getAll());
  src.close();
  const name = 'raw-bench-' + Math.random().toString(36).slice(2);
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => {
    const store = open.result.createObjectStore('records', {keyPath: ['entity', 'id']});
    if (indexes) {
      for (const f of ['client_id', 'session_id', 'name_key', '_task']) store.createIndex(f, f);
    }
  };
  const db = await req(open);
  const started = performance.now();
  for (let i = 0; i < records.length; i += 1000) {
    const tx = db.transaction('records', 'readwrite', {durability});
    const store = tx.objectStore('records');
    for (const r of records.slice(i, i + 1000)) store.put(r);
    await new Promise((ok, bad) => { tx.oncomplete = ok; tx.onerror = () => bad(tx.error); });
  }
  const ms = performance.now() - started;
  db.close();
  await req(indexedDB.deleteDatabase(name));
  return {ms, count: records.length};
}
"""
)

COUNT_JS = (
    """
async () => {"""
    + REQ_JS
    + """
  const names = (await indexedDB.databases()).map((d) => d.name);
  const name = names.find((n) => n.startsWith('pulih-') && n !== 'pulih-auth');
  const db = await req(indexedDB.open(name));
  const count = await req(db.transaction('records').objectStore('records').count());
  db.close();
  return {name, count};
}
"""
)

FCP_JS = """
() => new Promise((ok) => {
  const isFcp = (e) => e.name === 'first-contentful-paint';
  const hit = performance.getEntriesByType('paint').find(isFcp);
  if (hit) return ok(hit.startTime);
  new PerformanceObserver((list, obs) => {
    const e = list.getEntries().find(isFcp);
    if (e) { obs.disconnect(); ok(e.startTime); }
  }).observe({type: 'paint', buffered: true});
})
"""


def _raw_rate(page: Any, db_name: str, *, indexes: bool) -> float:
    """Records per second of the plain IndexedDB write, after one warm-up write."""
    args = {"dbName": db_name, "indexes": indexes, "durability": "default"}
    page.evaluate(RAW_WRITE_JS, args)
    raw = page.evaluate(RAW_WRITE_JS, args)
    return float(raw["count"] / (raw["ms"] / 1000))


def log_in(page: Any, username: str) -> None:
    """Log in online on a fresh page and set the PIN a first online login asks for."""
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.get_by_test_id("pin-setup-input").fill(PIN)
    page.get_by_test_id("pin-setup-again").fill(PIN)
    page.get_by_test_id("pin-setup-submit").click()


def _first_sync(page: Any, total: int) -> tuple[float, float, str]:
    """Log in on a fresh page; seconds to first sync complete, and from the first pull request."""
    pulls: list[float] = []
    page.on(
        "request", lambda r: pulls.append(time.perf_counter()) if "/sync/pull" in r.url else None
    )
    page.goto("/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    started = time.perf_counter()
    log_in(page, USERNAME)  # the unlock bench uses the PIN set here
    page.wait_for_selector(
        "[data-testid=last-sync]:not([data-ms=''])", timeout=300_000, state="attached"
    )
    done = time.perf_counter()
    found = page.evaluate(COUNT_JS)
    assert found["count"] >= total, f"only {found['count']} of {total} records in IndexedDB"
    return done - started, done - pulls[0], found["name"]


def bench_initial_pull(browser: Any, base_url: str, counts: dict[str, int], repeat: int) -> Any:
    """Login to first sync complete on a fresh device, `repeat` times, against plain IndexedDB
    writes of the same records in the same pages; returns the last page, still open."""
    total = sum(counts.values())
    runs: list[tuple[float, float, float, float]] = []
    page: Any = None
    for _ in range(repeat):
        if page is not None:
            page.context.close()
        page = browser.new_context(base_url=base_url).new_page()
        seconds, pulling, db_name = _first_sync(page, total)
        raw = _raw_rate(page, db_name, indexes=False)
        raw_indexed = _raw_rate(page, db_name, indexes=True)
        runs.append((seconds, pulling, raw, raw_indexed))
    seconds = median([r[0] for r in runs])
    app_rate = total / seconds
    raw_rate = median([r[2] for r in runs])
    raw_indexed_rate = median([r[3] for r in runs])
    print(
        f"  ({counts['client']:,} clients + {counts['session']:,} sessions, pages of 1,000; "
        f"medians of {repeat} fresh devices; each: "
        + ", ".join(f"{r[0]:.2f} s" for r in runs)
        + ")",
        flush=True,
    )
    figure("initial pull, vault on: login to first sync complete", seconds, "s", "<= 5 s")
    figure("  of which first pull request to complete", median([r[1] for r in runs]), "s")
    figure("initial pull: records into IndexedDB per second", app_rate, "rec/s")
    figure("raw IndexedDB put, 1,000 per transaction (no indexes)", raw_rate, "rec/s")
    figure("raw IndexedDB put, 1,000 per transaction (app's indexes)", raw_indexed_rate, "rec/s")
    figure("initial pull rate (vault on) / raw IndexedDB rate", app_rate / raw_rate, "x", ">= 0.6")
    figure("initial pull rate / raw rate with the same indexes", app_rate / raw_indexed_rate, "x")
    page.first_sync_seconds = seconds
    return page


def bench_offline_reload(context: Any, page: Any, runs: int = 7) -> None:
    """First contentful paint after an offline reload, the shell served by the service worker."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    samples = []
    for _ in range(runs):
        response = page.reload()
        assert response is not None and response.from_service_worker
        samples.append(page.evaluate(FCP_JS))
    context.set_offline(False)
    figure("offline reload to first contentful paint (median)", median(samples), "ms", "<= 500 ms")
    figure("offline reload to first contentful paint (max)", max(samples), "ms")


def precache_list(dist: Path = DIST) -> list[str]:
    """The files dist/sw.js precaches, as the minified worker lists them: an array of absolute
    paths, or (a long list) one string the worker splits on commas."""
    sw = (dist / "sw.js").read_text()
    joined = re.search(r"[`\"'](/[^`\"']*)[`\"']\.split\([`\"'],[`\"']\)", sw)
    if joined is not None:
        return joined.group(1).split(",")
    found = re.search(r"\[((?:[`\"']/[^`\"']*[`\"'],?)+)\]", sw)
    if found is None:
        raise SystemExit("no precache list in dist/sw.js: build the PWA first")
    return re.findall(r"[`\"'](/[^`\"']*)[`\"']", found.group(1))


def bench_shell_size(dist: Path = DIST) -> None:
    """gzip -9 of the app shell that paints first (index.html and the js and css it loads:
    the entry, its static imports, its css), beside everything the service worker precaches (the
    counselor's lazily loaded screens too) and the staff chunks it caches on first use."""
    files = precache_list(dist)
    precached = [f for f in files if f.endswith((".html", ".js", ".css"))]
    html = (dist / "index.html").read_text()
    shell = ["/index.html"] + re.findall(r"(?:src|href)=\"(/assets/[^\"]+\.(?:js|css))\"", html)
    missing = [f for f in shell if f not in files]
    if missing:
        raise SystemExit(f"the first-paint shell is not all precached: {missing}")
    lazy = sorted(
        f"/assets/{p.name}"
        for p in (dist / "assets").iterdir()
        if p.suffix in (".js", ".css") and f"/assets/{p.name}" not in files
    )

    def packed(names: list[str]) -> float:
        return sum(len(gzip.compress((dist / f.lstrip("/")).read_bytes(), 9)) for f in names) / 1024

    raw = sum((dist / f.lstrip("/")).stat().st_size for f in shell) / 1024
    sw = (dist / "sw.js").read_bytes()
    print(f"  (first paint: {', '.join(shell)})", flush=True)
    figure("app shell, uncompressed (html + the js and css it loads)", raw, "KB")
    figure("app shell, gzip -9 (html + the js and css it loads)", packed(shell), "KB", "<= 100 KB")
    figure(
        f"all precached html + js + css, gzip -9 ({len(precached)} files, lazy screens too)",
        packed(precached),
        "KB",
    )
    figure("service worker itself, gzip -9", len(gzip.compress(sw, 9)) / 1024, "KB")
    figure(f"lazy staff chunks, cached on first use ({len(lazy)} files), gzip", packed(lazy), "KB")


# The plain records come from the server's pull (the app's own rows are sealed now); they are
# written raw, then sealed as the vault middleware seals them, 1,000 per transaction both ways.
VAULT_WRITE_JS = (
    """
async ({token}) => {"""
    + REQ_JS
    + """
  const records = [];
  let cursor = null;
  for (;;) {
    const q = new URLSearchParams({limit: '1000'});
    if (cursor) q.set('cursor', cursor);
    const page = await (await fetch('/api/v1/sync/pull?' + q, {
      headers: {Authorization: 'Bearer ' + token},
    })).json();
    for (const c of page.changes) records.push({...c.record, entity: c.entity, id: c.id});
    cursor = page.cursor;
    if (!page.has_more) break;
  }
  const key = await crypto.subtle.generateKey({name: 'AES-GCM', length: 256}, false,
    ['encrypt']);
  const enc = new TextEncoder();
  const seal = async (r) => {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ct = await crypto.subtle.encrypt(
      {name: 'AES-GCM', iv, additionalData: enc.encode('records:' + r.entity + '/' + r.id)},
      key, enc.encode(JSON.stringify(r)));
    return {entity: r.entity, id: r.id, client_id: r.client_id, _v: 1, iv, ct};
  };
  const write = async (sealed) => {
    const name = 'vault-bench-' + Math.random().toString(36).slice(2);
    const open = indexedDB.open(name, 1);
    open.onupgradeneeded = () => {
      const store = open.result.createObjectStore('records', {keyPath: ['entity', 'id']});
      for (const f of ['client_id', 'session_id', '_task']) store.createIndex(f, f);
    };
    const db = await req(open);
    const started = performance.now();
    for (let i = 0; i < records.length; i += 1000) {
      const slice = records.slice(i, i + 1000);
      const rows = sealed ? await Promise.all(slice.map(seal)) : slice;
      const tx = db.transaction('records', 'readwrite');
      const store = tx.objectStore('records');
      for (const r of rows) store.put(r);
      await new Promise((ok, bad) => { tx.oncomplete = ok; tx.onerror = () => bad(tx.error); });
    }
    const ms = performance.now() - started;
    db.close();
    await req(indexedDB.deleteDatabase(name));
    return ms;
  };
  await write(false);
  const off = await write(false);
  const on = await write(true);
  return {count: records.length, off, on};
}
"""
)

SEARCH_JS = """
async ({q}) => {
  const input = document.querySelector('[data-testid=client-search]');
  const rowsMatch = () => {
    const rows = [...document.querySelectorAll('[data-testid=client-row]')];
    return rows.length > 0 && rows.every((r) => r.textContent.toLowerCase().includes(q));
  };
  const started = performance.now();
  input.value = q;
  input.dispatchEvent(new Event('input', {bubbles: true}));
  const deadline = started + 30000;
  await new Promise((ok) => {
    const check = () =>
      rowsMatch() || performance.now() > deadline ? ok() : requestAnimationFrame(check);
    check();
  });
  const shown = () => document.body.innerText.slice(0, 300);
  if (!rowsMatch()) throw new Error('no matching rows for ' + q + ': ' + shown());
  return performance.now() - started;
}
"""

UNLOCK_JS = """
async ({pin}) => {
  const input = document.querySelector('[data-testid=pin-unlock-input]');
  input.value = pin;
  input.dispatchEvent(new Event('input', {bubbles: true}));
  // The form holds the PIN once it rendered it; the clock starts at the tap on "Buka".
  await new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));
  const started = performance.now();
  document.querySelector('[data-testid=pin-unlock-submit]').click();
  const deadline = started + 30000;
  const ready = () => document.querySelector('[data-testid=client-search]');
  await new Promise((ok) => {
    const check = () =>
      ready() || performance.now() > deadline ? ok() : requestAnimationFrame(check);
    check();
  });
  if (!ready()) throw new Error('not unlocked: ' + document.body.innerText.slice(0, 300));
  return performance.now() - started;
}
"""


def _api_token(base_url: str) -> str:
    """An access token of the bench user, from a device of the bench itself."""
    import json
    import urllib.request

    body = {"username": USERNAME, "password": PASSWORD, "device_id": str(uuid.uuid4())}
    request = urllib.request.Request(
        base_url + "/api/v1/auth/login",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        return str(json.loads(response.read())["access_token"])


def bench_vault(page: Any, base_url: str, first_sync_seconds: float, clients: int) -> None:
    """The vault's cost beside raw IndexedDB, search at 4x throttle, PIN unlock at 4x."""
    got = page.evaluate(VAULT_WRITE_JS, {"token": _api_token(base_url)})
    count = got["count"]
    print(f"  ({count:,} plain records from the pull, written raw and sealed in this page)")
    figure("raw IndexedDB write, vault off (plain values)", got["off"] / 1000, "s")
    figure("raw IndexedDB write, vault on (sealed as the vault does)", got["on"] / 1000, "s")
    figure("vault off rate / vault on rate", got["on"] / got["off"], "x")
    figure(
        "app first sync rate (vault on) / raw vault-off rate",
        got["off"] / 1000 / first_sync_seconds,
        "x",
        ">= 0.6",
    )

    cdp = page.context.new_cdp_session(page)
    page.goto("/#/clients")
    # The offline reloads before left the app asking for the PIN.
    page.wait_for_selector("[data-testid=client-search], [data-testid=pin-unlock-input]")
    if page.query_selector("[data-testid=pin-unlock-input]"):
        page.evaluate(UNLOCK_JS, {"pin": PIN})
    page.context.set_offline(True)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    cold = page.evaluate(SEARCH_JS, {"q": "santoso"})
    warm = [
        page.evaluate(SEARCH_JS, {"q": q})
        for q in ("aminah", "hartono", "wijaya", "lestari", "pratama")
    ]
    figure(f"offline search by name, {clients:,} clients, 4x CPU, first (builds index)", cold, "ms")
    figure(
        f"offline search by name, {clients:,} clients, 4x CPU, median of 5",
        median(warm),
        "ms",
        "<= 150 ms",
    )

    samples = []
    for _ in range(3):
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
        page.reload()
        page.wait_for_selector("[data-testid=pin-unlock-input]")
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        samples.append(page.evaluate(UNLOCK_JS, {"pin": PIN}))
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
    page.context.set_offline(False)
    figure(
        "PIN unlock after an offline reload to a usable screen, 4x CPU (median of 3)",
        median(samples),
        "ms",
        "<= 1 s",
    )


def main() -> None:
    """Run the PWA benchmarks."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=3, help="fresh devices for the pull")
    parser.add_argument("--dist", type=Path, default=DIST, help="a built PWA (default pwa/dist)")
    args = parser.parse_args()
    if not (args.dist / "index.html").exists():
        raise SystemExit("pwa/dist is missing: run `cd pwa && npm run build` first")
    from playwright.sync_api import sync_playwright

    print(f"\n== PWA benchmarks (Chromium, server on {args.backend}) ==", flush=True)
    bench_shell_size(args.dist)
    with tempfile.TemporaryDirectory() as tmp, scratch_database(args.backend, tmp) as url:
        started = time.perf_counter()
        with _serving(url, args.records, args.dist) as (base_url, counts):
            print(f"  (seeded in {time.perf_counter() - started:.1f} s)", flush=True)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = bench_initial_pull(browser, base_url, counts, args.repeat)
                bench_phone_link(browser, base_url, sum(counts.values()))
                bench_offline_reload(page.context, page)
                bench_vault(page, base_url, page.first_sync_seconds, counts["client"])
                page.context.close()
                browser.close()


if __name__ == "__main__":
    main()
