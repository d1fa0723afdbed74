// Log or edit a session. Every keystroke is saved as a draft in IndexedDB, so a killed tab loses
// nothing and reopening the form restores it. "Simpan draf" and "Kirim untuk review" write the
// record and its outbox change. The form's parts are in this folder: the basics (kind, time,
// attendance), the DAP note, risk flags, the urine test panel, a group's attendance list.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../../shared/i18n';
import { zoneOf } from '../../../shared/time';
import { isValid, validateSession, type Errors } from '../../../shared/validation';
import { useApp, useQuery } from '../../context';
import { navigate, type RouteProps } from '../../router';
import { draftToFields, isGroupKind, type SessionDraft } from '../../session-form';
import { describe, Field } from '../common';
import { DraftStatus, useDraftWriter } from '../draft';
import { DapNote } from './DapNote';
import { onText } from './draft-props';
import { GroupAttendance, saveAttendance } from './GroupAttendance';
import { loadSession, type LoadedSession, type SessionTarget } from './load';
import { RiskFlags } from './RiskFlags';
import { SessionBasics } from './SessionBasics';
import { SendButtons } from './SendButtons';
import { SessionHeader } from './SessionHeader';
import { UrineTest } from './UrineTest';

export const EditSession = ({ params }: RouteProps) => (
  <SessionForm target={{ existingId: params['id'] }} />
);
export const NewClientSession = ({ params }: RouteProps) => (
  <SessionForm target={{ clientId: params['id'] }} />
);
export const NewGroupSession = () => <SessionForm target={{}} />;

/** The session form of one target: loads it, keeps its draft, saves or submits it. */
export function SessionForm({ target }: { target: SessionTarget }) {
  const app = useApp();
  const { store } = app;
  const [loaded, setLoaded] = useState<LoadedSession | null | undefined>(undefined);
  const [draft, setDraft] = useState<SessionDraft | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  // Saved on every keystroke under the key loadSession found (the draft of this target).
  const drafts = useDraftWriter(loaded?.key ?? '');
  const [confirming, setConfirming] = useState(false);
  // Bumped by each check that found errors: the first marked field then takes the focus.
  const [failedChecks, setFailedChecks] = useState(0);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (failedChecks) focusFirstError(form.current);
  }, [failedChecks]);

  useEffect(() => {
    let alive = true;
    void loadSession(store, target, app.user.facility_ids).then((l) => {
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
  const group = isGroupKind(draft.kind);

  function update(patch: Partial<SessionDraft>) {
    setDraft((d) => {
      if (!d) return d;
      const next = { ...d, ...patch };
      drafts.write(next);
      return next;
    });
  }

  /** The record fields of the form, or null after marking what must be fixed first. */
  function checked(status: 'draft' | 'submitted'): Record<string, unknown> | null {
    if (!draft) return null;
    const counselor = (current?.['counselor_id'] as string | undefined) ?? app.user.id;
    const fields = draftToFields(draft, zone, status, counselor);
    const errs = validateSession(fields, { nowMs: Date.now() });
    setErrors(errs);
    if (isValid(errs)) return fields;
    app.notify(t('session.fix_errors'));
    setFailedChecks((n) => n + 1);
    return null;
  }

  /** "Kirim": check the form first, then ask once before sending it to the supervisor. */
  function askToSend() {
    if (checked('submitted')) setConfirming(true);
  }

  async function save(status: 'draft' | 'submitted') {
    setConfirming(false);
    if (!draft || !loaded) return;
    const fields = checked(status);
    if (!fields) return;
    setBusy(true);
    try {
      await app.save('session', draft.id, fields);
      if (isGroupKind(draft.kind)) await saveAttendance(app, draft, loaded.attendance);
      await store.deleteDraft(loaded.key);
      // Say what is true now: with a signal the change is already on its way (sync.nudge).
      const sent = navigator.onLine ? 'session.submitted_online' : 'session.submitted_offline';
      app.notify(t(status === 'submitted' ? sent : 'session.saved_draft'));
      navigate(
        draft.client_id && !isGroupKind(draft.kind)
          ? `/clients/${draft.client_id}`
          : `/sessions/${draft.id}`,
      );
    } finally {
      setBusy(false);
    }
  }

  async function discard() {
    if (!loaded) return;
    await store.deleteDraft(loaded.key);
    const fresh = await loadSession(store, target, app.user.facility_ids);
    setLoaded(fresh);
    setDraft(fresh?.draft ?? null);
    setErrors({});
  }

  const err = (k: string) => errors[k];
  const parts = { draft, update, err };
  // An approved session is locked: it is read here, not edited.
  const title = locked
    ? t('session.view_title')
    : current
      ? t('session.edit_title')
      : draft.client_id
        ? t('session.new_title')
        : t('session.group');

  return (
    <section aria-labelledby="session-h">
      <SessionHeader
        title={title}
        client={loaded.client}
        current={current}
        locked={locked}
        restored={loaded.restored}
        onDiscard={() => void discard()}
      />
      {/* Enter (a phone keyboard's Go key) in a one-line field submits nothing: the form
          has no submit button, and a submit event is ignored. */}
      <form ref={form} onSubmit={(e) => e.preventDefault()} noValidate data-testid="session-form">
        <fieldset disabled={locked || busy}>
          <SessionBasics {...parts} facilities={facilities} zone={zone} />
          <DapNote {...parts} />
          <RiskFlags {...parts} />
          {draft.kind === 'urine_test' && <UrineTest {...parts} />}
          {group && <GroupAttendance {...parts} />}
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
              onInput={onText(update, 'next_session_on')}
              {...describe('session-next', err('next_session_on'))}
            />
          </Field>
          {Object.keys(errors).length > 0 && (
            <p class="error" role="alert" tabIndex={-1} data-testid="session-errors">
              {t('session.fix_errors')}
            </p>
          )}
          <DraftStatus state={drafts.state} />
          {!locked && (
            <SendButtons
              confirming={confirming}
              onDraft={() => void save('draft')}
              onAsk={askToSend}
              onConfirm={() => void save('submitted')}
              onCancel={() => setConfirming(false)}
            />
          )}
        </fieldset>
      </form>
    </section>
  );
}

/** Put the focus on the first marked field of the form (it scrolls into view on a phone), or on
 * the form's error line when the error belongs to no field on screen. */
function focusFirstError(form: HTMLFormElement | null): void {
  const marked = form?.querySelector<HTMLElement>(
    '.field.invalid :is(input, select, textarea), [data-testid="urine-results-error"], [data-testid="session-errors"]',
  );
  marked?.focus();
}
