// What the instrument screens do with a definition, as plain functions (no Preact): the steps to
// ask given the answers so far (the skip rules), the answers of those steps only, the words of a
// question, a one-line headline of scores. Every instrument goes through these; no form has code
// of its own.
import { localized, type Lang } from '../../../shared/i18n';
import {
  optionsOf,
  rowIds,
  skippedBy,
  type Answers,
  type InstrumentDef,
  type Item,
  type RowOption,
  type Scores,
} from '../../../shared/instruments';

/** One screen: an item, about one row (ASSIST: a substance) or none; a checklist asks an item
 * of every row at once (ASSIST Q1). */
export interface Step {
  key: string;
  item: Item;
  row: RowOption | null;
  checklist: boolean;
}

/** A screening or assessment being taken: saved as a draft on every answer. */
export interface AssessmentDraft {
  id: string;
  instrument: string;
  client_id: string;
  facility_id: string;
  taken_on: string;
  answers: Answers;
  /** the key of the step on screen, or 'result' */
  at: string;
}

/** Where the draft of one client's instrument is kept. */
export const draftKey = (clientId: string, instrument: string): string =>
  `assessment:new:${clientId}:${instrument}`;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function valueOf(answers: Answers, row: string | null, item: string): unknown {
  const source = row ? answers[row] : answers;
  return isObject(source) ? source[item] : undefined;
}

/** Shown when the item has no skip rule, or the answer it depends on is given and does not
 * skip it (an answer not given yet keeps the item back until it is). */
function shown(def: InstrumentDef, item: Item, answers: Answers, row: string | null): boolean {
  const rule = item.skip_if;
  if (!rule) return true;
  if (rule.every_row) {
    const given = rowIds(def).map((r) => valueOf(answers, r, rule.item));
    return given.every((g) => g !== undefined) && skippedBy(def, item, answers, row) === undefined;
  }
  const value = valueOf(answers, rule.row ?? row, rule.item);
  if (typeof value !== 'number' && typeof value !== 'string') return false;
  return !rule.in.includes(value);
}

/** True when no step waits on an answer not given yet, so the number of steps is final: an
 * item waits when the answer it depends on is still to be given on a step that is asked. */
export function stepsKnown(def: InstrumentDef, answers: Answers): boolean {
  return def.items.every((item) => {
    const rule = item.skip_if;
    if (!rule) return true;
    const source = def.items.find((i) => i.id === rule.item);
    if (rule.every_row)
      return rowIds(def).every((r) => valueOf(answers, r, rule.item) !== undefined);
    const rows =
      item.per_row && !rule.row
        ? rowIds(def).filter((r) => !(item.not_for ?? []).includes(r))
        : [rule.row ?? null];
    return rows.every(
      (row) =>
        valueOf(answers, row, rule.item) !== undefined ||
        (source !== undefined &&
          source.layout !== 'checklist' &&
          !shown(def, source, answers, row)),
    );
  });
}

/** The steps asked, in the definition's order: per-row items question by question. */
export function stepsOf(def: InstrumentDef, answers: Answers): Step[] {
  const steps: Step[] = [];
  for (const item of def.items) {
    if (!item.per_row) {
      if (shown(def, item, answers, null))
        steps.push({ key: item.id, item, row: null, checklist: false });
      continue;
    }
    if (item.layout === 'checklist') {
      steps.push({ key: item.id, item, row: null, checklist: true });
      continue;
    }
    for (const row of def.rows?.options ?? []) {
      if ((item.not_for ?? []).includes(row.id) || !shown(def, item, answers, row.id)) continue;
      steps.push({ key: `${item.id}:${row.id}`, item, row, checklist: false });
    }
  }
  return steps;
}

/** The answers of the steps still asked (an answer a later change skipped is dropped). */
export function visibleAnswers(def: InstrumentDef, answers: Answers): Answers {
  let current = answers;
  for (;;) {
    const next: Answers = {};
    for (const step of stepsOf(def, current)) {
      const rows = step.checklist ? rowIds(def) : [step.row?.id ?? null];
      for (const row of rows) {
        const value = valueOf(current, row, step.item.id);
        if (value === undefined) continue;
        if (row) next[row] = { ...(next[row] as Record<string, unknown>), [step.item.id]: value };
        else next[step.item.id] = value;
      }
    }
    if (JSON.stringify(next) === JSON.stringify(current)) return next;
    current = next;
  }
}

