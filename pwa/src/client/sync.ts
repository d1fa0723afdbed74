// The sync loop. It never reaches for the network or the database by itself: transport, store,
// auth and clock are passed in, so tests drive it with fakes.
//
// One run (docs/protocol.md, Sync protocol v1):
//  1. Push the outbox in order, in batches of at most 500. A batch leaves the outbox only once
//     its answer arrived (one transaction); a failed push leaves it at the front, and the retry
//     sends the same change_ids, which the server answers idempotently.
//  2. Pull pages from the saved cursor (none: full first sync) until has_more is false; each page
//     and its cursor are written in one transaction, pending local edits re-applied on top.
//     The next page is asked for as soon as the current answer's headers name its cursor, and
//     sealed as soon as it is read, while the current one is read and written: the network,
//     parsing, the encryption and IndexedDB work side by side, two requests in flight at most.
//  3. Record the time of the last successful sync.
//  Between 1 and 2 the device's audit chain goes (POST /sync/audit), for every role.
//  After a restore (docs/protocol.md): a pull page with `reset` makes the store forget the
//  server's state and queue again, marked `replay`, every answered change it keeps (30 days) and
//  every pending one; the pull goes on from zero. So that pending edits never reach a restored
//  server unmarked, a device with changes to send and a cursor pulls once before it pushes; a
//  reset seen only by the pull after the push makes the run push and pull once more.
// Around each request (authorized.ts): a 401 refreshes the access token once and retries; a 401
// whose problem type ends in /device-revoked stops everything and wipes the user's data.
// Runs at start, on `online`, every 3 minutes, on demand, and shortly after a local edit while
// online (`nudge`, debounced so a burst of edits goes in one push); failures back off
// exponentially with jitter.
import { formatHlc, parseHlc } from '../shared/hlc';
import type { AuditRequest, Change, PushResult, SealedItem } from '../shared/types';
import { HttpError, NetworkError, type PullStart, type Transport } from './api';
import {
  AuthLostError,
  authorized,
  DeviceRevokedError,
  type AuthPort,
  type Revocation,
} from './authorized';
import { PUSH_BATCH_LIMIT, toWire } from './outbox';
import { sameList, wireChanges, type Store } from './store';
import type { SealKey } from './vault/sealed';

// The loop's auth port and the errors it ends a run with are the request wrapper's.
export { AuthLostError, DeviceRevokedError, type AuthPort };

/** More than any outbox holds (IndexedDB takes a count up to 2^32 - 1). */
const OUTBOX_READ_ALL = 1_000_000;

/** What the sync loop asks of the sealed outbox. */
export interface SealedPort {
  setKey(key: SealKey): Promise<void>;
  add(changes: readonly Change[]): Promise<void>;
  orphans(outboxIds: ReadonlySet<string>, limit: number): Promise<SealedItem[]>;
  remove(changeIds: readonly string[]): Promise<void>;
}

/** What the sync loop asks of the device's audit chain (vault/audit-chain.ts). */
export interface AuditPort {
  unsent(limit: number): Promise<AuditRequest['entries']>;
  drop(numbers: readonly number[]): Promise<void>;
}

/** Entries of the audit chain sent in one request (the server takes at most 500). */
export const AUDIT_BATCH_LIMIT = 500;

export const PULL_LIMIT = 1000;
export const SYNC_INTERVAL_MS = 3 * 60_000;
export const BACKOFF_BASE_MS = 5_000;
export const BACKOFF_MAX_MS = 5 * 60_000;
/** How long after a local edit the loop waits before pushing it, collecting a burst of edits. */
export const NUDGE_DELAY_MS = 1_000;

