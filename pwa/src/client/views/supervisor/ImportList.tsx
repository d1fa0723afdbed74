// Admission from a facility's list: an admin or supervisor uploads the facility's WBP list (XLSX
// or CSV), reads the dry run row by row (new, already present, likely duplicates, errors and
// why), then imports the new rows. The server decides everything; the same file twice adds
// nothing, and the counselors' devices pull the new clients at their next sync.
import { useState } from 'preact/hooks';
import { errorText, label, t } from '../../../shared/i18n';
import { HttpError } from '../../api';
import { problemFieldErrors, type ImportReport, type ImportRow } from '../../staff-api';
import { SelectField } from '../path/controls';
import { Field } from '../common';
import { useFacilities } from '../staff/facilities';
import { ErrorBox, useStaffApi } from '../staff/remote';
import { SupervisorTabs } from './tabs';

const MAX_BYTES = 3 * 1024 * 1024;

/** A file's bytes as base64 (the upload's `content`). */
async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

/** The server's reason for a row, in the words of the app where it has them (the server's own
 * words are English, for developers); a reason it does not know is shown as the server gave it. */
function reasonText(field: string, message: string): string {
  if (message.startsWith('Missing data for required field')) return errorText({ code: 'required' });
  if (message === 'Not a valid date.') return t('import.err_date');
  if (message.startsWith('Must not be in the future')) return errorText({ code: 'future' });
  if (message.startsWith('Must be exactly 16 digits')) return errorText({ code: 'nik_digits' });
  if (message.startsWith('Length must be')) return t('import.err_length');
  if (message.startsWith('Must be one of')) {
    if (field === 'sex') return t('import.err_sex');
    if (field === 'case_type') return t('import.err_case');
  }
  const row = /^The same number as row (\d+)/.exec(message);
  if (row) return t('import.err_same_row', { row: row[1] ?? '' });
  return message;
}

function rowDetail(row: ImportRow): string {
  const errors = Object.entries(row.errors).map(
    ([field, messages]) =>
      `${label('import_field', field)}: ${messages.map((m) => reasonText(field, m)).join(' ')}`,
  );
  const matches = row.matches.map((m) =>
    t('import.same_as', { name: m.full_name, number: m.registration_number }),
  );
  return [...errors, ...matches].join(' · ');
}

export function ImportList() {
  const api = useStaffApi();
  const facilities = useFacilities();
  const [facility, setFacility] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [messages, setMessages] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const facilityId = facility || facilities?.[0]?.id || '';

  async function send(dryRun: boolean) {
    if (!file || !facilityId) return;
    setError(null);
    setMessages({});
    if (file.size > MAX_BYTES) {
      setMessages({ content: [t('import.too_big')] });
      return;
    }
    setBusy(true);
    try {
      const content = await base64Of(file);
      setReport(
        await api.importClients({
          facility_id: facilityId,
          file_name: file.name,
          content,
          dry_run: dryRun,
        }),
      );
    } catch (e) {
      if (e instanceof HttpError && (e.status === 422 || e.status === 400)) {
        setMessages(problemFieldErrors(e.problem));
        setReport(null);
      } else setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="import-h" data-testid="import-list">
      <SupervisorTabs current="/supervisor/import" />
      <h1 id="import-h">{t('import.title')}</h1>
      <p class="muted">{t('import.intro')}</p>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void send(true);
        }}
        class="card"
      >
        <SelectField
          id="import-facility"
          label={t('import.facility')}
          messages={messages['facility_id']}
          value={facilityId}
          onValue={(e) => {
            setFacility((e.currentTarget as HTMLSelectElement).value);
            setReport(null);
          }}
        >
          {(facilities ?? []).map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </SelectField>
        <Field
          id="import-file"
          label={t('import.file')}
          messages={[...(messages['content'] ?? []), ...(messages['file_name'] ?? [])]}
        >
          <input
            id="import-file"
            data-testid="import-file"
            type="file"
            accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            onChange={(e) => {
              setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null);
              setReport(null);
            }}
          />
        </Field>
        <button type="submit" data-testid="import-check" disabled={!file || busy}>
          {busy ? t('staff.sending') : t('import.check')}
        </button>
      </form>
      <ErrorBox error={error} testid="import-error" />
      {report && <ImportResult report={report} busy={busy} onImport={() => void send(false)} />}
    </section>
  );
}

function ImportResult(props: { report: ImportReport; busy: boolean; onImport: () => void }) {
  const { report } = props;
  const columns = Object.entries(report.columns)
    .map(([header, field]) => `${header} → ${label('import_field', field)}`)
    .join(', ');
  return (
    <div class="card" data-testid="import-result">
      {report.dry_run ? null : (
        <p class="notice" data-testid="import-done" role="status">
          {t('import.done', { count: report.imported })}
        </p>
      )}
      <p data-testid="import-counts">{t('import.counts', report.counts)}</p>
      <p class="muted">{t('import.columns', { columns })}</p>
      {report.unknown_columns.length ? (
        <p class="muted">
          {t('import.unknown_columns', { columns: report.unknown_columns.join(', ') })}
        </p>
      ) : null}
      {report.dry_run && report.counts.new > 0 ? (
        <button
          type="button"
          class="primary"
          data-testid="import-run"
          disabled={props.busy}
          onClick={props.onImport}
        >
          {t('import.run', { count: report.counts.new })}
        </button>
      ) : null}
      <div class="table-wrap" tabIndex={0} role="region" aria-label={t('import.rows')}>
        <table class="table words" data-testid="import-rows">
          <thead>
            <tr>
              <th scope="col">{t('import.row')}</th>
              <th scope="col">{t('client.full_name')}</th>
              <th scope="col">{t('client.registration_number')}</th>
              <th scope="col">{t('import.status')}</th>
              <th scope="col">{t('import.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {report.rows.map((row) => (
              <tr key={row.row} data-testid="import-row" data-status={row.status}>
                <td>{row.row}</td>
                <td>{String(row.values['full_name'] ?? '')}</td>
                <td>{String(row.values['registration_number'] ?? '')}</td>
                <td>{label('import_status', row.status)}</td>
                <td>{rowDetail(row)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
