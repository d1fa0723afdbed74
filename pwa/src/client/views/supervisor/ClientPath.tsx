// A client's path for supervisors: what the counselor's client page shows, read from the server.
import { t } from '../../../shared/i18n';
import { useApp } from '../../context';
import type { RouteProps } from '../../router';
import { PathView } from '../path/PathView';
import { Loaded, useRemote, useStaffApi } from '../staff/remote';
import { PathForms } from './PathForms';
import { SupervisorTabs } from './tabs';
import { StaffAftercare } from './StaffAftercare';

export function ClientPath({ params }: RouteProps) {
  const api = useStaffApi();
  const { lang } = useApp();
  const id = params['id'] as string;
  const path = useRemote(() => api.clientPath(id), [id]);
  return (
    <section aria-labelledby="client-path-h" data-testid="staff-client-path">
      <SupervisorTabs current="/supervisor" />
      <Loaded remote={path}>
        {(p) => (
          <>
            <h1 id="client-path-h" data-testid="client-name">
              {String(p.client['full_name'] ?? '')}
            </h1>
            <p>
              {t('client.registration_number')}: {String(p.client['registration_number'] ?? '')}
            </p>
            <PathView
              lang={lang}
              assessments={p.assessments}
              enrollments={p.enrollments}
              phaseChanges={p.phase_changes}
            />
            <PathForms path={p} onSaved={path.reload} />
            <StaffAftercare path={p} onSaved={path.reload} />
          </>
        )}
      </Loaded>
    </section>
  );
}