export interface Clock {
  now(): number;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SyncDeps {
  transport: Transport;
  store: Store;
  auth: AuthPort;
  clock: Clock;
  deviceId: string;
  appVersion: string;
  random?: () => number;
  timers?: Timers;
  isOnline?: () => boolean;
  /** The device's audit chain, sent with every sync; without it nothing is sent. */
  audit?: AuditPort;
  /** The sealed copies of the outbox (vault/sealed.ts); without it nothing is sealed. */
  sealed?: SealedPort;
  /** Wipe the user's local data; called once when the device turns out revoked, with the
   * admin's reason when one was given. */
  onRevoked?: (reason: string | null, kind: Revocation) => Promise<void>;
  pullLimit?: number;
  /** false for a user who does not counsel: nothing is pulled into the device (staff views read
   * the API); a run pushes what there is and checks the server answers. */
  mirror?: boolean;
  /** Whether the browser keeps this origin's storage (navigator.storage.persisted by default). */
  storagePersisted?: () => Promise<boolean | null>;
}

/** When a change was made, by its clock (ISO), or null for a clock that cannot be read. */
function madeAt(hlc: string | undefined): string | null {
  try {
    return hlc ? new Date(parseHlc(hlc).wall).toISOString() : null;
  } catch {
    return null;
  }
}

/** navigator.storage.persisted(), or null where the browser cannot tell. */
async function browserStoragePersisted(): Promise<boolean | null> {
  const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
  if (!storage?.persisted) return null;
  try {
    return await storage.persisted();
  } catch {
    return null;
  }
}

export type SyncPhase = 'idle' | 'syncing' | 'ok' | 'error' | 'offline' | 'auth' | 'revoked';

export interface SyncState {
  phase: SyncPhase;
  pending: number;
  lastSyncAt: number | null;
  /** true until the first full pull finished on this device */
  firstSync: boolean;
  /** records received in the current run */
  received: number;
  /** received plus what the server said remains (null: the server did not say) */
  total: number | null;
  /** whether the server answered the last call (null: none made yet) */
  reachable: boolean | null;
  failures: number;
  nextRetryAt: number | null;
}

export interface RunReport {
  pushed: PushResult[];
  pulled: number;
  /** true when a pull said the feed was reset (a restored server) and the kept changes went again */
  reset: boolean;
}

/** Delay before retry number `failures` (1-based): exponential, capped, with "equal jitter". */
export function backoffDelay(failures: number, random: () => number = Math.random): number {
  const exp = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(exp / 2 + (exp / 2) * random());
}

/** One full run: push everything, then pull everything. Throws on the first failure. */
export async function syncOnce(
  deps: SyncDeps,
  onPulled: (count: number, total: number | null) => void = () => {},
): Promise<RunReport> {
  const { transport, store, auth } = deps;
  const pushed: PushResult[] = [];
  const persisted = await (deps.storagePersisted ?? browserStoragePersisted)();
  const sealed = deps.sealed;
  // 0. sealed changes whose outbox entry is gone (a destroyed vault) go first; every outbox
  //    change gets its sealed copy, made with the server's current key
  if (sealed && transport.sealKey) {
    const sealKey = transport.sealKey.bind(transport);
    await sealed.setKey(await authorized(auth, (token) => sealKey(token)));
    const outbox = await store.peekOutbox(OUTBOX_READ_ALL);
    await sealed.add(outbox.map(toWire));
    const inOutbox = new Set(outbox.map((e) => e.change_id));
    for (;;) {
      const batch = await sealed.orphans(inOutbox, PUSH_BATCH_LIMIT);
      if (batch.length === 0) break;
      const body = {
        device_id: deps.deviceId,
        app_version: deps.appVersion,
        pending_count: outbox.length,
        storage_persisted: persisted,
        clock: formatHlc(deps.clock.now(), 0, deps.deviceId),
        changes: [],
        sealed: batch,
      };
      const answer = await authorized(auth, (token) => transport.push(body, token));
      const results = Array.isArray(answer?.results) ? answer.results : [];
      await sealed.remove(results.map((r) => r.change_id));
      pushed.push(...results);
      if (!results.length) throw new Error('push answer matched no sealed change');
    }
  }
  const pushOutbox = async () => {
    // 1. push in order
    for (;;) {
      const batch = await store.peekOutbox(PUSH_BATCH_LIMIT);
      if (batch.length === 0) break;
      const pending = await store.pendingCount();
      const body = {
        device_id: deps.deviceId,
        app_version: deps.appVersion,
        pending_count: pending,
        // The oldest change still waiting (the front of the outbox), by the clock it was made.
        oldest_pending_at: madeAt(batch[0]?.hlc),
        storage_persisted: persisted,
        // The device's clock as it sends: the server shows admins how far off it is.
        clock: formatHlc(deps.clock.now(), 0, deps.deviceId),
        changes: wireChanges(batch),
      };
      const answer = await authorized(auth, (token) => transport.push(body, token));
      const results = Array.isArray(answer?.results) ? answer.results : [];
      await store.applyPushResults(batch, results);
      await sealed?.remove(results.map((r) => r.change_id));
      pushed.push(...results);
      const answered = new Set(results.map((r) => r.change_id));
      // A server that answered none of the batch would make us loop forever: stop and retry later.
      if (!batch.some((b) => answered.has(b.change_id)))
        throw new Error('push answer matched no change');
    }
  };
  // 2. pull pages, telling the server what is still waiting here (it keeps the count the last
  // page of a sync brought: what the device holds after it, not before its push)
  let pulled = 0;
  const pullFeed = async (): Promise<boolean> => {
    const left = await store.pendingCount();
    const limit = deps.pullLimit ?? PULL_LIMIT;
    // A page is asked for, and resolves once its answer's headers came; it is made ready to
    // write (sealed) as soon as its body is read, while the one before it is still written.
    const start = (cursor: string | null): Promise<PullStart> =>
      authorized(auth, (token) =>
        transport.pullStart
          ? transport.pullStart(cursor, limit, token, left)
          : transport.pull(cursor, limit, token, left).then((page) => ({
              ahead: null,
              page: Promise.resolve(page),
            })),
      ).then(({ ahead, page }) => ({
        ahead,
        page: page.then((p) => {
          if (Array.isArray(p.changes)) store.preparePulled?.(p.changes);
          return p;
        }),
      }));
    // A request asked for ahead is awaited on the next turn, or dropped: its failure while this
    // page is written must not go unhandled.
    const ahead = (cursor: string | null): Promise<PullStart> => {
      const started = start(cursor);
      started.then((s) => s.page.catch(() => undefined)).catch(() => undefined);
      return started;
    };
    let current = start((await store.getMeta<string>('cursor')) ?? null);
    let reset = false;
    let applied: string[] | null = null; // the facilities kept by this run so far
    for (;;) {
      const head = await current;
      // The next page is asked for as soon as this answer's headers name its cursor, so it
      // comes down while this one is read, sealed and written (docs/protocol.md, "Pulling
      // ahead"); a server that names none is asked once this page is read.
      let next = head.ahead?.hasMore ? ahead(head.ahead.cursor) : null;
      const page = await head.page;
      if (head.ahead !== null && (head.ahead.cursor !== page.cursor || !page.has_more)) {
        next = null; // headers that do not say what the body says: the body decides
      }
      if (page.has_more && next === null) next = ahead(page.cursor);
      // After a restore: forget the server's state, queue again what it may have lost, and go
      // on from the cursor given (the start of the new feed).
      if (page.reset === true) {
        reset = true;
        await store.resetFeed();
      }
      // Scope loss: a facility taken away takes its records off the device. Every page names
      // the facilities; the device's saved list is read again only when they change in a run.
      if (Array.isArray(page.facility_ids)) {
        const scope = [...page.facility_ids].sort();
        if (!applied || !sameList(applied, scope)) await store.keepFacilities(scope);
        applied = scope;
      }
      await store.applyPulled(page.changes, page.cursor);
      pulled += page.changes.length;
      onPulled(pulled, typeof page.remaining === 'number' ? pulled + page.remaining : null);
      if (!page.has_more || next === null) return reset;
      current = next;
    }
  };
  // 1a. A device with changes to send that synced before asks first whether the feed was reset
  // (a restored server): its pending edits must go as replays, or one made on a version the
  // restored server never had would be refused, and that answer would stand.
  const mirror = deps.mirror !== false;
  let reset = false;
  if (mirror && (await store.pendingCount()) > 0 && (await store.getMeta('cursor')) != null) {
    reset = await pullFeed();
  }
  await pushOutbox();
  // 1b. the audit chain: what was read and done on this device since the last sync
  const chain = deps.audit;
  if (chain && transport.audit) {
    const send = transport.audit.bind(transport);
    for (;;) {
      const entries = await chain.unsent(AUDIT_BATCH_LIMIT);
      if (!entries.length) break;
      let answer;
      try {
        answer = await authorized(auth, (token) =>
          send({ device_id: deps.deviceId, entries }, token),
        );
      } catch (e) {
        // A server that does not know the route, or refuses the entries, never stops the
        // records from syncing: the entries stay and go with a later sync.
        if (e instanceof HttpError) break;
        throw e;
      }
      const numbers = Array.isArray(answer?.results) ? answer.results.map((r) => r.n) : [];
      await chain.drop(numbers);
      if (!entries.some((e) => numbers.includes(e.n)))
        throw new Error('audit answer matched no entry');
    }
  }
  if (deps.mirror === false) {
    await authorized(auth, (token) => transport.ping?.(token) ?? Promise.resolve(null));
    await store.setMeta('last_sync_at', deps.clock.now());
    return { pushed, pulled: 0, reset: false };
  }
  if (await pullFeed()) {
    // Reset only now: the replayed changes go now, and their versions come down in a last pull.
    reset = true;
    await pushOutbox();
    await pullFeed();
  }
  // 3. done
  await store.setMeta('last_sync_at', deps.clock.now());
  await store.setMeta('first_sync_done', 1);
  return { pushed, pulled, reset };
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Runs syncOnce at the right moments and publishes its state. */
export class SyncLoop {
  state: SyncState = {
    phase: 'idle',
    pending: 0,
    lastSyncAt: null,
    firstSync: true,
    received: 0,
    total: null,
    reachable: null,
    failures: 0,
    nextRetryAt: null,
  };
  private listeners = new Set<(s: SyncState) => void>();
  private running: Promise<void> | null = null;
  private again = false;
  private timer: unknown = null;
  /** when the pending nudge fires (null: the timer, if any, is not a nudge) */
  private nudgeAt: number | null = null;
  private stopped = true;
  private unsubscribe: (() => void) | null = null;
  private readonly timers: Timers;

  constructor(private readonly deps: SyncDeps) {
    this.timers = deps.timers ?? realTimers;
  }

  subscribe(fn: (s: SyncState) => void): () => void {
    this.listeners.add(fn);
    fn(this.state);
    return () => this.listeners.delete(fn);
  }

  private set(patch: Partial<SyncState>): void {
    this.state = { ...this.state, ...patch };
    for (const fn of this.listeners) fn(this.state);
  }

  /** Load the saved state, then sync now and on schedule. */
  async start(): Promise<void> {
    this.stopped = false;
    const { store } = this.deps;
    this.unsubscribe = store.onChange(() => void this.refreshPending());
    const [lastSyncAt, done, pending] = await Promise.all([
      store.getMeta<number>('last_sync_at'),
      store.getMeta<number>('first_sync_done'),
      store.pendingCount(),
    ]);
    this.set({ lastSyncAt: lastSyncAt ?? null, firstSync: !done, pending });
    await this.syncNow();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimer();
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private clearTimer(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.nudgeAt = null;
  }

  private schedule(ms: number): void {
    this.clearTimer();
    if (this.stopped) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      void this.syncNow();
    }, ms);
  }

  private async refreshPending(): Promise<void> {
    if (this.stopped) return;
    try {
      const pending = await this.deps.store.pendingCount();
      if (pending !== this.state.pending) this.set({ pending });
    } catch {
      // The database was closed (logout, wipe): nothing to count.
    }
  }

  /** A local edit happened: push it soon while online. A run in progress runs once more; a
   * backoff after failures is kept unless its retry comes later than the nudge. */
  nudge(delayMs: number = NUDGE_DELAY_MS): void {
    const { phase } = this.state;
    if (this.stopped || phase === 'revoked' || phase === 'auth') return;
    if (this.deps.isOnline?.() === false) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const due = this.deps.clock.now() + delayMs;
    if (phase === 'error' && this.state.nextRetryAt !== null && this.state.nextRetryAt < due)
      return;
    if (this.nudgeAt !== null && this.timer !== null && this.nudgeAt <= due) return;
    this.schedule(delayMs);
    this.nudgeAt = due;
  }

  /** Sync now; a call during a run asks for one more run after it. */
  syncNow(): Promise<void> {
    if (this.stopped || this.state.phase === 'revoked') return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      await this.runOnce();
    } while (this.again && !this.stopped && this.state.phase === 'ok');
  }

