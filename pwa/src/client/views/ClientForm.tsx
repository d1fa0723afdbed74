// Register or edit a client (WBP), warning about a likely duplicate already on this device.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { findLikelyDuplicates } from '../../shared/duplicates';
import { uuid4 } from '../../shared/ids';
import { t, type MessageKey } from '../../shared/i18n';
import { todayIn, zoneOf } from '../../shared/time';
import { CASE_TYPES, SEXES } from '../../shared/types';
import { isValid, validateClient, type Errors } from '../../shared/validation';
import { useApp, useQuery } from '../context';
import { navigate, type RouteProps } from '../router';
import { CodeOptions, describe, Field } from './common';
import { DraftRestored, DraftStatus, useDraftWriter } from './draft';

const TEXT = ['registration_number', 'full_name', 'nik'] as const;
const DATES = ['birth_date', 'admission_date', 'release_date'] as const;
// Fields chosen from a list: [field, its codes, the label group that translates them].
const CHOICES = [
  ['sex', SEXES, 'sex'],
  ['case_type', CASE_TYPES, 'case'],
] as const;
type Form = Record<string, string>;
const EMPTY: Form = {
  registration_number: '',
  full_name: '',
  sex: '',
  birth_date: '',
  case_type: '',
  admission_date: '',
  release_date: '',
  nik: '',
  facility_id: '',
};

/** The form's values of a stored client. */
function fromRecord(record: Record<string, unknown>): Form {
  const form: Form = {};
  for (const k of Object.keys(EMPTY)) form[k] = record[k] == null ? '' : String(record[k]);
  return form;
}

/** Blank optional inputs become null, as the server expects. */
export function clientFields(form: Form): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(form)) out[k] = v.trim() === '' ? null : v.trim();
  return out;
}

export function ClientForm({ params }: RouteProps) {
  const editId = params['id'];
  // null: an edit of a client this device does not hold; undefined: still being read.
  const existing = useQuery(
    (s) => (editId ? s.get('client', editId).then((r) => r ?? null) : Promise.resolve(null)),
    [editId],
  );
  // An edit shows its fields only with the stored values in them: an empty field that the
  // record fills a moment later would take the first keystrokes and then overwrite them.
  if (editId && existing === undefined) return <p>{t('common.loading')}</p>;
  if (editId && !existing) return <p>{t('client.not_found')}</p>;
  return <ClientFields key={editId ?? 'new'} editId={editId} existing={existing ?? null} />;
}

