// Take a screening or an assessment with a client, offline: one question a screen (a phone of
// 360 x 640 holds it), a tap on an answer moves on, every answer is written to the draft at once,
// and reopening lands where it was left. The last screen is the result (the ASSIST feedback
// card) with the date; saving writes the record and its outbox change like any other record.
import { useEffect, useRef, useState } from 'preact/hooks';
import { localized, t } from '../../../shared/i18n';
import { uuid4 } from '../../../shared/ids';
import {
  DEFINITIONS,
  optionsOf,
  scoreAnswers,
  validateAnswers,
  type Answers,
  type InstrumentDef,
} from '../../../shared/instruments';
import { todayIn, zoneOf } from '../../../shared/time';
import { useApp } from '../../context';
import type { LocalRecord } from '../../db';
import type { RouteProps } from '../../router';
import { DraftRestored, DraftStatus, useDraftWriter } from '../draft';
import {
  answerOf,
  closeChecklist,
  draftKey,
  headline,
  isAnswered,
  questionText,
  stepsKnown,
  stepsOf,
  visibleAnswers,
  withAnswer,
  type AssessmentDraft,
  type Step,
} from './model';
import { Result } from './Result';
import './instruments.css';

interface Loaded {
  client: LocalRecord;
  draft: AssessmentDraft;
  restored: boolean;
  today: string;
}

async function load(
  store: ReturnType<typeof useApp>['store'],
  clientId: string,
  instrument: string,
): Promise<Loaded | null> {
  const client = await store.get('client', clientId);
  if (!client || client.deleted || !DEFINITIONS[instrument]) return null;
  const facility = await store.get('facility', client.facility_id);
  const today = todayIn(zoneOf(facility?.['timezone']));
  const saved = await store.getDraft<AssessmentDraft>(draftKey(clientId, instrument));
  const draft = saved ?? {
    id: uuid4(),
    instrument,
    client_id: clientId,
    facility_id: client.facility_id,
    taken_on: today,
    answers: {},
    at: '',
  };
  return { client, draft, restored: Boolean(saved), today };
}

/** Scores of the answers so far; {} while they cannot be scored. */
function liveScores(def: InstrumentDef, answers: Answers) {
  try {
    return scoreAnswers(def, answers);
  } catch {
    return {};
  }
}

