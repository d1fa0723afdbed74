// One conflict side by side: per field the base, the server's and the device's value, with who
// and when; resolved with one click (server / device version) or field by field (merge).
// Duplicates show the two client cards and merge them. The admin's picks are a draft until sent.
import { useState } from 'preact/hooks';
import { label, t, type MessageKey } from '../../../shared/i18n';
import { formatDateTime } from '../../../shared/time';
import { useApp } from '../../context';
import type { RouteProps } from '../../router';
import { problemFieldErrors, type ConflictDetail as Detail } from '../../staff-api';
import { HttpError } from '../../api';
import { DetailRow } from '../common';
import { useDraft } from '../staff/draft';
import { ErrorBox, Loaded, useRemote, useStaffApi } from '../staff/remote';
import {
  defaultPicks,
  duplicateResolution,
  fieldResolution,
  isDeletion,
  recordSummary,
  type Picks,
  type Resolution,
} from './conflict-model';
import { DuplicateCards } from './DuplicateCards';
import { FieldRows } from './FieldRows';
import { deviceName } from './device-words';

export function ConflictDetail({ params }: RouteProps) {
  const id = params['id'] ?? '';
  const api = useStaffApi();
  const remote = useRemote(() => api.conflict(id), [id]);
  return (
    <article aria-labelledby="cd-h" class="staff-wide" data-testid="conflict-detail">
      <p>
        <a href="#/admin" data-testid="conflict-back">
          ← {t('conflict.back')}
        </a>
      </p>
      <h1 id="cd-h">{t('conflict.detail_title')}</h1>
      <Loaded remote={remote}>{(c) => <Resolver key={c.id} initial={c} />}</Loaded>
    </article>
  );
}

/** Button words per kind: [server, client]. */
const ONE_CLICK: Record<Detail['kind'], [MessageKey, MessageKey]> = {
  field: ['conflict.use_server', 'conflict.use_client'],
  delete: ['conflict.keep_record', 'conflict.use_client'],
  locked: ['conflict.keep_approved', 'conflict.apply_amendment'],
  duplicate: ['conflict.merge_into_existing', 'conflict.merge_into_newcomer'],
};

function Resolver({ initial }: { initial: Detail }) {
  const api = useStaffApi();
  const { lang, notify } = useApp();
  const [c, setC] = useState(initial);
  const [picks, setPicks, clearPicks] = useDraft<Picks>(`conflict:${c.id}`, defaultPicks(c));
  const [fromNewcomer, setFromNewcomer, clearNewcomer] = useDraft<string[]>(
    `duplicate:${c.id}`,
    [],
  );
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [last, setLast] = useState<Resolution | null>(null);
  const open = c.status === 'open';
  const deletion = isDeletion(c);
  const when = (iso: unknown) => formatDateTime(iso as string, 'WIB', lang);
  const current = c.current ?? {};

  async function send(res: Resolution) {
    setLast(res);
    if (!res.ok) {
      setErrors(res.errors);
      return;
    }
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      const done = await api.resolve(c.id, res.choice, res.fields);
      await clearPicks();
      await clearNewcomer();
      notify(t('conflict.resolved_notice'));
      setC(done);
    } catch (e) {
      if (e instanceof HttpError && e.status === 422) setErrors(problemFieldErrors(e.problem));
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const [serverWords, clientWords] = ONE_CLICK[c.kind];
  const oneClick: ['server' | 'client', MessageKey][] = [
    ['server', serverWords],
    ['client', deletion ? 'conflict.delete_as_device' : clientWords],
  ];
  return (
    <>
      <p class="muted">
        <span class={`badge badge-kind-${c.kind}`} data-testid="conflict-kind">
          {label('conflict.kind', c.kind)}
        </span>{' '}
        {label('entity', c.entity)}{' '}
        <strong data-testid="conflict-record">
          {recordSummary(c.entity, c.current, lang) ?? c.record_id}
        </strong>
      </p>
      <p class="alert alert-info" data-testid="conflict-explain">
        {t(`conflict.explain_${c.kind}`)}
        {c.kind === 'delete' &&
          ` ${t(deletion ? 'conflict.device_deleted' : 'conflict.device_edited_deleted')}`}
      </p>
      <dl class="details">
        <DetailRow term={t('conflict.server_side')} testid="conflict-server-who">
          {t('conflict.server_version', {
            version: String(current['version'] ?? t('common.none')),
            time: when(current['updated_at']),
          })}
        </DetailRow>
        <DetailRow term={t('conflict.device_side')} testid="conflict-device-who">
          {t('conflict.by', {
            user: c.user?.display_name ?? t('common.none'),
            device: deviceName(c.device),
            time: when(c.created_at),
          })}
        </DetailRow>
      </dl>
      {!open && (
        <p class="alert alert-ok" role="status" data-testid="conflict-resolved">
          {t('conflict.resolved_as', {
            choice: label('conflict.choice', c.resolution ?? ''),
            time: when(c.resolved_at),
          })}
        </p>
      )}
      {c.kind === 'duplicate' ? (
        <DuplicateCards
          conflict={c}
          picked={fromNewcomer}
          onPick={setFromNewcomer}
          disabled={!open || busy}
        />
      ) : deletion ? (
        <p data-testid="conflict-deletion">{t('conflict.deletion_request')}</p>
      ) : (
        <FieldRows
          conflict={c}
          picks={picks}
          onPicks={setPicks}
          errors={errors}
          disabled={!open || busy}
        />
      )}
      {errors['_schema'] && (
        <p class="error" role="alert">
          {errors['_schema'].join(' ')}
        </p>
      )}
      <ErrorBox
        error={error}
        testid="conflict-error"
        onRetry={last ? () => void send(last) : undefined}
      />
      {open && (
        <div class="buttons">
          {oneClick.map(([choice, words]) => (
            <button
              key={choice}
              type="button"
              class="primary"
              data-testid={`resolve-${choice}`}
              disabled={busy}
              onClick={() => void send({ ok: true, choice, fields: {} })}
            >
              {t(words)}
            </button>
          ))}
          {!deletion && (
            <button
              type="button"
              data-testid="resolve-merge"
              disabled={busy}
              onClick={() =>
                void send(
                  c.kind === 'duplicate'
                    ? duplicateResolution(c, fromNewcomer)
                    : fieldResolution(c, picks, lang),
                )
              }
            >
              {t(c.kind === 'duplicate' ? 'conflict.merge_with_picks' : 'conflict.save_picks')}
            </button>
          )}
        </div>
      )}
    </>
  );
}
