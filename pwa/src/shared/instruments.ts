// The program's instruments as data: the server's own definition files, imported at build time
// (server/instruments/definitions/*.json), validated and scored here by the same rules as
// server/instruments/scoring.py. Both run tests/vectors/instruments.json. Arithmetic is exact
// (fractions of integers) and a scale with `decimals` is rounded half away from zero at the end,
// so the device's live scores are the numbers the server will record.
import assist from '../../../server/instruments/definitions/assist.json';
import asi from '../../../server/instruments/definitions/asi.json';
import urica from '../../../server/instruments/definitions/urica.json';
import whoqol from '../../../server/instruments/definitions/whoqol_bref.json';
import type { Errors } from './validation';

/** Words in both languages; `i18n.localized` picks one. */
export interface Words {
  id: string;
  en: string;
}
export interface CardOption {
  value: number;
  code?: string;
  label: Words;
}
export interface SkipRule {
  /** skipped when this item of every row is one of `in` (ASSIST: nothing ever used) */
  every_row?: boolean;
  row?: string;
  item: string;
  in: (number | string)[];
}
export interface Item {
  id: string;
  text: Words;
  hint?: Words;
  card?: string;
  type?: 'text';
  max_length?: number;
  multiline?: boolean;
  per_row?: boolean;
  not_for?: string[];
  layout?: 'checklist';
  skip_if?: SkipRule;
  reverse?: boolean;
}
export interface RowOption {
  id: string;
  letter?: string;
  label: Words;
  in_sentence?: Words;
  examples?: Words;
}
export interface Band {
  max?: number | null;
  band: string;
}
export interface Scale {
  id: string;
  method: 'sum' | 'mean' | 'item' | 'code' | 'max' | 'combine' | 'rescale';
  items?: string[];
  per_row?: boolean;
  skip_row_if?: SkipRule;
  band_key?: string;
  bands?: Record<string, Band[]>;
  min_answered?: number;
  multiply?: number;
  decimals?: number;
  terms?: { scale: string; sign: number }[];
  of?: string;
  from?: number[];
  to?: number[];
}
export interface InstrumentDef {
  instrument: string;
  version: string;
  title: Words;
  source: string;
  notes?: string;
  rows?: { noun: string; title: Words; options: RowOption[] };
  cards: Record<string, CardOption[]>;
  items: Item[];
  scoring?: { min_answered?: number };
  scales: Scale[];
  scale_words?: Record<string, Words>;
  band_words?: Record<string, { label: Words; advice?: Words }>;
  headline: string[];
}

export type Answers = Record<string, unknown>;
export type Scores = Record<string, unknown>;

