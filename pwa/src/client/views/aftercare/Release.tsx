// Release and aftercare, shared by the counselor's client page (offline, through the outbox) and
// the staff's client path (through POST /clients/<id>/path): the register history, the release
// form with its referral and the client's consent, and the releases with their discharge summary.
import { useState } from 'preact/hooks';
import { label, t, type Lang } from '../../../shared/i18n';
import { formatDate } from '../../../shared/time';
import { RECIPIENT_KINDS, RELEASE_KINDS } from '../../../shared/rules.generated';
import type { BaseRecord } from '../../../shared/types';
import type { Errors } from '../../../shared/validation';
import { useStaffApi, ErrorBox } from '../staff/remote';
import { saveBlob } from '../staff/download';
import { CodeOptions, DetailRow, Field } from '../common';
import { InputField, SelectField, useTyped } from '../path/controls';

interface HistoryEntry {
  number: string;
  facility_id: string;
  from: string | null;
  until: string;
}

function historyOf(client: BaseRecord): HistoryEntry[] {
  const raw = client['registration_history'];
  return Array.isArray(raw) ? (raw as HistoryEntry[]) : [];
}

/** The numbers the client held before, with their facility and dates (kept by the server). */
export function RegisterHistory(props: {
  client: BaseRecord;
  lang: Lang;
  facilityName: (id: string) => string;
}) {
  const entries = historyOf(props.client);
  if (!entries.length) return null;
  return (
    <section aria-labelledby="reghist-h" data-testid="register-history">
      <h2 id="reghist-h">{t('reghist.title')}</h2>
      <ul>
        {entries.map((e, i) => (
          <li key={i} data-testid="register-history-entry">
            {t('reghist.entry', {
              number: e.number,
              facility: props.facilityName(e.facility_id),
              from: e.from ? formatDate(e.from, props.lang) : t('common.none'),
              until: formatDate(e.until, props.lang),
            })}
          </li>
        ))}
      </ul>
    </section>
  );
}

export interface ReleaseOutcome {
  /** the device's own check, as codes */
  errors?: Errors;
  /** the server's words per field */
  messages?: Record<string, string[]>;
}

/** Record a release: date, kind, the referral's recipient and the client's consent for it. */
export function ReleaseForm(props: {
  facilityId: string;
  clientId: string;
  today: string;
  onSave: (fields: Record<string, unknown>) => Promise<ReleaseOutcome | null>;
}) {
  const { typed, set } = useTyped();
  const [consent, setConsent] = useState(false);
  const [outcome, setOutcome] = useState<ReleaseOutcome>({});
  const recipientKind = typed['recipient_kind'] ?? 'bapas';
  const value = {
    facility_id: props.facilityId,
    client_id: props.clientId,
    released_on: typed['released_on'] ?? props.today,
    kind: typed['kind'] ?? 'bebas',
    recipient_kind: recipientKind || null,
    recipient_name: recipientKind ? (typed['recipient_name'] ?? '').trim() : '',
    note: typed['note'] ?? '',
  };
  const fields = {
    ...value,
    consent_recipient: consent && value.recipient_name ? value.recipient_name : '',
  };
  async function submit(e: Event) {
    e.preventDefault();
    setOutcome((await props.onSave(fields)) ?? {});
  }
  const err = (k: string) => outcome.errors?.[k];
  const msg = (k: string) => outcome.messages?.[k];
  return (
    <form onSubmit={submit} noValidate data-testid="release-form" class="card">
      <h2>{t('release.record')}</h2>
      {msg('_schema') ? <p class="error">{msg('_schema')?.join(' ')}</p> : null}
      <InputField
        id="release-on"
        type="date"
        label={t('release.released_on')}
        errors={err('released_on')}
        messages={msg('released_on')}
        value={value.released_on}
        onValue={set('released_on')}
      />
      <SelectField
        id="release-kind"
        label={t('release.kind')}
        errors={err('kind')}
        messages={msg('kind')}
        value={value.kind}
        onValue={set('kind')}
      >
        <CodeOptions codes={RELEASE_KINDS} group="release_kind" />
      </SelectField>
      <p class="muted">{t('release.closes')}</p>
      <SelectField
        id="release-recipient-kind"
        label={t('release.recipient_kind')}
        errors={err('recipient_kind')}
        messages={msg('recipient_kind')}
        value={recipientKind}
        onValue={set('recipient_kind')}
      >
        <CodeOptions codes={RECIPIENT_KINDS} group="recipient" />
        <option value="">{t('release.no_referral')}</option>
      </SelectField>
      {recipientKind && (
        <>
          <InputField
            id="release-recipient-name"
            label={t('release.recipient_name')}
            hint={t('release.recipient_hint')}
            errors={err('recipient_name')}
            messages={msg('recipient_name')}
            maxLength={160}
            value={typed['recipient_name'] ?? ''}
            onValue={set('recipient_name')}
          />
          <fieldset class="checks">
            <legend>{t('release.consent_legend')}</legend>
            <label class="check">
              <input
                id="release-consent"
                data-testid="release-consent"
                type="checkbox"
                checked={consent}
                onChange={(e) => setConsent((e.currentTarget as HTMLInputElement).checked)}
              />
              {t('release.consent')}
            </label>
            {msg('consent_recipient') ? (
              <p class="error" data-testid="release-consent-error">
                {msg('consent_recipient')?.join(' ')}
              </p>
            ) : null}
          </fieldset>
        </>
      )}
      <Field id="release-note" label={t('release.note')} messages={msg('note')}>
        <textarea
          id="release-note"
          data-testid="release-note"
          maxLength={2000}
          value={value.note}
          onInput={set('note')}
        />
      </Field>
      <button type="submit" class="primary" data-testid="release-save">
        {t('release.save')}
      </button>
    </form>
  );
}

