// HTTP to the Pulih server: one JSON request helper, its two error kinds, and the sync transport.
import type { SealKey } from './vault/sealed';
import type {
  AuditRequest,
  AuditResponse,
  Problem,
  PullResponse,
  PushRequest,
  PushResponse,
  TokenPair,
} from '../shared/types';

/** The server answered with an error status (body: problem details when it sent them). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.title ?? `HTTP ${status}`);
    this.name = 'HttpError';
  }
}

/** The request never got an answer: offline, DNS, connection reset. */
export class NetworkError extends Error {
  constructor(message = 'network unreachable') {
    super(message);
    this.name = 'NetworkError';
  }
}

/** True for an answer that tells the device to erase this user's data: the device was revoked,
 * or the account was deactivated (docs/protocol.md, "Scope loss"). */
export function isDeviceRevoked(e: unknown): boolean {
  if (!(e instanceof HttpError) || e.status !== 401) return false;
  const type = e.problem.type ?? '';
  return type.endsWith('/device-revoked') || type.endsWith('/account-deactivated');
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** Fetch and hand back a successful answer: no answer is a NetworkError, an error status an
 * HttpError with the problem details the server sent. */
export async function fetchOk(
  fetchFn: FetchLike,
  url: string,
  init: RequestInit,
): Promise<Response> {
  let res: Response;
  try {
    res = await fetchFn(url, init);
  } catch (e) {
    throw new NetworkError(e instanceof Error ? e.message : String(e));
  }
  if (!res.ok) {
    let problem: Problem = { status: res.status };
    try {
      problem = { status: res.status, ...((await res.json()) as Problem) };
    } catch {
      // Not JSON (a proxy's error page): the status says enough.
    }
    throw new HttpError(res.status, problem);
  }
  return res;
}

/** How long a request may wait for its whole answer before it counts as no answer at all: a
 * link that connected and then went silent (the edge of a cell block) would otherwise hold the
 * sync in "syncing" for good. Long enough for a page of 1,000 changes over 2G. */
export const REQUEST_TIMEOUT_MS = 120_000;

/** The slowest uplink a request body is given time for (GPRS, 16 kbit/s): a push of 500
 * sessions is about 450 KB to send before its answer can start. */
export const UPLINK_BYTES_PER_SECOND = 2_000;

/** The time a request gets for its whole answer: REQUEST_TIMEOUT_MS, and the time its body
 * takes to send on the slowest uplink. */
export function requestTimeoutMs(bodyBytes: number): number {
  return REQUEST_TIMEOUT_MS + Math.ceil((bodyBytes / UPLINK_BYTES_PER_SECOND) * 1000);
}

/** An answer whose headers came, and its JSON body once read. */
export interface Started<T> {
  headers: Headers;
  body: Promise<T>;
}

/** Send JSON; resolves when the answer's headers came, with its body still to read. Throws
 * HttpError or NetworkError (no whole answer in its requestTimeoutMs is one too, from `body`). */
export async function startJson<T>(
  fetchFn: FetchLike,
  method: string,
  url: string,
  body?: unknown,
  token?: string | null,
): Promise<Started<T>> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers['Authorization'] = `Bearer ${token}`;
  const text = body === undefined ? undefined : JSON.stringify(body);
  const abort = new AbortController();
  // Characters, not bytes: a little short for non-ASCII text, which a note holds little of.
  const timer = setTimeout(() => abort.abort(), requestTimeoutMs(text?.length ?? 0));
  let res: Response;
  try {
    res = await fetchOk(fetchFn, url, {
      method,
      headers,
      body: text,
      cache: 'no-store',
      signal: abort.signal,
    });
  } catch (e) {
    clearTimeout(timer);
    throw e;
  }
  const read = async (): Promise<T> => {
    try {
      if (res.status === 204) return undefined as T;
      return (await res.json()) as T;
    } catch (e) {
      // The body stopped coming (or was cut short): no answer, as a failed fetch is.
      if (abort.signal.aborted || !(e instanceof SyntaxError)) {
        throw new NetworkError(e instanceof Error ? e.message : String(e));
      }
      throw e;
    } finally {
      clearTimeout(timer);
    }
  };
  return { headers: res.headers, body: read() };
}

/** Send JSON, get JSON back; throws HttpError or NetworkError (no whole answer in its
 * requestTimeoutMs is one too). */
