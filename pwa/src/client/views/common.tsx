// Small pieces shared by the views: labelled fields, language switch, record notices, the rows of a
// details list, a supervisor's comment.
import type { ComponentChildren } from 'preact';
import { errorText, getLang, label, LANGS, setLang, t, type Lang } from '../../shared/i18n';
import type { FieldError } from '../../shared/validation';
import { useQuery } from '../context';
import type { LocalRecord } from '../db';

/** A label, its control, and the control's errors, tied together for assistive technology.
 * `errors` are codes the catalog words; `messages` are words already (the server's). */
export function Field(props: {
  id: string;
  label: string;
  errors?: FieldError[] | undefined;
  messages?: string[] | undefined;
  hint?: string;
  children: ComponentChildren;
}) {
  const { id } = props;
  const texts = [...(props.errors ?? []).map((e) => errorText(e)), ...(props.messages ?? [])];
  return (
    <div class={texts.length ? 'field invalid' : 'field'}>
      <label for={id}>{props.label}</label>
      {props.children}
      {props.hint && <small id={`${id}-hint`}>{props.hint}</small>}
      {texts.length ? (
        <p class="error" id={`${id}-error`} data-testid={`${id}-error`}>
          {texts.join(' ')}
        </p>
      ) : null}
    </div>
  );
}

/** The PIN input of the lock screen and of the settings: digits, hidden, never autofilled. */
export function PinField(props: {
  id: string;
  testid: string;
  value: string;
  onValue: (value: string) => void;
  describedBy?: string;
}) {
  return (
    <Field id={props.id} label={t('pin.label')}>
      <input
        id={props.id}
        data-testid={props.testid}
        type="password"
        inputMode="numeric"
        autocomplete="off"
        aria-describedby={props.describedBy}
        value={props.value}
        onInput={(e) => props.onValue(e.currentTarget.value)}
      />
    </Field>
  );
}

/** One `<option>` per code, in the words of its label group (`label(group, code)`). */
export function CodeOptions({ codes, group }: { codes: readonly string[]; group: string }) {
  return (
    <>
      {codes.map((code) => (
        <option key={code} value={code}>
          {label(group, code)}
        </option>
      ))}
    </>
  );
}

/** aria attributes for a control inside Field. */
export function describe(
  id: string,
  errors?: readonly unknown[] | undefined,
): Record<string, string | boolean> {
  return errors?.length ? { 'aria-invalid': true, 'aria-describedby': `${id}-error` } : {};
}

export function LangSwitch() {
  return (
    <label class="lang">
      <span>{t('lang.label')}</span>
      <select
        data-testid="lang-switch"
        value={getLang()}
        onChange={(e) => setLang((e.currentTarget as HTMLSelectElement).value as Lang)}
      >
        {LANGS.map((l) => (
          <option value={l} key={l}>
            {l === 'id' ? 'Bahasa Indonesia' : 'English'}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The records with a rejected change, as `entity/id` keys: one query for a whole list. */
export function useRejectedKeys(): Set<string> {
  const rows = useQuery((s) => s.rejections(), []);
  return new Set((rows ?? []).map((r) => `${r.entity}/${r.id}`));
}

/** Conflict, pending, rejected and returned states of a record, in plain words. A list passes
 * `rejectedKeys` (useRejectedKeys) so its rows do not each query the store. */
export function RecordNotices({
  record,
  detailed = true,
  rejectedKeys,
}: {
  record: LocalRecord;
  detailed?: boolean;
  rejectedKeys?: Set<string>;
}) {
  const own = useQuery(
    (s) => (rejectedKeys ? Promise.resolve([]) : s.rejections(record.entity, record.id)),
    [record.entity, record.id, rejectedKeys === undefined],
  );
  const rejected = own ?? [];
  const isRejected = rejectedKeys
    ? rejectedKeys.has(`${record.entity}/${record.id}`)
    : rejected.length > 0;
  return (
    <div class="notices">
      {record.conflict_open ? (
        <p class="badge badge-conflict" data-testid="conflict-badge">
          {record.entity === 'client' && record['duplicate_of']
            ? t(
                detailed
                  ? 'fieldfit.conflict.duplicate_badge'
                  : 'fieldfit.conflict.duplicate_short',
              )
            : t(detailed ? 'record.conflict' : 'record.conflict_short')}
        </p>
      ) : null}
      {record.entity === 'session' && record['status'] === 'returned' ? (
        <p class="badge badge-returned" data-testid="returned-badge">
          {t('sstatus.returned')}
          {detailed && record['review_comment']
            ? ` — ${t('session.review_comment', { comment: String(record['review_comment']) })}`
            : ''}
        </p>
      ) : null}
      {isRejected ? (
        <div class="badge badge-rejected" data-testid="rejected-badge">
          {detailed ? t('record.rejected') : t('record.rejected_short')}
          {detailed && (
            <ul data-testid="rejected-errors">
              {rejected.flatMap((r) =>
                Object.entries(r.errors).map(([field, msgs]) => (
                  <li key={`${r.change_id}-${field}`}>
                    {fieldLabel(record.entity, field)}: {msgs.join(' ')}
                  </li>
                )),
              )}
            </ul>
          )}
        </div>
      ) : null}
      {record._pending ? (
        <span class="badge badge-pending" data-testid="pending-badge">
          {t('record.pending')}
        </span>
      ) : null}
    </div>
  );
}

/** The on-screen name of a field, when the catalog has one. */
export function fieldLabel(entity: string, field: string): string {
  const text = label(entity, field);
  return text === field ? field : text;
}

/** One term and its value in a details list (`<dl>`); `testid` and `class` go on the value. */
export function DetailRow(props: {
  term: string;
  testid?: string;
  class?: string | undefined;
  children: ComponentChildren;
}) {
  return (
    <div>
      <dt>{props.term}</dt>
      <dd class={props.class} data-testid={props.testid}>
        {props.children}
      </dd>
    </div>
  );
}

/** The comment a supervisor sent back with a session, when there is one. */
export function ReviewComment({ record }: { record: Record<string, unknown> }) {
  if (!record['review_comment']) return null;
  return (
    <p class="comment">
      {t('session.review_comment', { comment: String(record['review_comment']) })}
    </p>
  );
}

export function StatusLabel({ status }: { status: unknown }) {
  return (
    <span class={`status status-${String(status)}`} data-testid="session-status">
      {label('sstatus', status)}
    </span>
  );
}
