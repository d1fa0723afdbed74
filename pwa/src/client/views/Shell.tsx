// The frame around every logged-in view: header, navigation, status bar, notices, routed view.
import { useEffect, useState } from 'preact/hooks';
import { getLang, t } from '../../shared/i18n';
import { useApp } from '../context';
import { homePath, matchRoute, navigate, parseHash, useLocation } from '../router';
import { ROUTES } from '../routes';
import { LangSwitch } from './common';
import { preloadViews } from './lazy';
import { StatusBar } from './StatusBar';

/** Language, lock and logout: out of the main bar, one tap away. */
function AppMenu() {
  const app = useApp();
  const loc = useLocation();
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [loc.path]);
  return (
    <div class="menu">
      <button
        type="button"
        data-testid="menu-open"
        aria-expanded={open ? 'true' : 'false'}
        aria-controls="app-menu"
        onClick={() => setOpen(!open)}
      >
        <span aria-hidden="true">☰</span>
        <span class="sr-only">{t('fieldfit.menu')}</span>
      </button>
      <div
        id="app-menu"
        class="menu-panel"
        hidden={!open}
        onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
      >
        <LangSwitch />
        {app.pin.isSet && (
          <button type="button" data-testid="lock" onClick={app.lock}>
            {t('nav.lock')}
          </button>
        )}
        <button type="button" data-testid="logout" onClick={() => void app.logout()}>
          {t('nav.logout')}
        </button>
      </div>
    </div>
  );
}

export function Shell(props: {
  message: string;
  persisted: boolean;
  updateReady: (() => void) | null;
}) {
  const app = useApp();
  const loc = useLocation();
  const role = app.user.role;
  const found = matchRoute(ROUTES, loc.path, role);
  const atRoot = !found && loc.path === '/';
  useEffect(() => {
    // Only while the address is still the bare root: one opened meanwhile (a link, a typed
    // address) is where the user wants to go.
    if (atRoot && parseHash(location.hash).path === '/') navigate(homePath(ROUTES, role));
  }, [atRoot, role]);
  useEffect(() => {
    // The counselor's screens, precached: read in once the first one is up (views/lazy.tsx).
    if (role === 'counselor') void preloadViews(ROUTES.filter((r) => r.roles.includes(role)));
  }, [role]);
  const nav = ROUTES.filter((r) => r.nav && r.roles.includes(role));
  const View = found?.route.view;
  return (
    <div class="shell" lang={getLang()}>
      <a
        class="skip"
        href="#main"
        onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}
      >
        {t('app.skip')}
      </a>
      <header class="top">
        <span class="brand">{t('app.title')}</span>
        <StatusBar />
        <AppMenu />
      </header>
      <nav class="tabbar" aria-label={t('nav.main')}>
        <ul>
          {nav.map((r) => (
            <li key={r.path}>
              <a
                href={`#${r.path}`}
                data-testid={r.nav?.testid}
                aria-current={loc.path === r.path ? 'page' : undefined}
              >
                {r.nav && t(r.nav.label)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {props.updateReady && (
          <div class="alert alert-info" role="status" data-testid="update-banner">
            <button
              type="button"
              class="primary"
              data-testid="update-reload"
              onClick={props.updateReady}
            >
              {t('update.available')}
            </button>
          </div>
        )}
        <p class="sr-only" aria-live="polite" data-testid="notice">
          {props.message}
        </p>
        {props.message && (
          <p class="toast" aria-hidden="true">
            {props.message}
          </p>
        )}
        {View && found ? (
          <View params={found.params} query={loc.query} />
        ) : (
          <p data-testid="not-found">{t('common.not_found')}</p>
        )}
        {!props.persisted && (loc.path === homePath(ROUTES, role) || loc.path === '/settings') && (
          <p class="alert alert-warn" data-testid="persist-notice">
            {t('storage.not_persisted')}
          </p>
        )}
      </main>
    </div>
  );
}