export function TakeInstrument({ params }: RouteProps) {
  const app = useApp();
  const { store, lang } = app;
  const clientId = params['id'] as string;
  const instrument = params['instrument'] as string;
  const def = DEFINITIONS[instrument];
  const [loaded, setLoaded] = useState<Loaded | null | undefined>(undefined);
  const [draft, setDraft] = useState<AssessmentDraft | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const drafts = useDraftWriter(draftKey(clientId, instrument));

  useEffect(() => {
    let alive = true;
    void load(store, clientId, instrument).then((l) => {
      if (!alive) return;
      setLoaded(l);
      setDraft(l?.draft ?? null);
      setSaved(false);
    });
    return () => {
      alive = false;
    };
  }, [store, clientId, instrument]);

  if (loaded === undefined) return <p>{t('common.loading')}</p>;
  if (loaded === null || !draft || !def)
    return <p data-testid="not-found">{t('instr.not_found')}</p>;

  const answers = draft.answers;
  const steps = stepsOf(def, answers);
  const index = steps.findIndex((s) => s.key === draft.at);
  const firstOpen = steps.findIndex((s) => !isAnswered(def, answers, s));
  // A draft opens where it was left; a step a changed answer removed gives way to the first open one.
  const position =
    draft.at === 'result' ? steps.length : index >= 0 ? index : Math.max(firstOpen, 0);
  const step = steps[position];
  const scores = liveScores(def, answers);
  const open = steps.filter((s) => !s.item.type && !isAnswered(def, answers, s));

  function update(patch: Partial<AssessmentDraft>) {
    setDraft((d) => {
      if (!d) return d;
      const next = { ...d, ...patch };
      drafts.write(next);
      return next;
    });
  }

  /** Set an answer; with `advance`, go to the step after this one as the new answers ask it. */
  function answer(current: Step, next: Answers, advance: boolean) {
    const kept = visibleAnswers(def as InstrumentDef, next);
    const after = stepsOf(def as InstrumentDef, kept);
    const at = after.findIndex((s) => s.key === current.key);
    update({ answers: kept, at: advance ? (after[at + 1]?.key ?? 'result') : current.key });
  }

  async function save() {
    if (!draft || !def) return;
    const kept = visibleAnswers(def, draft.answers);
    if (
      Object.keys(validateAnswers(def, kept)).length ||
      !draft.taken_on ||
      draft.taken_on > (loaded?.today ?? '')
    ) {
      app.notify(t('session.fix_errors'));
      return;
    }
    setBusy(true);
    try {
      const fields = {
        facility_id: draft.facility_id,
        client_id: draft.client_id,
        instrument: draft.instrument,
        taken_on: draft.taken_on,
        answers: kept,
        // The device's own scores, shown until the server's come back with the next pull.
        scores: scoreAnswers(def, kept),
      };
      await app.save('assessment', draft.id, fields);
      await store.deleteDraft(draftKey(clientId, instrument));
      setSaved(true);
      app.notify(t(navigator.onLine ? 'instr.saved_online' : 'instr.saved_offline'));
    } finally {
      setBusy(false);
    }
  }

  async function discard() {
    await store.deleteDraft(draftKey(clientId, instrument));
    const fresh = await load(store, clientId, instrument);
    setLoaded(fresh);
    setDraft(fresh?.draft ?? null);
  }

  const title = localized(def.title, lang);
  const live = headline(def, scores, lang);
  return (
    <section
      class="instr"
      aria-labelledby="instr-h"
      data-testid="instrument"
      data-instrument={instrument}
    >
      <p class="muted">
        <a href={`#/clients/${clientId}`}>{String(loaded.client['full_name'] ?? '')}</a>
      </p>
      <h1 id="instr-h">{title}</h1>
      {loaded.restored && !saved && <DraftRestored onDiscard={() => void discard()} />}
      {step ? (
        <StepScreen
          key={step.key}
          def={def}
          step={step}
          answers={answers}
          number={position + 1}
          total={stepsKnown(def, answers) ? steps.length : null}
          onAnswer={(next, advance) => answer(step, next, advance)}
          onPrevious={position > 0 ? () => update({ at: steps[position - 1]?.key ?? '' }) : null}
        />
      ) : (
        <div data-testid="instr-finish">
          <Result def={def} scores={scores} answers={answers} lang={lang} />
          {!saved && open.length > 0 && (
            <p class="alert alert-info" data-testid="instr-open">
              {t('instr.unanswered', { n: open.length })}{' '}
              <button type="button" class="link" onClick={() => update({ at: open[0]?.key ?? '' })}>
                {t('instr.go_unanswered')}
              </button>
            </p>
          )}
          {saved ? (
            <p class="alert alert-info" data-testid="instr-saved">
              {t('instr.saved')}{' '}
              <a href={`#/clients/${clientId}`} data-testid="instr-back">
                {t('instr.back_to_client')}
              </a>
            </p>
          ) : (
            <>
              <div class="field">
                <label for="instr-date">{t('instr.choose_date')}</label>
                <input
                  id="instr-date"
                  data-testid="instr-date"
                  type="date"
                  max={loaded.today}
                  value={draft.taken_on}
                  onInput={(e) => update({ taken_on: e.currentTarget.value })}
                />
              </div>
              <p class="buttons">
                {steps.length > 0 && (
                  <button
                    type="button"
                    onClick={() => update({ at: steps[steps.length - 1]?.key ?? '' })}
                  >
                    {t('instr.previous')}
                  </button>
                )}
                <button
                  type="button"
                  class="primary"
                  data-testid="instr-save"
                  disabled={busy || open.length > 0}
                  onClick={() => void save()}
                >
                  {t('instr.save')}
                </button>
              </p>
              <p class="muted">{t('instr.by_server')}</p>
            </>
          )}
        </div>
      )}
      {step && live && (
        <p class="muted instr-live" data-testid="instr-live">
          {t('instr.live')}: {live}
        </p>
      )}
      {!saved && <DraftStatus state={drafts.state} />}
    </section>
  );
}

/** One question: its answer card as big buttons (a tap answers and moves on), a checklist of
 * rows, or a text field. */