export const DEFINITIONS: Record<string, InstrumentDef> = {
  assist: assist as InstrumentDef,
  urica: urica as InstrumentDef,
  whoqol_bref: whoqol as InstrumentDef,
  asi: asi as InstrumentDef,
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const rowIds = (def: InstrumentDef): string[] => (def.rows?.options ?? []).map((r) => r.id);

/** The per-row items asked about one row (tobacco has no ASSIST Q5). */
export const rowItems = (def: InstrumentDef, row: string): Item[] =>
  def.items.filter((i) => i.per_row && !(i.not_for ?? []).includes(row));

export const flatItems = (def: InstrumentDef): Item[] => def.items.filter((i) => !i.per_row);

/** The answer options of a choice item. */
export const optionsOf = (def: InstrumentDef, item: Item): CardOption[] =>
  def.cards[item.card ?? ''] ?? [];

/** The answer that makes `item` not asked, or undefined when it is asked. */
export function skippedBy(
  def: InstrumentDef,
  item: Item,
  answers: Answers,
  row: string | null,
): number | string | undefined {
  const rule = item.skip_if;
  if (!rule) return undefined;
  if (rule.every_row) {
    const given = (def.rows?.options ?? []).map((r) => {
      const source = answers[r.id];
      return isObject(source) ? source[rule.item] : undefined;
    });
    const ended = given.every(
      (g) => (typeof g === 'number' || typeof g === 'string') && rule.in.includes(g),
    );
    return given.length && ended ? (given[0] as number | string) : undefined;
  }
  const from = rule.row ?? row;
  const source = from ? answers[from] : answers;
  const value = isObject(source) ? source[rule.item] : undefined;
  return (typeof value === 'number' || typeof value === 'string') && rule.in.includes(value)
    ? value
    : undefined;
}

/** Text PostgreSQL can hold: no NUL, no lone surrogate. */
const storable = (s: string): boolean =>
  !s.includes('\u0000') &&
  !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

function valueError(def: InstrumentDef, item: Item, value: unknown): Errors[string] | null {
  if (item.type === 'text') {
    const max = item.max_length ?? 0;
    if (typeof value !== 'string' || [...value].length > max) return [{ code: 'too_long', n: max }];
    return storable(value) ? null : [{ code: 'nul_char' }];
  }
  const allowed = optionsOf(def, item).map((o) => o.value);
  return Number.isInteger(value) && allowed.includes(value as number) ? null : [{ code: 'one_of' }];
}

function checkItems(
  def: InstrumentDef,
  values: Record<string, unknown>,
  answers: Answers,
  row: string | null,
  key: string,
  errors: Errors,
): void {
  const allowed = row ? rowItems(def, row) : flatItems(def);
  for (const [id, value] of Object.entries(values)) {
    const field = `${key}.${id}`;
    const item = allowed.find((i) => i.id === id);
    if (!item) {
      errors[field] = [{ code: 'one_of' }];
      continue;
    }
    const problem = valueError(def, item, value);
    if (problem) errors[field] = problem;
    else if (skippedBy(def, item, answers, row) !== undefined && value !== 0 && value !== '')
      errors[field] = [{ code: 'must_be_empty' }];
  }
}

/** Errors per field (`answers.<row>.<item>`, `answers.<item>`) of answers to an instrument. */
export function validateAnswers(def: InstrumentDef, answers: unknown): Errors {
  if (!isObject(answers)) return { answers: [{ code: 'one_of' }] };
  const rows = rowIds(def);
  const errors: Errors = {};
  const flat: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(answers)) {
    if (!rows.includes(key)) {
      if (flatItems(def).some((i) => i.id === key)) flat[key] = value;
      else errors[`answers.${key}`] = [{ code: 'one_of' }];
    } else if (!isObject(value)) errors[`answers.${key}`] = [{ code: 'one_of' }];
    else checkItems(def, value, answers, key, `answers.${key}`, errors);
  }
  checkItems(def, flat, answers, null, 'answers', errors);
  return errors;
}

// -- exact arithmetic ------------------------------------------------------------------------

interface Ratio {
  n: number;
  d: number;
}
const gcd = (a: number, b: number): number => (b === 0 ? Math.abs(a) : gcd(b, a % b));
function ratio(n: number, d = 1): Ratio {
  const g = gcd(n, d) || 1;
  const sign = d < 0 ? -1 : 1;
  return { n: (sign * n) / g, d: (sign * d) / g };
}
const add = (a: Ratio, b: Ratio): Ratio => ratio(a.n * b.d + b.n * a.d, a.d * b.d);
const mul = (a: Ratio, b: Ratio): Ratio => ratio(a.n * b.n, a.d * b.d);

/** A ratio rounded half away from zero to `decimals` places (the server's round_half_away). */
export function roundHalfAway(value: Ratio, decimals: number): number {
  const scale = 10 ** decimals;
  const magnitude = Math.floor((2 * Math.abs(value.n) * scale + value.d) / (2 * value.d));
  return (value.n < 0 ? -magnitude : magnitude) / scale;
}

// -- scoring ---------------------------------------------------------------------------------

