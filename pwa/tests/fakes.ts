// Fakes for the sync loop: a small in-memory server speaking the push/pull protocol, and a
// transport in front of it that can drop the network or lose answers on demand; and an AuthPort
// that counts its refreshes, for the authorized() wrapper and the staff API.
import { HttpError, NetworkError, type Transport } from '../src/client/api';
import type { AuthPort } from '../src/client/sync';
import type {
  Change,
  PulledChange,
  PullResponse,
  PushRequest,
  PushResponse,
  PushResult,
  PushStatus,
} from '../src/shared/types';

interface ServerRecord {
  entity: Change['entity'];
  id: string;
  version: number;
  deleted: boolean;
  record: Record<string, unknown>;
  seq: number;
}

/** The server's answer to one change (or outbox entry): `status`, and what `patch` adds. */
export function answerTo(
  change: { change_id: string; id: string },
  status: PushStatus,
  patch: Partial<Pick<PushResult, 'version' | 'conflict_id' | 'errors'>> = {},
): PushResult {
  return {
    change_id: change.change_id,
    status,
    id: change.id,
    version: null,
    conflict_id: null,
    errors: null,
    ...patch,
  };
}

export class FakeServer {
  records = new Map<string, ServerRecord>();
  seen = new Map<string, PushResult>();
  applied: string[] = [];
  pushBodies: PushRequest[] = [];
  pullCursors: (string | null)[] = [];
  seq = 0;
  rejectWhen: (c: Change) => Record<string, string[]> | null = () => null;

  /** Put a record as if another device wrote it. */
  seed(
    entity: Change['entity'],
    id: string,
    record: Record<string, unknown>,
    deleted = false,
  ): void {
    const key = `${entity}/${id}`;
    const prev = this.records.get(key);
    this.records.set(key, {
      entity,
      id,
      version: (prev?.version ?? 0) + 1,
      deleted,
      record: { ...(prev?.record ?? {}), ...record, id },
      seq: ++this.seq,
    });
  }

  push(body: PushRequest): PushResponse {
    this.pushBodies.push(body);
    const results = body.changes.map((c) => {
      if (c.replay === true) this.replayed.push(c.change_id);
      const prior = this.seen.get(c.change_id);
      if (prior) return prior; // idempotent
      const known = this.records.get(`${c.entity}/${c.id}`);
      // As the server: a base version it never made is refused, except on a replayed change
      // (after a restore its base counts as at most what the server holds).
      const ahead = !c.replay && known && c.base_version !== null && c.base_version > known.version;
      const errors = ahead ? { base_version: ['ahead of the server'] } : this.rejectWhen(c);
      let result: PushResult;
      if (errors) {
        result = answerTo(c, 'rejected', { errors });
      } else {
        this.applied.push(c.change_id);
        this.seed(c.entity, c.id, c.fields, c.op === 'delete');
        const v = this.records.get(`${c.entity}/${c.id}`)?.version ?? null;
        result = answerTo(c, 'applied', { version: v });
      }
      this.seen.set(c.change_id, result);
      return result;
    });
    return { results };
  }

  /** the feed's epoch: 0 until a restore; cursors of epoch 0 are the plain seq */
  epoch = 0;
  /** every change pushed with `replay: true` */
  replayed: string[] = [];

  /** A backup: the whole state, as `pulih backup` would take it. */
  backup(): { records: Map<string, ServerRecord>; seen: Map<string, PushResult>; seq: number } {
    return structuredClone({ records: this.records, seen: this.seen, seq: this.seq });
  }

  /** `pulih restore`: back to the backup, in a new epoch. */
  restore(snapshot: ReturnType<FakeServer['backup']>): void {
    const copy = structuredClone(snapshot);
    this.records = copy.records;
    this.seen = copy.seen;
    this.seq = copy.seq;
    this.epoch += 1;
  }

  private cursorOf(seq: number): string {
    return this.epoch === 0 ? String(seq) : `${this.epoch}:${seq}`;
  }