/** The answer of a step (a checklist: the rows answered with its last option). */
export function answerOf(def: InstrumentDef, answers: Answers, step: Step): unknown {
  if (!step.checklist) return valueOf(answers, step.row?.id ?? null, step.item.id);
  const yes = optionsOf(def, step.item).at(-1)?.value;
  return rowIds(def).filter((row) => valueOf(answers, row, step.item.id) === yes);
}

export function isAnswered(def: InstrumentDef, answers: Answers, step: Step): boolean {
  if (step.checklist)
    return rowIds(def).every((row) => valueOf(answers, row, step.item.id) !== undefined);
  const value = valueOf(answers, step.row?.id ?? null, step.item.id);
  return step.item.type === 'text'
    ? typeof value === 'string' && value.trim() !== ''
    : value !== undefined;
}

/** The answers with one step's answer set. */
export function withAnswer(answers: Answers, step: Step, value: unknown, row?: string): Answers {
  const target = row ?? step.row?.id ?? null;
  if (!target) return { ...answers, [step.item.id]: value };
  const previous = isObject(answers[target]) ? (answers[target] as Record<string, unknown>) : {};
  return { ...answers, [target]: { ...previous, [step.item.id]: value } };
}

/** A checklist left with rows unticked: those rows get the first option ("no"). */
export function closeChecklist(def: InstrumentDef, answers: Answers, step: Step): Answers {
  const no = optionsOf(def, step.item)[0]?.value;
  let next = answers;
  for (const row of rowIds(def)) {
    if (valueOf(next, row, step.item.id) === undefined) next = withAnswer(next, step, no, row);
  }
  return next;
}

/** The question in words, the row's name put in (`{row}`). */
export function questionText(step: Step, lang: Lang): string {
  const row = step.row ? localized(step.row.in_sentence ?? step.row.label, lang) : '';
  return localized(step.item.text, lang).replace('{row}', row);
}

function number(value: number, lang: Lang): string {
  return value.toLocaleString(lang === 'id' ? 'id-ID' : 'en-GB', { maximumFractionDigits: 3 });
}

/** The words of one scale's value (a code through `band_words`). */
export function scaleValue(def: InstrumentDef, value: unknown, lang: Lang): string {
  if (typeof value === 'number') return number(value, lang);
  const words = def.band_words?.[String(value)];
  return words ? localized(words.label, lang) : String(value ?? '');
}

/** Per-row scores (ASSIST's substances) that were scored, highest first. */
export function rowScores(
  def: InstrumentDef,
  scores: Scores,
): { row: RowOption; score: number; band: string }[] {
  const out: { row: RowOption; score: number; band: string }[] = [];
  for (const row of def.rows?.options ?? []) {
    const entry = scores[row.id];
    if (!isObject(entry) || typeof entry['score'] !== 'number') continue;
    const band = Object.entries(entry).find(([k]) => k !== 'score')?.[1];
    out.push({ row, score: entry['score'], band: String(band ?? '') });
  }
  return out.sort((a, b) => b.score - a.score);
}

/** A one-line summary of scores: the definition's headline scales, per-row ones highest first. */
export function headline(def: InstrumentDef, scores: Scores, lang: Lang): string {
  const parts: string[] = [];
  for (const id of def.headline) {
    const scale = def.scales.find((s) => s.id === id);
    if (scale?.per_row) {
      for (const { row, score, band } of rowScores(def, scores)) {
        parts.push(`${localized(row.label, lang)} ${score} (${scaleValue(def, band, lang)})`);
      }
    } else if (scores[id] !== undefined) {
      parts.push(
        `${localized(def.scale_words?.[id], lang) || id}: ${scaleValue(def, scores[id], lang)}`,
      );
    }
  }
  return parts.join(' · ');
}

/** A row's bands as the WHO feedback card prints them: "Rendah 0–3 · Sedang 4–26 · Tinggi 27+". */
export function bandRanges(def: InstrumentDef, row: string, lang: Lang): string {
  const scale = def.scales.find((s) => s.per_row && s.bands);
  const bands = scale?.bands?.[row] ?? scale?.bands?.['*'] ?? [];
  let from = 0;
  return bands
    .map((b) => {
      const words = localized(def.band_words?.[b.band]?.label, lang) || b.band;
      const range = typeof b.max === 'number' ? `${from}–${b.max}` : `${from}+`;
      from = typeof b.max === 'number' ? b.max + 1 : from;
      return `${words} ${range}`;
    })
    .join(' · ');
}