  private async runOnce(): Promise<void> {
    const { deps } = this;
    this.clearTimer();
    this.set({ phase: 'syncing', received: 0, total: null, nextRetryAt: null });
    try {
      await syncOnce(deps, (received, total) => this.set({ received, total, reachable: true }));
      this.set({
        phase: 'ok',
        reachable: true,
        failures: 0,
        firstSync: false,
        lastSyncAt: deps.clock.now(),
        pending: await deps.store.pendingCount(),
      });
      this.schedule(SYNC_INTERVAL_MS);
    } catch (e) {
      if (e instanceof DeviceRevokedError) {
        this.set({ phase: 'revoked' });
        this.stop();
        await deps.onRevoked?.(e.reason, e.kind);
        return;
      }
      if (e instanceof AuthLostError) {
        // Retrying cannot help until the user logs in again.
        this.set({ phase: 'auth', reachable: true });
        return;
      }
      const failures = this.state.failures + 1;
      const delay = backoffDelay(failures, deps.random);
      // No answer at all, signal or not (a phone with signal and no data is offline too).
      const offline = e instanceof NetworkError;
      this.set({
        phase: offline ? 'offline' : 'error',
        reachable: !offline,
        failures,
        nextRetryAt: deps.clock.now() + delay,
        pending: await deps.store.pendingCount().catch(() => this.state.pending),
      });
      this.schedule(delay);
    }
  }
}
