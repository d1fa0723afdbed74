// The supervisor's sync-health tab (views/staff/SyncHealth.tsx).
import { SyncHealthView } from '../staff/SyncHealth';
import { SupervisorTabs } from './tabs';

export function SupervisorSyncHealth() {
  return <SyncHealthView tabs={<SupervisorTabs current="/supervisor/sync" />} />;
}
