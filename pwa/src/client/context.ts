// What every view may reach: the user, their store, the sync loop, and a few actions; and,
// before anyone logged in, the login port. The app injects both; no view imports a service.
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { Lang } from '../shared/i18n';
import type { Change, Entity, PushResult, User } from '../shared/types';
import type { SealedBackup } from './vault/sealed';
import type { AuditAction } from './vault/audit-chain';
import type { RevokedNotice, Session } from './auth';
import type { Store } from './store';
import type { AuthPort } from './authorized';
import type { SyncLoop } from './sync';

export interface AppContextValue {
  user: User;
  session: Session;
  /** The session's access token and its one shared refresh (the sync loop uses the same). */
  auth: AuthPort;
  store: Store;
  sync: SyncLoop;
  deviceId: string;
  lang: Lang;
  /** the PIN that reopens this user's vault after a reload */
  pin: { readonly isSet: boolean; set(pin: string): Promise<void> };
  /** A local edit with a fresh HLC timestamp: record + outbox. */
  save(entity: Entity, id: string, fields: Record<string, unknown>): Promise<Change | null>;
  remove(entity: Entity, id: string): Promise<Change>;
  /** Append to the device's audit chain (vault/audit-chain.ts): a record opened, an export. */
  audit(action: AuditAction, entity?: string, id?: string): void;
  /** Say something in the polite live region. */
  notify(text: string): void;
  /** Lock now: the data key leaves memory; the PIN (or the password) reopens. */
  lock(): void;
  logout(): Promise<void>;
  relogin(password: string): Promise<void>;
  /** This device's sealed outbox as a backup (null when empty), every change sealed first. */
  backup(): Promise<SealedBackup | null>;
  /** Admins: import a device's backup file, processed like a push from that device. */
  importBackup(file: unknown): Promise<PushResult[]>;
}

export const AppContext = createContext<AppContextValue | null>(null);

/** The app context; only used below a logged-in shell. */
export function useApp(): AppContextValue {
  const ctx = useContext(AppContext);
  if (!ctx) throw new Error('useApp outside AppContext');
  return ctx;
}

/** What the login screen asks of authentication: it is shown before any session exists. */
export interface LoginPort {
  login(username: string, password: string): Promise<Session>;
  revokedNotice(): Promise<RevokedNotice | null>;
  /** The sealed outbox left on this device, as a backup (null when empty). */
  sealedBackup(): Promise<SealedBackup | null>;
}

export const LoginContext = createContext<LoginPort | null>(null);

/** The login port the app provides around every screen. */
export function useLogin(): LoginPort {
  const port = useContext(LoginContext);
  if (!port) throw new Error('useLogin outside LoginContext');
  return port;
}

/** How long store writes are collected before a query runs again. */
export const QUERY_COALESCE_MS = 80;

/** Run a store query, and again after writes to the store. Writes that come in a burst (the
 * pages of a first sync) cost one re-run, never one per write, and a query never overlaps
 * itself: the views stay cheap however many records arrive. */
export function useQuery<T>(fn: (store: Store) => Promise<T>, deps: unknown[]): T | undefined {
  const { store } = useApp();
  const [value, setValue] = useState<T | undefined>(undefined);
  useEffect(() => {
    let alive = true;
    let running = false;
    let dirty = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const run = () => {
      if (running) {
        dirty = true;
        return;
      }
      running = true;
      dirty = false;
      fn(store)
        .then(
          (v) => alive && setValue(() => v),
          () => undefined,
        )
        .finally(() => {
          running = false;
          if (dirty) schedule();
        });
    };
    const schedule = () => {
      if (!alive || timer !== null) return;
      timer = setTimeout(() => {
        timer = null;
        run();
      }, QUERY_COALESCE_MS);
    };
    run();
    const off = store.onChange(schedule);
    return () => {
      alive = false;
      if (timer !== null) clearTimeout(timer);
      off();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, ...deps]);
  return value;
}

/** A live client of this device and its facility (null: none such here; undefined: loading):
 * what the forms recorded on a client's behalf start from. */
export function useClientHere(clientId: string) {
  return useQuery(
    async (s) => {
      const client = await s.get('client', clientId);
      if (!client || client.deleted) return null;
      return { client, facility: await s.get('facility', client.facility_id) };
    },
    [clientId],
  );
}
