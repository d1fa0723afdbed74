// Admin views live here. Add routes to `adminRoutes`; the shell shows their nav entries.
import { t } from '../../../shared/i18n';
import type { RouteDef } from '../../router';

function AdminHome() {
  return (
    <section aria-labelledby="adm-h">
      <h1 id="adm-h">{t('nav.admin')}</h1>
      <p data-testid="admin-placeholder">{t('placeholder.admin')}</p>
    </section>
  );
}

export const adminRoutes: RouteDef[] = [
  {
    path: '/admin',
    roles: ['admin'],
    view: AdminHome,
    nav: { label: 'nav.admin', testid: 'nav-admin' },
  },
];