/** The client's releases, each with its referral, its consent and the discharge summary. */
export function ReleaseList(props: { releases: BaseRecord[]; lang: Lang; online: boolean }) {
  if (!props.releases.length) return <p class="muted">{t('release.none')}</p>;
  return (
    <div data-testid="release-list">
      {props.releases.map((r) => (
        <div key={r.id} class="card" data-testid="release-item">
          <ReleaseItem release={r} lang={props.lang} online={props.online} />
        </div>
      ))}
    </div>
  );
}

function ReleaseItem({
  release,
  lang,
  online,
}: {
  release: BaseRecord;
  lang: Lang;
  online: boolean;
}) {
  const api = useStaffApi();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const consented =
    typeof release['consent_recipient'] === 'string' &&
    release['consent_recipient'] !== '' &&
    release['consent_recipient'] === release['recipient_name'];
  const synced = typeof release.version === 'number' && release.version > 0;
  async function download() {
    setBusy(true);
    setError(null);
    try {
      const file = await api.dischargeSummary(release.id);
      saveBlob(file.blob, file.filename);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <dl class="details">
        <DetailRow term={t('release.released_on')}>
          {formatDate(String(release['released_on'] ?? ''), lang)}
        </DetailRow>
        <DetailRow term={t('release.kind')} testid="release-kind-shown">
          {label('release_kind', release['kind'])}
        </DetailRow>
        <DetailRow term={t('release.recipient_kind')} testid="release-recipient-shown">
          {release['recipient_kind']
            ? `${label('recipient', release['recipient_kind'])}: ${String(release['recipient_name'] ?? '')}`
            : t('release.no_referral')}
        </DetailRow>
      </dl>
      {consented && release['consent_recorded_by_name'] ? (
        <p class="muted" data-testid="release-consent-shown">
          {t('release.consent_by', {
            name: String(release['consent_recorded_by_name']),
            at: formatDate(String(release['consent_recorded_at'] ?? '').slice(0, 10), lang),
          })}
        </p>
      ) : null}
      {!release['recipient_kind'] ? null : !consented ? (
        <p class="muted" data-testid="release-no-consent">
          {t('release.no_consent')}
        </p>
      ) : !synced ? (
        <p class="muted">{t('release.pending')}</p>
      ) : !online ? (
        <p class="muted">{t('release.summary_offline')}</p>
      ) : (
        <>
          <button
            type="button"
            data-testid="release-summary"
            disabled={busy}
            onClick={() => void download()}
          >
            {busy ? t('staff.sending') : t('release.summary')}
          </button>
          <p class="muted">{t('release.summary_audited')}</p>
          <ErrorBox error={error} testid="release-summary-error" />
        </>
      )}
    </>
  );
}