  pull(cursor: string | null, limit: number): PullResponse {
    this.pullCursors.push(cursor);
    const [epoch, seq] = cursor?.includes(':')
      ? cursor.split(':').map(Number)
      : [0, cursor ? Number(cursor) : 0];
    if (cursor && (epoch !== this.epoch || (seq as number) > this.seq)) {
      return { changes: [], cursor: this.cursorOf(0), has_more: true, reset: true };
    }
    const after = seq as number;
    const rows = [...this.records.values()]
      .filter((r) => r.seq > after)
      .sort((a, b) => a.seq - b.seq);
    const page = rows.slice(0, limit);
    const changes: PulledChange[] = page.map((r) => ({
      entity: r.entity,
      id: r.id,
      version: r.version,
      deleted: r.deleted,
      record: { ...r.record, version: r.version, deleted: r.deleted, conflict_open: false },
    }));
    const last = page.length ? (page[page.length - 1] as ServerRecord).seq : after;
    return {
      changes,
      cursor: this.cursorOf(last),
      has_more: rows.length > limit,
      remaining: Math.max(0, rows.length - limit),
    };
  }
}

export type Fault = 'network' | 'lose-answer' | '401' | 'revoked' | '500';

/** A transport to a FakeServer with a queue of faults to inject, one per request. */
export class FakeTransport implements Transport {
  faults: Fault[] = [];
  tokensSeen: (string | null)[] = [];
  validToken = 'access-1';

  constructor(readonly server: FakeServer) {}

  /** Unset: the sync loop pulls with `pull`; a test sets it to answer with headers first. */
  pullStart?: Transport['pullStart'];

  private gate(token: string | null): void {
    this.tokensSeen.push(token);
    const fault = this.faults.shift();
    if (fault === 'network') throw new NetworkError();
    if (fault === '500') throw new HttpError(500, { status: 500, title: 'boom' });
    if (fault === 'revoked') {
      throw new HttpError(401, {
        status: 401,
        type: 'https://pulih.example/problems/device-revoked',
      });
    }
    if (fault === '401' || token !== this.validToken) {
      throw new HttpError(401, { status: 401, type: 'about:blank', title: 'Unauthorized' });
    }
    if (fault === 'lose-answer') this.loseNext = true;
  }
  private loseNext = false;

  async push(body: PushRequest, token: string | null): Promise<PushResponse> {
    this.gate(token);
    const answer = this.server.push(structuredClone(body));
    if (this.loseNext) {
      this.loseNext = false;
      throw new NetworkError('answer lost');
    }
    return answer;
  }

  pings = 0;
  async ping(token: string | null): Promise<unknown> {
    this.gate(token);
    this.pings += 1;
    return {};
  }
  /** the pending count each pull reported */
  pendingSeen: (number | undefined)[] = [];
  async pull(
    cursor: string | null,
    limit: number,
    token: string | null,
    pendingCount?: number,
  ): Promise<PullResponse> {
    this.pendingSeen.push(pendingCount);
    this.gate(token);
    const answer = this.server.pull(cursor, limit);
    if (this.loseNext) {
      this.loseNext = false;
      throw new NetworkError('answer lost');
    }
    return structuredClone(answer);
  }
}

/** An AuthPort whose refresh hands out the transport's valid token (or fails as told). */
export class FakeAuth implements AuthPort {
  token: string | null = 'access-1';
  refreshes = 0;
  refreshFault: Fault | null = null;

  constructor(readonly transport: FakeTransport) {}

  accessToken(): string | null {
    return this.token;
  }

  async refresh(): Promise<void> {
    this.refreshes += 1;
    if (this.refreshFault === 'revoked') {
      throw new HttpError(401, {
        status: 401,
        type: 'https://pulih.example/problems/device-revoked',
      });
    }
    if (this.refreshFault === '401') throw new HttpError(401, { status: 401 });
    this.token = this.transport.validToken;
  }
}

/** Tokens "t1", "t2", … : each refresh hands out the next one, or fails with `refuse`. */
export function countingAuth(refuse?: Error): AuthPort & { refreshes: number } {
  let n = 1;
  return {
    refreshes: 0,
    accessToken: () => `t${n}`,
    async refresh() {
      this.refreshes += 1;
      await Promise.resolve();
      if (refuse) throw refuse;
      n += 1;
    },
  };
}
