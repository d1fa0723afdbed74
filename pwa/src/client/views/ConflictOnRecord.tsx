// A conflict in plain words on the record itself: a possible duplicate says an admin will decide
// whether it is the same person; a field conflict names each field, with the counselor's own
// value (kept on the device, store.ownValuesKey) beside the server's. And a link to a client
// merged into another leads to the kept one.
import { useEffect } from 'preact/hooks';
import { label, t } from '../../shared/i18n';
import { formatDate } from '../../shared/time';
import { useApp, useQuery } from '../context';
import type { LocalRecord } from '../db';
import { ownValuesKey, type OwnValues } from '../store';
import { fieldLabel } from './common';

/** Code fields shown in words, and date fields shown as dates. */
const CODE_GROUPS: Readonly<Record<string, string>> = {
  sex: 'sex',
  case_type: 'case',
  kind: 'kind',
  attendance: 'attendance',
  status: 'sstatus',
};
const DATE_FIELDS = new Set(['birth_date', 'admission_date', 'release_date', 'next_session_on']);

function valueText(field: string, value: unknown, lang: string): string {
  if (value === null || value === undefined || value === '') return t('common.none');
  const group = CODE_GROUPS[field];
  if (group) return label(group, value);
  if (DATE_FIELDS.has(field) && typeof value === 'string') return formatDate(value, lang);
  if (Array.isArray(value)) return value.map(String).join(', ');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The open conflict of a record, explained; nothing while none is open. */
export function ConflictOnRecord({ record }: { record: LocalRecord }) {
  const { lang } = useApp();
  const own = useQuery(
    (s) => s.getMeta<OwnValues>(ownValuesKey(record.entity, record.id)),
    [record.entity, record.id],
  );
  const other = useQuery(
    (s) =>
      typeof record['duplicate_of'] === 'string'
        ? s.get('client', record['duplicate_of'])
        : Promise.resolve(undefined),
    [record['duplicate_of']],
  );
  if (!record.conflict_open) return null;
  if (record.entity === 'client' && record['duplicate_of']) {
    return (
      <div class="alert alert-warn" data-testid="conflict-duplicate">
        <p>{t('fieldfit.conflict.duplicate')}</p>
        {other && !other.deleted ? (
          <p>
            <a href={`#/clients/${other.id}`} data-testid="conflict-duplicate-other">
              {String(other['full_name'] ?? '')} · {String(other['registration_number'] ?? '')}
            </a>
          </p>
        ) : null}
      </div>
    );
  }
  const server = record._server ?? record;
  const rows = Object.entries(own?.fields ?? {}).filter(
    ([field, mine]) =>
      !field.startsWith('_') && field !== 'facility_id' && !same(mine, server[field]),
  );
  if (rows.length === 0) return null;
  return (
    <div class="alert alert-warn" data-testid="conflict-fields">
      <p>{t('fieldfit.conflict.fields')}</p>
      <table class="conflict-values">
        <thead>
          <tr>
            <th scope="col">{t('fieldfit.conflict.field')}</th>
            <th scope="col">{t('fieldfit.conflict.mine')}</th>
            <th scope="col">{t('fieldfit.conflict.server')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([field, mine]) => (
            <tr key={field} data-testid="conflict-field" data-field={field}>
              <th scope="row">{fieldLabel(record.entity, field)}</th>
              <td data-testid="conflict-mine">{valueText(field, mine, lang)}</td>
              <td data-testid="conflict-server">{valueText(field, server[field], lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** In place of "not found" on a client page: a client merged into another leads to the kept one. */
export function MissingClient({ id }: { id: string }) {
  const gone = useQuery((s) => s.get('client', id), [id]);
  const kept = gone?.deleted ? gone['merged_into'] : undefined;
  useEffect(() => {
    if (typeof kept !== 'string') return;
    // Replaced, not pushed: "back" must not return to the merged-away address.
    history.replaceState(null, '', `#/clients/${kept}`);
    dispatchEvent(new HashChangeEvent('hashchange'));
  }, [kept]);
  if (typeof kept === 'string') return <p>{t('fieldfit.conflict.merged')}</p>;
  return <p data-testid="not-found">{t('client.not_found')}</p>;
}