function StepScreen(props: {
  def: InstrumentDef;
  step: Step;
  answers: Answers;
  number: number;
  /** null while later answers decide how many steps there are */
  total: number | null;
  onAnswer: (answers: Answers, advance: boolean) => void;
  onPrevious: (() => void) | null;
}) {
  const { def, step, answers, onAnswer } = props;
  const { lang } = useApp();
  const value = answerOf(def, answers, step);
  const options = optionsOf(def, step.item);
  const id = `q-${step.key.replace(':', '-')}`;
  // Each question takes the focus as it comes: a phone scrolls it into view, a screen reader reads it.
  const question = useRef<HTMLParagraphElement>(null);
  useEffect(() => question.current?.focus(), []);
  return (
    <div class="instr-step" data-testid="instr-step" data-step={step.key}>
      <p class="muted" data-testid="instr-progress">
        {props.total === null
          ? t('instr.progress_open', { n: props.number })
          : t('instr.progress', { n: props.number, m: props.total })}
      </p>
      {step.row && (
        <p class="instr-row" data-testid="instr-row">
          <strong>
            {step.row.letter ? `${step.row.letter}. ` : ''}
            {localized(step.row.label, lang)}
          </strong>
          {step.row.examples && <span class="muted"> — {localized(step.row.examples, lang)}</span>}
        </p>
      )}
      <p class="instr-q" id={`${id}-q`} ref={question} tabIndex={-1}>
        {questionText(step, lang)}
      </p>
      {step.item.hint && <p class="muted">{localized(step.item.hint, lang)}</p>}
      {step.checklist ? (
        <Checklist {...props} ticked={value as string[]} />
      ) : step.item.type === 'text' ? (
        <TextAnswer {...props} id={id} value={typeof value === 'string' ? value : ''} />
      ) : (
        <div class="instr-options" role="group" aria-labelledby={`${id}-q`}>
          {options.map((o) => (
            <button
              key={o.value}
              type="button"
              data-testid="instr-option"
              data-value={o.value}
              aria-pressed={value === o.value}
              onClick={() => onAnswer(withAnswer(answers, step, o.value), true)}
            >
              {localized(o.label, lang)}
            </button>
          ))}
        </div>
      )}
      {props.onPrevious && (
        <p class="buttons">
          <button type="button" data-testid="instr-previous" onClick={props.onPrevious}>
            {t('instr.previous')}
          </button>
        </p>
      )}
    </div>
  );
}

function Checklist(props: {
  def: InstrumentDef;
  step: Step;
  answers: Answers;
  ticked: string[];
  onAnswer: (answers: Answers, advance: boolean) => void;
}) {
  const { def, step, answers, onAnswer } = props;
  const { lang } = useApp();
  const options = optionsOf(def, step.item);
  const [no, yes] = [options[0]?.value, options.at(-1)?.value];
  return (
    <>
      <p class="muted">{t('instr.checklist_hint')}</p>
      <div class="checks instr-checks">
        {(def.rows?.options ?? []).map((row) => (
          <label key={row.id} class="check" data-testid="instr-check">
            <input
              type="checkbox"
              data-row={row.id}
              checked={props.ticked.includes(row.id)}
              onChange={(e) =>
                onAnswer(
                  withAnswer(answers, step, e.currentTarget.checked ? yes : no, row.id),
                  false,
                )
              }
            />
            <span>
              {row.letter ? `${row.letter}. ` : ''}
              {localized(row.label, lang)}
              {row.examples && <small class="muted"> — {localized(row.examples, lang)}</small>}
            </span>
          </label>
        ))}
      </div>
      <p class="buttons">
        <button
          type="button"
          class="primary"
          data-testid="instr-next"
          onClick={() => onAnswer(closeChecklist(def, answers, step), true)}
        >
          {t('instr.next')}
        </button>
      </p>
    </>
  );
}

function TextAnswer(props: {
  step: Step;
  answers: Answers;
  id: string;
  value: string;
  onAnswer: (answers: Answers, advance: boolean) => void;
}) {
  const { step, answers, onAnswer, id } = props;
  const input = (e: Event) =>
    onAnswer(withAnswer(answers, step, (e.currentTarget as HTMLInputElement).value), false);
  return (
    <>
      {step.item.multiline ? (
        <textarea
          id={id}
          data-testid="instr-text"
          rows={6}
          maxLength={step.item.max_length}
          aria-labelledby={`${id}-q`}
          value={props.value}
          onInput={input}
        />
      ) : (
        <input
          id={id}
          data-testid="instr-text"
          maxLength={step.item.max_length}
          aria-labelledby={`${id}-q`}
          value={props.value}
          onInput={input}
        />
      )}
      <p class="buttons">
        <button
          type="button"
          class="primary"
          data-testid="instr-next"
          onClick={() => onAnswer(answers, true)}
        >
          {t('instr.next')}
        </button>
      </p>
    </>
  );
}
