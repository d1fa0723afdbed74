// The instrument screens' rules as plain functions: which steps a definition asks given the
// answers so far (its skip rules), the answers kept when a change skips some, and the headline.
import { describe, expect, it } from 'vitest';
import { DEFINITIONS, type InstrumentDef } from '../src/shared/instruments';
import {
  bandRanges,
  closeChecklist,
  headline,
  stepsKnown,
  stepsOf,
  visibleAnswers,
  withAnswer,
} from '../src/client/views/instruments/model';

const assist = DEFINITIONS['assist'] as InstrumentDef;
const urica = DEFINITIONS['urica'] as InstrumentDef;
const keys = (answers: Record<string, unknown>) => stepsOf(assist, answers).map((s) => s.key);

describe('instrument steps', () => {
  it('asks_assist_q1_as_one_checklist_then_waits_for_it', () => {
    expect(keys({})).toEqual(['q1']);
    expect(stepsKnown(assist, {})).toBe(false);
  });

  it('asks_q2_to_q7_only_of_substances_ever_used_question_by_question', () => {
    const [q1] = stepsOf(assist, {});
    let answers = withAnswer({}, q1!, 3, 'alcohol');
    answers = withAnswer(answers, q1!, 3, 'tobacco');
    answers = closeChecklist(assist, answers, q1!);
    expect(keys(answers)).toEqual([
      'q1',
      'q2:tobacco',
      'q2:alcohol',
      'q6:tobacco',
      'q6:alcohol',
      'q7:tobacco',
      'q7:alcohol',
      'q8',
    ]);
    answers = { ...answers, tobacco: { q1: 3, q2: 6 }, alcohol: { q1: 3, q2: 0 } };
    // Q3-Q5 follow a use in the past 3 months; tobacco has no Q5.
    expect(keys(answers)).toEqual([
      'q1',
      'q2:tobacco',
      'q2:alcohol',
      'q3:tobacco',
      'q4:tobacco',
      'q6:tobacco',
      'q6:alcohol',
      'q7:tobacco',
      'q7:alcohol',
      'q8',
    ]);
    expect(stepsKnown(assist, answers)).toBe(true);
  });

  it('ends_after_q1_when_no_substance_was_ever_used', () => {
    const [q1] = stepsOf(assist, {});
    const none = closeChecklist(assist, {}, q1!);
    expect(keys(none)).toEqual(['q1']);
    expect(stepsKnown(assist, none)).toBe(true);
  });

  it('asks_the_name_of_the_other_substance_only_when_it_was_used', () => {
    const [q1] = stepsOf(assist, {});
    const answers = closeChecklist(assist, withAnswer({}, q1!, 3, 'other'), q1!);
    expect(keys(answers)).toContain('other_name');
    expect(keys(closeChecklist(assist, {}, q1!))).not.toContain('other_name');
  });

  it('drops_answers_a_later_change_skipped', () => {
    const [q1] = stepsOf(assist, {});
    const used = closeChecklist(assist, { alcohol: { q1: 3, q2: 4, q3: 5, q6: 3 } }, q1!);
    const answers: Record<string, unknown> = { ...used, q8: 0 };
    const kept = (alcohol: Record<string, number>) =>
      visibleAnswers(assist, {
        ...answers,
        alcohol: { ...(answers['alcohol'] as object), ...alcohol },
      });
    expect(kept({ q2: 0 })['alcohol']).toEqual({ q1: 3, q2: 0, q6: 3 });
    expect(kept({ q2: 0 })['q8']).toBe(0);
    // Nothing ever used: the interview ends after Q1, so Q8 goes too.
    expect(kept({ q1: 0 })).toEqual(closeChecklist(assist, {}, q1!));
  });

  it('asks_a_flat_instrument_item_by_item', () => {
    expect(stepsOf(urica, {}).map((s) => s.key)).toEqual(
      Array.from({ length: 32 }, (_, i) => `q${i + 1}`),
    );
    expect(stepsKnown(urica, {})).toBe(true);
  });
});

describe('headline', () => {
  it('words_assist_risks_highest_first_and_the_injecting_flag', () => {
    const scores = {
      alcohol: { score: 12, risk: 'moderate' },
      opioids: { score: 27, risk: 'high' },
      injecting: 'recent',
    };
    expect(headline(assist, scores, 'id')).toBe(
      'Opioid 27 (Tinggi) · Minuman beralkohol 12 (Sedang) · Menyuntik: Menyuntik dalam 3 bulan terakhir',
    );
  });

  it('words_urica_readiness_with_the_decimal_comma_in_bahasa_indonesia', () => {
    expect(headline(urica, { readiness: 8.5 }, 'id')).toBe('Kesiapan berubah: 8,5');
    expect(headline(urica, { readiness: 8.5 }, 'en')).toBe('Readiness: 8.5');
  });
});

describe('bandRanges', () => {
  it('prints_the_who_bands_of_alcohol_and_of_the_other_substances', () => {
    expect(bandRanges(assist, 'alcohol', 'id')).toBe('Rendah 0–10 · Sedang 11–26 · Tinggi 27+');
    expect(bandRanges(assist, 'cannabis', 'en')).toBe('Low 0–3 · Moderate 4–26 · High 27+');
  });
});
