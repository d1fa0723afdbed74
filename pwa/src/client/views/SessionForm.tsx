// Log or edit a session. Every keystroke is saved as a draft in IndexedDB, so a killed tab loses
// nothing and reopening the form restores it. "Simpan draf" and "Kirim untuk review" write the
// record and its outbox change.
import { useEffect, useRef, useState } from 'preact/hooks';
import { uuid4 } from '../../shared/ids';
import { label, t, type MessageKey } from '../../shared/i18n';
import { ZONES, zoneOf } from '../../shared/time';
import {
  ATTENDANCE,
  GROUP_KINDS,
  RISK_FLAGS,
  SESSION_KINDS,
  URINE_RESULTS,
} from '../../shared/types';
import { isValid, validateSession, type Errors } from '../../shared/validation';
import { useApp, useQuery } from '../context';
import type { LocalRecord } from '../db';
import { navigate, type RouteProps } from '../router';
import {
  draftFromRecord,
  draftToFields,
  emptyDraft,
  isGroupKind,
  type SessionDraft,
} from '../session-form';
import type { Store } from '../store';
import { describe, Field, RecordNotices, StatusLabel } from './common';

interface Loaded {
  key: string;
  draft: SessionDraft;
  restored: boolean;
  record: LocalRecord | undefined;
  client: LocalRecord | undefined;
  attendance: LocalRecord[];
}

/** Which session the form is about: an existing one, a new one for a client, or a new group one. */
export interface SessionTarget {
  existingId?: string | undefined;
  clientId?: string | undefined;
}

async function load(
  store: Store,
  target: SessionTarget,
  facilityIds: string[],
): Promise<Loaded | null> {
  const { existingId, clientId } = target;
  const record = existingId ? await store.get('session', existingId) : undefined;
  if (existingId && !record) return null;
  const cid = (record?.['client_id'] as string | null | undefined) ?? clientId ?? null;
  const client = cid ? await store.get('client', cid) : undefined;
  if (cid && !client && !record) return null;
  const facilityId = record?.facility_id ?? client?.facility_id ?? facilityIds[0] ?? '';
  const facility = await store.get('facility', facilityId);
  const zone = zoneOf(facility?.['timezone']);
  const key = existingId ? `session:${existingId}` : `session:new:${clientId ?? 'group'}`;
  const attendance = record ? await store.list('attendance', { session_id: record.id }) : [];
  const saved = await store.getDraft<SessionDraft>(key);
  const draft =
    saved ??
    (record
      ? draftFromRecord(record, zone, attendance)
      : emptyDraft({
          id: uuid4(),
          clientId: clientId ?? null,
          facilityId,
          zone,
          nowMs: Date.now(),
        }));
  return { key, draft, restored: Boolean(saved), record, client, attendance };
}

export const EditSession = ({ params }: RouteProps) => (
  <SessionForm target={{ existingId: params['id'] }} />
);
export const NewClientSession = ({ params }: RouteProps) => (
  <SessionForm target={{ clientId: params['id'] }} />
);
export const NewGroupSession = () => <SessionForm target={{}} />;