function ClientFields({
  editId,
  existing,
}: {
  editId: string | undefined;
  existing: Record<string, unknown> | null;
}) {
  const app = useApp();
  const [id] = useState(() => editId ?? uuid4());
  const facilities = useQuery((s) => s.list('facility'), []);
  const others = useQuery((s) => s.list('client'), []);
  const blank = (): Form => ({ ...EMPTY, facility_id: app.user.facility_ids[0] ?? '' });
  const [form, setForm] = useState<Form>(() => (existing ? fromRecord(existing) : blank()));
  const [errors, setErrors] = useState<Errors>({});
  const [confirmed, setConfirmed] = useState(false);
  // Every keystroke is kept as a draft, like the session form's: a reload loses nothing.
  const draftKey = `client:${editId ?? 'new'}`;
  const drafts = useDraftWriter(draftKey);
  const [restored, setRestored] = useState(false);

  // The form takes the stored record once, as it was when the form opened: a sync that lands
  // while the counselor types must never reset what was typed (the save sends only what
  // changed, and merges on the server). A draft of an earlier visit wins over the record;
  // typing wins over both.
  const typed = useRef(false);
  useEffect(() => {
    let alive = true;
    void app.store.getDraft<Form>(draftKey).then((saved) => {
      if (!alive || !saved || typed.current) return;
      setForm({ ...EMPTY, ...saved });
      setRestored(true);
    });
    return () => {
      alive = false;
    };
  }, [app.store, draftKey]);

  async function discard() {
    await app.store.deleteDraft(draftKey);
    setForm(existing ? fromRecord(existing) : blank());
    setRestored(false);
    setErrors({});
  }

  const duplicates = useMemo(
    () => findLikelyDuplicates({ id, ...clientFields(form) }, others ?? []),
    [form, others, id],
  );

  const set = (k: string) => (e: Event) => {
    const value = (e.currentTarget as HTMLInputElement).value;
    typed.current = true;
    setForm((f) => {
      const next = { ...f, [k]: value };
      drafts.write(next);
      return next;
    });
    setConfirmed(false);
  };

  async function submit(e: Event) {
    e.preventDefault();
    const fields = clientFields(form);
    const facility = facilities?.find((f) => f.id === fields['facility_id']);
    const errs = validateClient(fields, {
      facilityIds: app.user.facility_ids,
      today: todayIn(zoneOf(facility?.['timezone'])),
    });
    setErrors(errs);
    if (!isValid(errs)) {
      app.notify(t('session.fix_errors'));
      return;
    }
    if (duplicates.length > 0 && !confirmed) return;
    await app.save('client', id, fields);
    await app.store.deleteDraft(draftKey);
    app.notify(t('client.saved'));
    navigate(`/clients/${id}`);
  }

  const facilityOptions = app.user.facility_ids.map((fid) => ({
    id: fid,
    name: String(facilities?.find((f) => f.id === fid)?.['name'] ?? fid),
  }));

  /** A labelled input of one client field, with its errors announced. */
  const textInput = (k: string, attrs: Record<string, string | number | undefined>) => (
    <Field key={k} id={`client-${k}`} label={t(`client.${k}` as MessageKey)} errors={errors[k]}>
      <input
        id={`client-${k}`}
        data-testid={`client-${k}`}
        value={form[k]}
        onInput={set(k)}
        {...attrs}
        {...describe(`client-${k}`, errors[k])}
      />
    </Field>
  );

  return (
    <section aria-labelledby="client-form-h">
      <h1 id="client-form-h">{editId ? t('client.edit_title') : t('client.new_title')}</h1>
      {restored && <DraftRestored onDiscard={() => void discard()} />}
      <form onSubmit={submit} noValidate data-testid="client-form">
        {TEXT.map((k) =>
          textInput(k, {
            inputMode: k === 'nik' ? 'numeric' : undefined,
            maxLength: k === 'full_name' ? 120 : k === 'nik' ? 16 : 40,
          }),
        )}
        {CHOICES.map(([k, options, kind]) => (
          <Field key={k} id={`client-${k}`} label={t(`client.${k}`)} errors={errors[k]}>
            <select
              id={`client-${k}`}
              data-testid={`client-${k}`}
              value={form[k]}
              onChange={set(k)}
            >
              <option value="">{t('common.choose')}</option>
              <CodeOptions codes={options} group={kind} />
            </select>
          </Field>
        ))}
        {DATES.map((k) => textInput(k, { type: 'date' }))}
        <Field
          id="client-facility_id"
          label={t('client.facility_id')}
          errors={errors['facility_id']}
        >
          <select
            id="client-facility_id"
            data-testid="client-facility_id"
            value={form['facility_id']}
            onChange={set('facility_id')}
          >
            {facilityOptions.map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </select>
        </Field>
        {duplicates.length > 0 && (
          <div class="alert alert-warn" role="alert" data-testid="duplicate-warning">
            <p>{t('client.dup_warning')}</p>
            <ul>
              {duplicates.map((d) => (
                <li key={d.client.id}>
                  <a href={`#/clients/${d.client.id}`} data-testid="duplicate-link">
                    {String(d.client['full_name'])} · {String(d.client['registration_number'])}
                  </a>{' '}
                  ({t(`client.dup_${d.reason}`)})
                </li>
              ))}
            </ul>
            <label class="check">
              <input
                type="checkbox"
                data-testid="duplicate-confirm"
                checked={confirmed}
                onChange={(e) => setConfirmed(e.currentTarget.checked)}
              />
              {t('client.dup_confirm')}
            </label>
          </div>
        )}
        <DraftStatus state={drafts.state} />
        <button
          type="submit"
          class="primary"
          data-testid="client-save"
          disabled={duplicates.length > 0 && !confirmed}
        >
          {t('client.save')}
        </button>
      </form>
    </section>
  );
}
