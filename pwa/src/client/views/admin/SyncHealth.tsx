// The admin's sync-health tab (views/staff/SyncHealth.tsx).
import { SyncHealthView } from '../staff/SyncHealth';
import { AdminTabs } from './tabs';

export function AdminSyncHealth() {
  return <SyncHealthView tabs={<AdminTabs current="/admin/sync" />} />;
}