function counted(def: InstrumentDef, id: string, value: number): number {
  const item = def.items.find((i) => i.id === id);
  if (!item?.reverse) return value;
  const values = optionsOf(def, item).map((o) => o.value);
  return Math.min(...values) + Math.max(...values) - value;
}

function numbers(def: InstrumentDef, source: Record<string, unknown>, ids: string[]): number[] {
  return ids
    .filter((id) => Number.isInteger(source[id]))
    .map((id) => counted(def, id, source[id] as number));
}

function band(scale: Scale, row: string, score: number): string {
  const bands = scale.bands?.[row] ?? scale.bands?.['*'] ?? [];
  const found = bands.find((b) => b.max === undefined || b.max === null || score <= b.max);
  return found?.band ?? '';
}

function rowSums(def: InstrumentDef, scale: Scale, answers: Answers, out: Scores): void {
  const rule = scale.skip_row_if;
  for (const row of rowIds(def)) {
    const values = answers[row];
    if (!isObject(values)) continue;
    const first = values[rule?.item ?? ''];
    if (rule && (typeof first === 'number' || typeof first === 'string') && rule.in.includes(first))
      continue;
    const asked = rowItems(def, row).map((i) => i.id);
    const score = numbers(
      def,
      values,
      (scale.items ?? []).filter((id) => asked.includes(id)),
    ).reduce((a, b) => a + b, 0);
    out[row] = { score, [scale.band_key ?? 'band']: band(scale, row, score) };
  }
}

function flatValue(
  def: InstrumentDef,
  scale: Scale,
  answers: Answers,
  done: Record<string, Ratio | string>,
): Ratio | string | null {
  if (scale.method === 'combine') {
    let total = ratio(0);
    for (const term of scale.terms ?? []) {
      const v = done[term.scale];
      if (v === undefined || typeof v === 'string') return null;
      total = add(total, mul(v, ratio(term.sign)));
    }
    return total;
  }
  if (scale.method === 'rescale') {
    const v = done[scale.of ?? ''];
    if (v === undefined || typeof v === 'string') return null;
    const [low = 0, high = 1] = scale.from ?? [];
    const [toLow = 0, toHigh = 1] = scale.to ?? [];
    return add(mul(add(v, ratio(-low)), ratio(toHigh - toLow, high - low)), ratio(toLow));
  }
  const ids = scale.items ?? [];
  if (scale.method === 'code') {
    const item = def.items.find((i) => i.id === ids[0]);
    const chosen = answers[ids[0] ?? ''];
    const option = item && optionsOf(def, item).find((o) => o.value === chosen);
    return option?.code ?? null;
  }
  const values = numbers(def, answers, ids);
  if (values.length === 0 || values.length < (scale.min_answered ?? ids.length)) return null;
  const sum = values.reduce((a, b) => a + b, 0);
  if (scale.method === 'mean') return mul(ratio(sum, values.length), ratio(scale.multiply ?? 1));
  if (scale.method === 'max') return ratio(Math.max(...values));
  return ratio(sum);
}

/** Every scale valid answers allow, by id (per-row scales by row), as the server scores them. */
export function scoreAnswers(def: InstrumentDef, answers: Answers): Scores {
  const errors = validateAnswers(def, answers);
  if (Object.keys(errors).length) throw new Error(`invalid ${def.instrument} answers`);
  const answered = numbers(
    def,
    answers,
    flatItems(def).map((i) => i.id),
  ).length;
  if (answered < (def.scoring?.min_answered ?? 0)) return {};
  const scores: Scores = {};
  const done: Record<string, Ratio | string> = {};
  for (const scale of def.scales) {
    if (scale.per_row) {
      rowSums(def, scale, answers, scores);
      continue;
    }
    const value = flatValue(def, scale, answers, done);
    if (value === null) continue;
    done[scale.id] = value;
    scores[scale.id] =
      typeof value === 'string' ? value : roundHalfAway(value, scale.decimals ?? 2);
  }
  return scores;
}
