// What every view may reach: the user, their store, the sync loop, and a few actions.
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { Lang } from '../shared/i18n';
import type { Change, Entity, User } from '../shared/types';
import type { PinLock, Session } from './auth';
import type { Store } from './store';
import type { SyncLoop } from './sync';

export interface AppContextValue {
  user: User;
  session: Session;
  store: Store;
  sync: SyncLoop;
  deviceId: string;
  lang: Lang;
  pin: PinLock;
  /** A local edit with a fresh HLC timestamp: record + outbox. */
  save(entity: Entity, id: string, fields: Record<string, unknown>): Promise<Change | null>;
  remove(entity: Entity, id: string): Promise<Change>;
  /** Say something in the polite live region. */
  notify(text: string): void;
  lock(): void;
  logout(): Promise<void>;
  relogin(password: string): Promise<void>;
}

export const AppContext = createContext<AppContextValue | null>(null);

/** The app context; only used below a logged-in shell. */
export function useApp(): AppContextValue {
  const ctx = useContext(AppContext);
  if (!ctx) throw new Error('useApp outside AppContext');
  return ctx;
}

/** Run a store query, and again after every write to the store. */
export function useQuery<T>(fn: (store: Store) => Promise<T>, deps: unknown[]): T | undefined {
  const { store } = useApp();
  const [value, setValue] = useState<T | undefined>(undefined);
  useEffect(() => {
    let alive = true;
    const run = () => {
      fn(store).then(
        (v) => alive && setValue(() => v),
        () => undefined,
      );
    };
    run();
    const off = store.onChange(run);
    return () => {
      alive = false;
      off();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, ...deps]);
  return value;
}
