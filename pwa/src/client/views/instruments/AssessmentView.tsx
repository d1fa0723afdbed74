// One screening or assessment as recorded: its result card (the server's scores once synced).
import { localized, t } from '../../../shared/i18n';
import { DEFINITIONS } from '../../../shared/instruments';
import { formatDate } from '../../../shared/time';
import { useApp, useQuery } from '../../context';
import type { RouteProps } from '../../router';
import { RecordNotices } from '../common';
import { Result } from './Result';
import './instruments.css';

export function AssessmentView({ params }: RouteProps) {
  const { lang } = useApp();
  const record = useQuery((s) => s.get('assessment', params['id'] as string), [params['id']]);
  if (record === undefined) return <p data-testid="not-found">{t('instr.not_found')}</p>;
  const def = DEFINITIONS[String(record['instrument'])];
  if (!def || record.deleted) return <p data-testid="not-found">{t('instr.not_found')}</p>;
  return (
    <section class="instr" aria-labelledby="assessment-h" data-testid="assessment-view">
      <p class="muted">
        <a href={`#/clients/${String(record['client_id'])}`}>{t('instr.back_to_client')}</a>
      </p>
      <h1 id="assessment-h">{localized(def.title, lang)}</h1>
      <p>
        {t('instr.taken_on')}: {formatDate(record['taken_on'] as string, lang)}
      </p>
      <RecordNotices record={record} />
      <Result
        def={def}
        scores={(record['scores'] ?? {}) as Record<string, unknown>}
        answers={(record['answers'] ?? {}) as Record<string, unknown>}
        lang={lang}
      />
      <details>
        <summary>{t('instr.source')}</summary>
        <p class="muted">
          {def.source} (v{def.version})
        </p>
      </details>
    </section>
  );
}
