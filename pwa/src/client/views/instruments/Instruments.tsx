// The client page's screening and assessment block: a start button per instrument, and the
// client's results over time (date, instrument, headline scores), newest first, each opening
// its result card. Rendered by ClientPage in one line.
import { localized, t } from '../../../shared/i18n';
import { DEFINITIONS } from '../../../shared/instruments';
import { formatDate } from '../../../shared/time';
import { useApp, useQuery } from '../../context';
import type { LocalRecord } from '../../db';
import { RecordNotices, useRejectedKeys } from '../common';
import { draftKey, headline } from './model';
import './instruments.css';

/** Assessments newest first (by date, then by when they were made). */
export function byDateNewestFirst(records: LocalRecord[]): LocalRecord[] {
  return [...records].sort(
    (a, b) =>
      String(b['taken_on']).localeCompare(String(a['taken_on'])) ||
      String(b['created_at'] ?? '').localeCompare(String(a['created_at'] ?? '')),
  );
}

export function Instruments({ client }: { client: LocalRecord }) {
  const { lang } = useApp();
  const rejectedKeys = useRejectedKeys();
  const records = useQuery((s) => s.list('assessment', { client_id: client.id }), [client.id]);
  // Instruments begun and not saved: their button says the draft waits.
  const begun = useQuery(
    async (s) => {
      const names = Object.keys(DEFINITIONS);
      const drafts = await Promise.all(names.map((n) => s.getDraft(draftKey(client.id, n))));
      return names.filter((_, i) => drafts[i] !== undefined);
    },
    [client.id],
  );
  return (
    <section aria-labelledby="instr-block-h" data-testid="instruments">
      <h2 id="instr-block-h">{t('instr.heading')}</h2>
      <p class="buttons instr-start">
        {Object.values(DEFINITIONS).map((def) => (
          <a
            key={def.instrument}
            class="button"
            href={`#/clients/${client.id}/instruments/${def.instrument}`}
            data-testid={`instr-start-${def.instrument}`}
            data-draft={begun?.includes(def.instrument) ? '1' : '0'}
          >
            {localized(def.title, lang)}
            {begun?.includes(def.instrument) ? ` · ${t('instr.resume')}` : ''}
          </a>
        ))}
      </p>
      <h3>{t('instr.over_time')}</h3>
      {!records?.length ? (
        <p>{t('instr.none')}</p>
      ) : (
        <ul class="list">
          {byDateNewestFirst(records).map((a) => {
            const def = DEFINITIONS[String(a['instrument'])];
            const scores = (a['scores'] ?? {}) as Record<string, unknown>;
            return (
              <li key={a.id} data-testid="instr-history-row" data-id={a.id}>
                <a href={`#/assessments/${a.id}`}>
                  <strong>{formatDate(a['taken_on'] as string, lang)}</strong> ·{' '}
                  {def ? localized(def.title, lang) : String(a['instrument'])}
                </a>
                {def && headline(def, scores, lang) && (
                  <span class="muted" data-testid="instr-headline">
                    {headline(def, scores, lang)}
                  </span>
                )}
                <RecordNotices record={a} detailed={false} rejectedKeys={rejectedKeys} />
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