export function SessionForm({ target }: { target: SessionTarget }) {
  const app = useApp();
  const { store } = app;
  const [loaded, setLoaded] = useState<Loaded | null | undefined>(undefined);
  const [draft, setDraft] = useState<SessionDraft | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  // 'saved' once the last keystroke is on disk: the counselor can see that nothing is at risk.
  const [draftState, setDraftState] = useState<'idle' | 'saving' | 'saved'>('idle');
  const edits = useRef(0);

  useEffect(() => {
    let alive = true;
    void load(store, target, app.user.facility_ids).then((l) => {
      if (!alive) return;
      setLoaded(l);
      setDraft(l?.draft ?? null);
    });
    return () => {
      alive = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, target.existingId, target.clientId]);

  const facilities = useQuery((s) => s.list('facility'), []);
  const facilityId = draft?.facility_id ?? '';
  const group = draft ? isGroupKind(draft.kind) : false;
  const peers = useQuery(
    (s) => (group ? s.list('client', { facility_id: facilityId }) : Promise.resolve([])),
    [group, facilityId],
  );
  const enrollments = useQuery(
    (s) =>
      draft?.client_id ? s.list('enrollment', { client_id: draft.client_id }) : Promise.resolve([]),
    [draft?.client_id],
  );
  // Keep the record fresh (a pull may bring a review) without resetting what is being typed.
  const record = useQuery(
    (s) => (loaded?.record ? s.get('session', loaded.record.id) : Promise.resolve(undefined)),
    [loaded?.record?.id],
  );

  if (loaded === undefined || (loaded && !draft)) return <p>{t('common.loading')}</p>;
  if (loaded === null || !draft) return <p data-testid="not-found">{t('session.not_found')}</p>;

  const facility = facilities?.find((f) => f.id === draft.facility_id);
  const zone = zoneOf(facility?.['timezone']);
  const current = record ?? loaded.record;
  const locked = current?.['status'] === 'approved';

  function update(patch: Partial<SessionDraft>) {
    const edit = ++edits.current;
    setDraftState('saving');
    setDraft((d) => {
      if (!d) return d;
      const next = { ...d, ...patch };
      // Saved on every keystroke; not awaited so typing never waits for the disk. IndexedDB runs
      // write transactions on one store in order, so the last put holds the last keystroke.
      void store.putDraft(loaded!.key, next).then(
        () => edit === edits.current && setDraftState('saved'),
        () => undefined,
      );
      return next;
    });
  }
  const text = (k: keyof SessionDraft) => (e: Event) =>
    update({ [k]: (e.currentTarget as HTMLInputElement).value } as Partial<SessionDraft>);

  async function save(status: 'draft' | 'submitted') {
    if (!draft || !loaded) return;
    const counselor = (current?.['counselor_id'] as string | undefined) ?? app.user.id;
    const fields = draftToFields(draft, zone, status, counselor);
    const errs = validateSession(fields, { nowMs: Date.now() });
    setErrors(errs);
    if (!isValid(errs)) {
      app.notify(t('session.fix_errors'));
      return;
    }
    setBusy(true);
    try {
      await app.save('session', draft.id, fields);
      if (isGroupKind(draft.kind)) await saveAttendance(draft, loaded.attendance);
      await store.deleteDraft(loaded.key);
      app.notify(status === 'submitted' ? t('session.submitted') : t('session.saved_draft'));
      navigate(
        draft.client_id && !isGroupKind(draft.kind)
          ? `/clients/${draft.client_id}`
          : `/sessions/${draft.id}`,
      );
    } finally {
      setBusy(false);
    }
  }

  async function saveAttendance(d: SessionDraft, existing: LocalRecord[]) {
    const byClient = new Map(existing.map((a) => [String(a['client_id']), a]));
    for (const [clientId, status] of Object.entries(d.participants)) {
      const prior = byClient.get(clientId);
      if (status) {
        await app.save('attendance', prior?.id ?? uuid4(), {
          facility_id: d.facility_id,
          session_id: d.id,
          client_id: clientId,
          status,
        });
      } else if (prior) {
        await app.remove('attendance', prior.id);
      }
    }
  }

  async function discard() {
    if (!loaded) return;
    await store.deleteDraft(loaded.key);
    const fresh = await load(store, target, app.user.facility_ids);
    setLoaded(fresh);
    setDraft(fresh?.draft ?? null);
    setErrors({});
  }

  const kinds = SESSION_KINDS.filter((k) =>
    draft.client_id ? !GROUP_KINDS.includes(k) : GROUP_KINDS.includes(k),
  );
  const err = (k: string) => errors[k];
  const title = current
    ? t('session.edit_title')
    : draft.client_id
      ? t('session.new_title')
      : t('session.group');

  return (
    <section aria-labelledby="session-h">
      <h1 id="session-h">{title}</h1>
      {loaded.client && (
        <p>
          <a href={`#/clients/${loaded.client.id}`} data-testid="session-client">
            {t('session.for', { name: String(loaded.client['full_name']) })}
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
      {loaded.restored && (
        <p class="alert alert-info" data-testid="draft-restored">
          {t('session.draft_restored')}{' '}
          <button
            type="button"
            class="link"
            data-testid="draft-discard"
            onClick={() => void discard()}
          >
            {t('session.discard_draft')}
          </button>
        </p>
      )}
      <form
        onSubmit={(e) => (e.preventDefault(), void save('submitted'))}
        noValidate
        data-testid="session-form"
      >
        <fieldset disabled={locked || busy}>
          {!draft.client_id && (
            <Field id="session-facility" label={t('session.facility')}>
              <select
                id="session-facility"
                data-testid="session-facility"
                value={draft.facility_id}
                onChange={text('facility_id')}
              >
                {app.user.facility_ids.map((fid) => (
                  <option key={fid} value={fid}>
                    {String(facilities?.find((f) => f.id === fid)?.['name'] ?? fid)}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <Field id="session-kind" label={t('session.kind')} errors={err('kind')}>
            <select
              id="session-kind"
              data-testid="session-kind"
              value={draft.kind}
              onChange={text('kind')}
            >
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {label('kind', k)}
                </option>
              ))}
            </select>
          </Field>
          <div class="row">
            <Field id="session-date" label={t('session.date')} errors={err('occurred_at')}>
              <input
                id="session-date"
                data-testid="session-date"
                type="date"
                value={draft.date}
                onInput={text('date')}
                {...describe('session-date', err('occurred_at'))}
              />
            </Field>
            <Field
              id="session-time"
              label={t('session.time', { zone: `${zone}, ${ZONES[zone].offset}` })}
            >
              <input
                id="session-time"
                data-testid="session-time"
                type="time"
                value={draft.time}
                onInput={text('time')}
              />
            </Field>
            <Field
              id="session-duration"
              label={t('session.duration_minutes')}
              errors={err('duration_minutes')}
            >
              <input
                id="session-duration"
                data-testid="session-duration"
                type="number"
                inputMode="numeric"
                min={1}
                max={600}
                value={draft.duration}
                onInput={text('duration')}
                {...describe('session-duration', err('duration_minutes'))}
              />
            </Field>
          </div>
          {!group && draft.client_id && (enrollments?.length ?? 0) > 0 && (
            <Field id="session-enrollment" label={t('client.enrollments')}>
              <select
                id="session-enrollment"
                data-testid="session-enrollment"
                value={draft.enrollment_id}
                onChange={text('enrollment_id')}
              >
                <option value="">{t('common.none')}</option>
                {enrollments?.map((e) => (
                  <option key={e.id} value={e.id}>
                    {label('program', e['program'])} · {label('enrollment', e['status'])}
                  </option>
                ))}
              </select>
            </Field>
          )}
          {!group && (
            <Field
              id="session-attendance"
              label={t('session.attendance')}
              errors={err('attendance')}
            >
              <select
                id="session-attendance"
                data-testid="session-attendance"
                value={draft.attendance}
                onChange={text('attendance')}
              >
                <option value="">{t('common.choose')}</option>
                {ATTENDANCE.map((a) => (
                  <option key={a} value={a}>
                    {label('attendance', a)}
                  </option>
                ))}
              </select>
            </Field>
          )}
          {(['note_data', 'note_assessment', 'note_plan'] as const).map((k) => (
            <Field
              key={k}
              id={`session-${k}`}
              label={t(`session.${k}` as MessageKey)}
              errors={err(k)}
            >
              <textarea
                id={`session-${k}`}
                data-testid={`session-${k.replace('_', '-')}`}
                rows={4}
                maxLength={20000}
                value={draft[k]}
                onInput={text(k)}
                {...describe(`session-${k}`, err(k))}
              />
            </Field>
          ))}
          <fieldset class="checks">
            <legend>{t('session.risk_flags')}</legend>
            {RISK_FLAGS.map((f) => (
              <label key={f} class="check">
                <input
                  type="checkbox"
                  data-testid={`risk-${f}`}
                  checked={draft.risk_flags.includes(f)}
                  onChange={(e) =>
                    update({
                      risk_flags: e.currentTarget.checked
                        ? [...draft.risk_flags, f]
                        : draft.risk_flags.filter((x) => x !== f),
                    })
                  }
                />
                {label('risk', f)}
              </label>
            ))}
          </fieldset>
          {draft.kind === 'urine_test' && (
            <fieldset data-testid="urine-test">
              <legend>{t('session.urine_test')}</legend>
              <Field
                id="urine-panel"
                label={t('session.urine_panel')}
                errors={err('urine_test.panel') ?? err('urine_test')}
              >
                <input
                  id="urine-panel"
                  data-testid="urine-panel"
                  maxLength={40}
                  value={draft.urine_panel}
                  onInput={text('urine_panel')}
                />
              </Field>
              <p id="urine-results-h">{t('session.urine_results')}</p>
              {draft.urine_rows.map((row, i) => (
                <div class="row" key={i} data-testid="urine-row">
                  <Field id={`urine-analyte-${i}`} label={t('session.analyte')}>
                    <input
                      id={`urine-analyte-${i}`}
                      data-testid="urine-analyte"
                      value={row.analyte}
                      onInput={(e) =>
                        update({
                          urine_rows: draft.urine_rows.map((r, j) =>
                            j === i ? { ...r, analyte: e.currentTarget.value } : r,
                          ),
                        })
                      }
                    />
                  </Field>
                  <Field id={`urine-result-${i}`} label={t('session.result')}>
                    <select
                      id={`urine-result-${i}`}
                      data-testid="urine-result"
                      value={row.result}
                      onChange={(e) =>
                        update({
                          urine_rows: draft.urine_rows.map((r, j) =>
                            j === i ? { ...r, result: e.currentTarget.value } : r,
                          ),
                        })
                      }
                    >
                      {URINE_RESULTS.map((r) => (
                        <option key={r} value={r}>
                          {label('urine', r)}
                        </option>
                      ))}
                    </select>
                  </Field>
                  <button
                    type="button"
                    onClick={() =>
                      update({ urine_rows: draft.urine_rows.filter((_, j) => j !== i) })
                    }
                  >
                    {t('session.remove_analyte')}
                  </button>
                </div>
              ))}
              {err('urine_test.results') && (
                <p class="error" data-testid="urine-results-error">
                  {t('err.required')}
                </p>
              )}
              <button
                type="button"
                data-testid="urine-add"
                onClick={() =>
                  update({ urine_rows: [...draft.urine_rows, { analyte: '', result: 'negative' }] })
                }
              >
                {t('session.add_analyte')}
              </button>
            </fieldset>
          )}
          {group && (
            <fieldset data-testid="participants">
              <legend>{t('session.participants')}</legend>
              {peers?.map((c) => (
                <div class="field inline" key={c.id}>
                  <label for={`part-${c.id}`}>
                    {String(c['full_name'])} · {String(c['registration_number'])}
                  </label>
                  <select
                    id={`part-${c.id}`}
                    data-testid="participant-status"
                    value={draft.participants[c.id] ?? ''}
                    onChange={(e) =>
                      update({
                        participants: { ...draft.participants, [c.id]: e.currentTarget.value },
                      })
                    }
                  >
                    <option value="">{t('session.not_participating')}</option>
                    {ATTENDANCE.map((a) => (
                      <option key={a} value={a}>
                        {label('attendance', a)}
                      </option>
                    ))}
                  </select>
                </div>
              ))}
            </fieldset>
          )}
          <Field
            id="session-next"
            label={t('session.next_session_on')}
            errors={err('next_session_on')}
          >
            <input
              id="session-next"
              data-testid="session-next"
              type="date"
              value={draft.next_session_on}
              onInput={text('next_session_on')}
              {...describe('session-next', err('next_session_on'))}
            />
          </Field>
          {Object.keys(errors).length > 0 && (
            <p class="error" role="alert" data-testid="session-errors">
              {t('session.fix_errors')}
            </p>
          )}
          <p class="muted" data-testid="draft-status" data-state={draftState} aria-live="polite">
            {draftState === 'saved' ? t('session.draft_saved') : ''}
          </p>
          {!locked && (
            <div class="buttons">
              <button
                type="button"
                data-testid="session-save-draft"
                onClick={() => void save('draft')}
              >
                {t('session.save_draft')}
              </button>
              <button type="submit" class="primary" data-testid="session-submit">
                {t('session.submit')}
              </button>
            </div>
          )}
        </fieldset>
      </form>
    </section>
  );
}
