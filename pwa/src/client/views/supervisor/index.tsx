// Supervisor views live here. Add routes to `supervisorRoutes`; the shell shows their nav entries.
import { t } from '../../../shared/i18n';
import type { RouteDef } from '../../router';

function SupervisorHome() {
  return (
    <section aria-labelledby="sup-h">
      <h1 id="sup-h">{t('nav.supervisor')}</h1>
      <p data-testid="supervisor-placeholder">{t('placeholder.supervisor')}</p>
    </section>
  );
}

export const supervisorRoutes: RouteDef[] = [
  {
    path: '/supervisor',
    roles: ['supervisor', 'admin'],
    view: SupervisorHome,
    nav: { label: 'nav.supervisor', testid: 'nav-supervisor' },
  },
];
