// The top of the UI: who is logged in, and opening or closing their session.
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Hlc, type HlcState } from '../shared/hlc';
import { getLang, onLangChange, type Lang } from '../shared/i18n';
import { httpTransport } from './api';
import { PinLock, type AuthService, type Session } from './auth';
import { AppContext, LoginContext, type AppContextValue } from './context';
import { DexieStore } from './store';
import type { AuthPort } from './authorized';
import { SyncLoop } from './sync';
import { Login } from './views/Login';
import { PinUnlock } from './views/PinUnlock';
import { Shell } from './views/Shell';

type Phase = 'boot' | 'login' | 'locked' | 'ready';

/** The app around one auth service (made once, in main.tsx); views reach it only through the
 * contexts provided here. */
export function App({
  authService,
  updateReady,
}: {
  authService: AuthService;
  updateReady: (() => void) | null;
}) {
  const [lang, setLangState] = useState<Lang>(getLang());
  const [phase, setPhase] = useState<Phase>('login');
  const [ctx, setCtx] = useState<Omit<AppContextValue, 'lang'> | null>(null);
  const [message, setMessage] = useState('');
  const [persisted, setPersisted] = useState(true);
  const pin = useMemo(() => new PinLock(), []);
  const teardown = useRef<(() => void) | null>(null);

  useEffect(() => onLangChange(setLangState), []);

  async function open(session: Session): Promise<void> {
    const deviceId = await authService.deviceId();
    const store = new DexieStore(session.user.id);
    const hlc = new Hlc(deviceId, Date.now, await store.getMeta<HlcState>('hlc'));
    const close = () => {
      sync.stop();
      removeEventListener('online', onOnline);
      store.close();
      pin.clear();
      teardown.current = null;
      // The next user must not land on a page of this user's records.
      history.replaceState(null, '', location.pathname);
      setCtx(null);
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
      onRevoked: async (reason) => {
        // Wipe before showing the login screen, which reads the notice the wipe leaves.
        store.close();
        await authService.wipeUser(session.user, reason);
        close();
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
      pin,
      save: async (entity, id, fields) => {
        const change = await store.save(entity, id, fields, hlc.now());
        if (change) sync.nudge();
        return change;
      },
      remove: async (entity, id) => {
        const change = await store.remove(entity, id, hlc.now());
        sync.nudge();
        return change;
      },
      notify: (text) => {
        setMessage('');
        setTimeout(() => setMessage(text), 50);
        setTimeout(() => setMessage((m) => (m === text ? '' : m)), 5000);
      },
      lock: () => pin.isSet && setPhase('locked'),
      logout: async () => {
        close();
        await authService.logout(session);
      },
      relogin: async (password) => {
        const fresh = await authService.loginOnline(session.user.username, password);
        Object.assign(session, fresh, { offline: false });
        await sync.syncNow();
      },
    });
    setPhase('ready');
    void sync.start();
    if (navigator.storage?.persist) {
      const granted =
        (await navigator.storage.persisted?.()) || (await navigator.storage.persist());
      setPersisted(granted);
    }
  }

  const value = useMemo(() => (ctx ? { ...ctx, lang } : null), [ctx, lang]);

  let screen: ComponentChildren;
  if (phase === 'login' || !value) {
    screen = <Login lang={lang} onSession={open} />;
  } else if (phase === 'locked') {
    screen = (
      <PinUnlock
        pin={pin}
        onUnlock={() => setPhase('ready')}
        onPasswordNeeded={() => teardown.current?.()}
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
  return <LoginContext.Provider value={authService}>{screen}</LoginContext.Provider>;
}
