// The section tabs of the supervision area (review, figures).
import { t } from '../../../shared/i18n';
import { SubNav, type Tab } from '../staff/nav';

const TABS: Tab[] = [
  { path: '/supervisor', label: 'review.tab', testid: 'tab-review' },
  { path: '/supervisor/figures', label: 'fig.tab', testid: 'tab-figures' },
  { path: '/supervisor/cohorts', label: 'cohort.tab', testid: 'tab-cohorts' },
  { path: '/supervisor/sync', label: 'health.tab', testid: 'tab-sync-health' },
];

export function SupervisorTabs({ current }: { current: string }) {
  return <SubNav tabs={TABS} current={current} label={t('nav.supervisor')} />;
}
