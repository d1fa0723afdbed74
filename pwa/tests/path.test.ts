// The program's path on the device: risk bands, one active enrollment, phases, scores.
import { describe, expect, it } from 'vitest';
import {
  activeIn,
  currentPhase,
  highestRisk,
  oneActiveErrors,
  phaseHistory,
  phasesOf,
  scoreNumbers,
} from '../src/client/path';

describe('highestRisk', () => {
  it.each([
    [{ alcohol: { score: 12, risk: 'moderate' }, opioids: { score: 30, risk: 'high' } }, 'high'],
    [{ tobacco: { score: 2, risk: 'low' } }, 'low'],
    [{}, null],
    [null, null],
  ])('reads the highest band of %j', (scores, expected) => {
    expect(highestRisk(scores)).toBe(expected);
  });
});

describe('one active enrollment per client and program', () => {
  const enrollments = [
    { id: 'a', program: 'rehab_sosial', status: 'active' },
    { id: 'b', program: 'rehab_medis', status: 'completed' },
  ];
  it('finds the other active one in the program', () => {
    expect(activeIn(enrollments, 'rehab_sosial').map((e) => e.id)).toEqual(['a']);
    expect(activeIn(enrollments, 'rehab_sosial', 'a')).toEqual([]);
    expect(activeIn(enrollments, 'rehab_medis')).toEqual([]);
  });
  it('gives a per-field error on program, never for an enrollment that ended', () => {
    const fields = { program: 'rehab_sosial', status: 'active' };
    expect(oneActiveErrors(fields, enrollments, 'new')).toEqual({
      program: [{ code: 'one_active' }],
    });
    expect(oneActiveErrors({ ...fields, status: 'withdrew' }, enrollments, 'new')).toEqual({});
  });
});

describe('phases', () => {
  const changes = [
    { id: '2', enrollment_id: 'e', phase: 'primary', changed_on: '2024-02-05' },
    { id: '1', enrollment_id: 'e', phase: 'orientation', changed_on: '2024-01-08' },
    { id: '3', enrollment_id: 'other', phase: 're-entry', changed_on: '2024-05-01' },
  ];
  it('orders an enrollment’s phase changes by date and takes the latest as current', () => {
    expect(phaseHistory(changes, 'e').map((c) => c.id)).toEqual(['1', '2']);
    expect(currentPhase({ id: 'e', phase: 'orientation' }, changes)).toBe('primary');
    expect(currentPhase({ id: 'x', phase: 'induction' }, changes)).toBe('induction');
  });
  it('orders a cohort’s phases', () => {
    const cohort = {
      phases: [
        { name: 'b', order: 2, planned_weeks: 4 },
        { name: 'a', order: 1, planned_weeks: 4 },
      ],
    };
    expect(phasesOf(cohort).map((p) => p.name)).toEqual(['a', 'b']);
    expect(phasesOf(undefined)).toEqual([]);
  });
});

it('reads scores generically: numbers and {score} objects, nothing else', () => {
  expect(scoreNumbers({ physical: 56, social: { score: 44 }, note: 'x', bad: {} })).toEqual([
    ['physical', 56],
    ['social', 44],
  ]);
});
