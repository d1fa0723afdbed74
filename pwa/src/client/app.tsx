// The top of the UI: who is logged in, and opening or closing their session.
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Hlc, type HlcState } from '../shared/hlc';
import { getLang, onLangChange, type Lang } from '../shared/i18n';
import { httpTransport, requestJson } from './api';
import type { AuthService, Resumable, Session } from './auth';
import { AppContext, LoginContext, type AppContextValue } from './context';
import { DexieStore } from './store';
import type { AuthPort } from './authorized';
import type { PushResult } from '../shared/types';
import { toWire } from './outbox';
import { SyncLoop } from './sync';
import { SealedDb, SealedOutbox, sealedBackup } from './vault/sealed';
import { AuditChain } from './vault/audit-chain';
import { authorized } from './authorized';
import { Login } from './views/Login';
import { LogoutWarning } from './views/LogoutWarning';
import { PinSetup } from './views/PinSetup';
import { PinUnlock } from './views/PinUnlock';
import { Shell } from './views/Shell';

type Phase = 'boot' | 'login' | 'pin_setup' | 'locked' | 'ready';

const sealedDb = new SealedDb();

/** Run `fn` once, after the next frame has been painted, or after half a second at the latest:
 * a hidden page paints no frame, and the first sync must not wait for the tablet to show it. */
function afterPaint(fn: () => void): void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    fn();
  };
  requestAnimationFrame(() => setTimeout(once, 0));
  setTimeout(once, 500);
}

/** How long the app stays open without a touch, or hidden, before it locks itself. */
export const AUTO_LOCK_MS = 15 * 60_000;

/** The app around one auth service (made once, in main.tsx); views reach it only through the
 * contexts provided here. */
