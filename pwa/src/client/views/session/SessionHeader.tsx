// Above the session form: its title, the client it is for, the record's status and notices,
// and whether it is locked or was restored from a draft.
import { t } from '../../../shared/i18n';
import type { LocalRecord } from '../../db';
import { RecordNotices, StatusLabel } from '../common';
import { DraftRestored } from '../draft';

/** The title and notices; `onDiscard` throws a restored draft away. */
export function SessionHeader({
  title,
  client,
  current,
  locked,
  restored,
  onDiscard,
}: {
  title: string;
  client: LocalRecord | undefined;
  current: LocalRecord | undefined;
  locked: boolean;
  restored: boolean;
  onDiscard: () => void;
}) {
  return (
    <>
      <h1 id="session-h">{title}</h1>
      {client && (
        <p>
          <a href={`#/clients/${client.id}`} data-testid="session-client">
            {t('session.for', { name: String(client['full_name']) })}
          </a>
        </p>
      )}
      {current && (
        <>
          <StatusLabel status={current['status']} />
          <RecordNotices record={current} />
        </>
      )}
      {locked && (
        <p class="alert alert-info" data-testid="session-locked">
          {t('session.locked')}
        </p>
      )}
      {restored && <DraftRestored onDiscard={onDiscard} />}
    </>
  );
}
