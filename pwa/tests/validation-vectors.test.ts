// The shared validation vectors (tests/vectors/validation.json at the repository root) against
// the PWA's checks. pytest runs the same file against the server's schemas
// (tests/server/test_validation_vectors.py): the fields each side finds in error must agree.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  validateAttendance,
  validateClient,
  validateEnrollment,
  validatePhaseChange,
  validateSession,
  type Errors,
} from '../src/shared/validation';

interface Vector {
  name: string;
  entity: 'client' | 'enrollment' | 'session' | 'attendance' | 'phase_change';
  fields: Record<string, unknown>;
  errors: string[];
}

const data = JSON.parse(
  readFileSync(new URL('../../tests/vectors/validation.json', import.meta.url), 'utf8'),
) as { facility_id: string; now: string; vectors: Vector[] };

function validate(vector: Vector): Errors {
  const fields = { facility_id: data.facility_id, ...vector.fields };
  const nowMs = new Date(data.now).getTime();
  switch (vector.entity) {
    case 'client':
      return validateClient(fields, {
        facilityIds: [data.facility_id],
        today: data.now.slice(0, 10),
      });
    case 'enrollment':
      return validateEnrollment(fields);
    case 'session':
      return validateSession(fields, { nowMs });
    case 'attendance':
      return validateAttendance(fields);
    case 'phase_change':
      return validatePhaseChange(fields, { today: data.now.slice(0, 10) });
  }
}

/** Field names in error, nested ones ('urine_test.panel') by their top-level field. */
function names(errors: Errors): string[] {
  return [...new Set(Object.keys(errors).map((k) => k.split('.')[0]!))].sort();
}

describe('shared validation vectors', () => {
  for (const vector of data.vectors) {
    it(vector.name, () => {
      expect(names(validate(vector))).toEqual(vector.errors);
    });
  }
});