export function App({
  authService,
  updateReady,
  lockAfterMs,
}: {
  authService: AuthService;
  updateReady: (() => void) | null;
  /** auto-lock after this long idle or hidden */
  lockAfterMs?: number;
}) {
  const [lang, setLangState] = useState<Lang>(getLang());
  const [phase, setPhase] = useState<Phase>('boot');
  const [ctx, setCtx] = useState<Omit<AppContextValue, 'lang'> | null>(null);
  const [message, setMessage] = useState('');
  const [persisted, setPersisted] = useState(true);
  const [serverLockMs, setServerLockMs] = useState<number | undefined>();
  const [resumable, setResumable] = useState<Resumable | null>(null);
  const [pending, setPending] = useState<Session | null>(null);
  const [logoutAsk, setLogoutAsk] = useState<{
    waiting: number;
    ok: (go: boolean) => void;
  } | null>(null);
  const teardown = useRef<((to: 'login' | 'locked') => Promise<void>) | null>(null);

  useEffect(() => onLangChange(setLangState), []);

  /** After a reload, a restart or a lock: the PIN when it may reopen the vault, else login. */
  async function showLocked(): Promise<void> {
    const r = await authService.resumable();
    setResumable(r);
    setPhase(r ? 'locked' : 'login');
  }

  useEffect(() => void showLocked(), []);

  /** A session from the login form: an online login without a PIN sets one first. */
  async function fromLogin(session: Session): Promise<void> {
    if (!session.offline && !(await authService.hasPin(session.user.id))) {
      setPending(session);
      setPhase('pin_setup');
      return;
    }
    await open(session);
  }

  async function open(session: Session): Promise<void> {
    const deviceId = await authService.deviceId();
    // Every outbox write gets a sealed copy that outlives the vault (vault/sealed.ts).
    const sealed = new SealedOutbox(sealedDb, session.user.id);
    const store = new DexieStore(
      session.user.id,
      Date.now,
      undefined,
      session.key,
      (entries) => void sealed.add(entries.map(toWire)).catch(() => undefined),
      session.keepAnsweredMs,
    );
    const hlc = new Hlc(deviceId, Date.now, await store.getMeta<HlcState>('hlc'));
    // The device's audit chain: the wrong PINs typed while it was locked, then this unlock.
    const chain = new AuditChain(store.db, session.user.id, deviceId);
    const record = (action: Parameters<AuditChain['append']>[0], entity?: string, id?: string) =>
      void chain.append(action, entity ?? null, id ?? null).catch(() => undefined);
    for (const at of await authService.takePinFailures(session.user.id)) {
      void chain.append('pin_failed', null, null, at).catch(() => undefined);
    }
    record('unlock');
    let hasPin = await authService.hasPin(session.user.id);
    let closing = false; // set before the first await of close: nothing may start after it
    const close = async (to: 'login' | 'locked') => {
      closing = true;
      sync.stop();
      removeEventListener('online', onOnline);
      // Locked or logged out: the last entry of the chain before the key leaves memory.
      await chain.append('lock').catch(() => undefined);
      store.close();
      teardown.current = null;
      setCtx(null);
      if (to === 'locked') return showLocked();
      // The next user must not land on a page of this user's records.
      history.replaceState(null, '', location.pathname);
      setResumable(null);
      setPhase('login');
    };
    const auth: AuthPort = {
      accessToken: () => session.accessToken,
      refresh: () => authService.refresh(session),
    };
    const sync = new SyncLoop({
      transport: httpTransport(),
      store,
      auth,
      clock: { now: Date.now },
      deviceId,
      appVersion: __APP_VERSION__,
      isOnline: () => navigator.onLine,
      // Only a user who counsels keeps records on the device; staff views read the API.
      mirror: session.user.role === 'counselor',
      sealed,
      audit: chain,
      onRevoked: async (reason, kind) => {
        // Wipe before showing the login screen, which reads the notice the wipe leaves.
        store.close();
        await authService.wipeUser(session.user, reason, kind);
        await close('login');
      },
    });
    const onOnline = () => void sync.syncNow();
    addEventListener('online', onOnline);
    teardown.current = close;
    // A fresh login has fresh tokens: an address left on "Masuk lagi" (the tab was closed
    // there) would greet the counselor with a login that expired, right after logging in.
    if (location.hash.startsWith('#/relogin')) history.replaceState(null, '', location.pathname);
    setCtx({
      user: session.user,
      session,
      auth,
      store,
      sync,
      deviceId,
      pin: {
        get isSet() {
          return hasPin;
        },
        set: async (value) => {
          await authService.setPin(session, value);
          hasPin = true;
        },
      },
      save: async (entity, id, fields) => {
        const change = await store.save(entity, id, fields, hlc.now());
        if (change) record('edit', entity, id);
        if (change) sync.nudge();
        return change;
      },
      remove: async (entity, id) => {
        const change = await store.remove(entity, id, hlc.now());
        record('edit', entity, id);
        sync.nudge();
        return change;
      },
      audit: record,
      notify: (text) => {
        setMessage('');
        setTimeout(() => setMessage(text), 50);
        setTimeout(() => setMessage((m) => (m === text ? '' : m)), 5000);
      },
      lock: () => void close('locked'),
      logout: async () => {
        // Changes waiting to be sent: say so first (they stay, sealed and in the vault).
        const waiting = await store.pendingCount();
        if (waiting > 0 && !(await new Promise<boolean>((ok) => setLogoutAsk({ waiting, ok })))) {
          return;
        }
        setLogoutAsk(null);
        sync.stop();
        await authService.logout(session);
        await close('login');
      },
      backup: async () => {
        await sealed.add((await store.peekOutbox(1_000_000)).map(toWire));
        return sealedBackup(sealedDb, deviceId);
      },
      importBackup: (file) =>
        authorized(auth, (token) =>
          requestJson<{ results: PushResult[] }>(
            globalThis.fetch.bind(globalThis),
            'POST',
            '/api/v1/admin/sealed-import',
            file,
            token,
          ),
        ).then((answer) => answer.results),
      relogin: async (password) => {
        const fresh = await authService.loginOnline(session.user.username, password);
        Object.assign(session, fresh, { offline: false });
        await sync.syncNow();
      },
    });
    setServerLockMs(session.lockAfterMs);
    setPhase('ready');
    // The first screen paints before the rest starts: the search index (every client
    // decrypted: thousands of WebCrypto answers queued on the main thread) and the first sync
    // would hold it back. The client list asks for the index by itself when it shows first.
    afterPaint(() => {
      if (closing || teardown.current !== close) return; // locked or logged out meanwhile
      void store.searchClients('', 1).catch(() => undefined);
      void sync.start();
    });
    if (navigator.storage?.persist) {
      const granted =
        (await navigator.storage.persisted?.()) || (await navigator.storage.persist());
      setPersisted(granted);
    }
  }

  // Auto-lock: the key leaves memory after a while without a touch, or hidden.
  useEffect(() => {
    if (phase !== 'ready') return;
    const after = lockAfterMs ?? serverLockMs ?? AUTO_LOCK_MS;
    let timer = setTimeout(() => void teardown.current?.('locked'), after);
    const touch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void teardown.current?.('locked'), after);
    };
    const events = ['pointerdown', 'keydown', 'visibilitychange'] as const;
    for (const e of events) addEventListener(e, touch, { passive: true });
    return () => {
      clearTimeout(timer);
      for (const e of events) removeEventListener(e, touch);
    };
  }, [phase, lockAfterMs, serverLockMs]);

  const value = useMemo(() => (ctx ? { ...ctx, lang } : null), [ctx, lang]);

  let screen: ComponentChildren;
  if (phase === 'boot') {
    screen = <main id="main" class="login" aria-busy="true" />;
  } else if (phase === 'pin_setup' && pending) {
    screen = (
      <PinSetup
        save={(pin) => authService.setPin(pending, pin)}
        onDone={() => {
          setPending(null);
          void open(pending);
        }}
      />
    );
  } else if (phase === 'locked' && resumable) {
    screen = (
      <PinUnlock
        username={resumable.username}
        unlock={(pin) => authService.unlockWithPin(resumable.userId, pin)}
        onUnlock={(session) => void open(session)}
        onPasswordNeeded={() => {
          setResumable(null);
          setPhase('login');
        }}
      />
    );
  } else if (phase !== 'ready' || !value) {
    screen = <Login lang={lang} onSession={fromLogin} />;
  } else if (logoutAsk) {
    screen = (
      <LogoutWarning
        waiting={logoutAsk.waiting}
        onAnswer={(go) => {
          if (!go) setLogoutAsk(null);
          logoutAsk.ok(go);
        }}
      />
    );
  } else {
    screen = (
      <AppContext.Provider value={value}>
        <Shell message={message} persisted={persisted} updateReady={updateReady} />
      </AppContext.Provider>
    );
  }
  // Every screen, the login screen included, reaches authentication through a context.
  const loginPort = useMemo(
    () => ({
      login: (u: string, p: string) => authService.login(u, p),
      revokedNotice: () => authService.revokedNotice(),
      sealedBackup: async () => sealedBackup(sealedDb, await authService.deviceId()),
    }),
    [authService],
  );
  return <LoginContext.Provider value={loginPort}>{screen}</LoginContext.Provider>;
}
