// The section tabs of the supervision area (review, figures).
import { t } from '../../../shared/i18n';
import { useApp } from '../../context';
import { SubNav, type Tab } from '../staff/nav';

const TABS: Tab[] = [
  { path: '/supervisor', label: 'review.tab', testid: 'tab-review' },
  { path: '/supervisor/figures', label: 'fig.tab', testid: 'tab-figures' },
  { path: '/supervisor/cohorts', label: 'cohort.tab', testid: 'tab-cohorts' },
  { path: '/supervisor/sync', label: 'health.tab', testid: 'tab-sync-health' },
  { path: '/supervisor/import', label: 'import.tab', testid: 'tab-import' }, // aftercare
];

export function SupervisorTabs({ current }: { current: string }) {
  // An official has the figures only: no tabs to other supervision pages.
  if (useApp().user.role === 'official') return null;
  return <SubNav tabs={TABS} current={current} label={t('nav.supervisor')} />;
}
