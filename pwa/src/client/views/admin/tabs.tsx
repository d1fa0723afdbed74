// The section tabs of the admin area.
import { t } from '../../../shared/i18n';
import { SubNav, type Tab } from '../staff/nav';

const TABS: Tab[] = [
  { path: '/admin', label: 'conflict.tab', testid: 'tab-conflicts' },
  { path: '/admin/rejected', label: 'rejected.tab', testid: 'tab-rejected' },
  { path: '/admin/users', label: 'users.tab', testid: 'tab-users' },
  { path: '/admin/devices', label: 'devices.tab', testid: 'tab-devices' },
  { path: '/admin/sync', label: 'health.tab', testid: 'tab-sync-health' },
  { path: '/admin/audit', label: 'audit.tab', testid: 'tab-audit' },
  { path: '/supervisor/import', label: 'import.tab', testid: 'tab-import' }, // aftercare
];

export function AdminTabs({ current }: { current: string }) {
  return <SubNav tabs={TABS} current={current} label={t('nav.admin')} />;
}