export async function requestJson<T>(
  fetchFn: FetchLike,
  method: string,
  url: string,
  body?: unknown,
  token?: string | null,
): Promise<T> {
  return (await startJson<T>(fetchFn, method, url, body, token)).body;
}

/** A pull answer whose headers came: the next page's cursor when the server named it there
 * (`Pulih-Cursor`, `Pulih-Has-More`; null when it did not), and this page once read. */
export interface PullStart {
  ahead: { cursor: string; hasMore: boolean } | null;
  page: Promise<PullResponse>;
}

/** The next cursor a pull answer's headers name, or null (docs/protocol.md, "Pulling ahead"). */
export function aheadOf(headers: Headers): PullStart['ahead'] {
  const cursor = headers.get('Pulih-Cursor');
  const more = headers.get('Pulih-Has-More');
  if (cursor === null || (more !== 'true' && more !== 'false')) return null;
  return { cursor, hasMore: more === 'true' };
}

/** What the sync loop needs from the network. */
export interface Transport {
  push(body: PushRequest, token: string | null): Promise<PushResponse>;
  /** `pendingCount`: what the device still holds to push, reported with its sync's pull */
  pull(
    cursor: string | null,
    limit: number,
    token: string | null,
    pendingCount?: number,
  ): Promise<PullResponse>;
  /** The same pull, resolved as soon as the answer's headers came (optional: the sync loop
   * falls back to `pull`). */
  pullStart?(
    cursor: string | null,
    limit: number,
    token: string | null,
    pendingCount?: number,
  ): Promise<PullStart>;
  /** One light call that tells whether the server answers and the device is still allowed
   * (GET /auth/me): the sync of a user whose device mirrors nothing. */
  ping?(token: string | null): Promise<unknown>;
  /** The server's public key for sealed changes. */
  sealKey?(token: string | null): Promise<SealKey>;
  /** The device's audit chain (POST /sync/audit). */
  audit?(body: AuditRequest, token: string | null): Promise<AuditResponse>;
}

/** The auth endpoints. */
export interface AuthApi {
  login(body: {
    username: string;
    password: string;
    device_id: string;
    device_name: string;
  }): Promise<TokenPair>;
  refresh(refreshToken: string): Promise<TokenPair>;
  logout(token: string): Promise<void>;
}

const API = '/api/v1';
const defaultFetch: FetchLike = (input, init) => globalThis.fetch(input, init);

/** The sync transport over HTTP. */
export function httpTransport(fetchFn: FetchLike = defaultFetch, base = ''): Transport {
  const startPull = async (
    cursor: string | null,
    limit: number,
    token: string | null,
    pendingCount?: number,
  ): Promise<PullStart> => {
    const q = new URLSearchParams({ limit: String(limit) });
    if (cursor) q.set('cursor', cursor);
    if (pendingCount !== undefined) q.set('pending_count', String(pendingCount));
    const url = `${base}${API}/sync/pull?${q.toString()}`;
    const started = await startJson<PullResponse>(fetchFn, 'GET', url, undefined, token);
    return { ahead: aheadOf(started.headers), page: started.body };
  };
  return {
    push: (body, token) => requestJson(fetchFn, 'POST', `${base}${API}/sync/push`, body, token),
    pull: (cursor, limit, token, pendingCount) =>
      startPull(cursor, limit, token, pendingCount).then((started) => started.page),
    pullStart: (cursor, limit, token, pendingCount) =>
      startPull(cursor, limit, token, pendingCount),
    ping: (token) => requestJson(fetchFn, 'GET', `${base}${API}/auth/me`, undefined, token),
    sealKey: (token) => requestJson(fetchFn, 'GET', `${base}${API}/sync/key`, undefined, token),
    audit: (body, token) => requestJson(fetchFn, 'POST', `${base}${API}/sync/audit`, body, token),
  };
}

/** The auth API over HTTP. */
export function httpAuthApi(fetchFn: FetchLike = defaultFetch, base = ''): AuthApi {
  return {
    login: (body) => requestJson(fetchFn, 'POST', `${base}${API}/auth/login`, body),
    refresh: (refresh_token) =>
      requestJson(fetchFn, 'POST', `${base}${API}/auth/refresh`, { refresh_token }),
    logout: (token) => requestJson(fetchFn, 'POST', `${base}${API}/auth/logout`, undefined, token),
  };
}
