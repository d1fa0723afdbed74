import { describe, expect, it } from 'vitest';
import { auditDetailText } from '../src/client/views/admin/audit-detail';

describe('audit detail in words', () => {
  it.each([
    [{ applied: 3, rejected: 1 }, 'id', 'Diterima: 3 · Ditolak: 1'],
    [{ applied: 1200 }, 'id', 'Diterima: 1.200'],
    [{ records: 40 }, 'en', 'Records: 40'],
    [{ decision: 'return' }, 'id', 'Keputusan: dikembalikan'],
    [{ decision: 'approve' }, 'en', 'Decision: approved'],
    [
      { conflict_id: '1a2b3c4d-0000-4000-8000-000000000000', kind: 'locked', choice: 'client' },
      'id',
      'Konflik: 1a2b3c4d · Jenis konflik: Perubahan sesi yang disetujui · Pilihan: versi perangkat',
    ],
    [
      { table: 'rehabilitated', year: 2023, format: 'xlsx' },
      'id',
      'Tabel: WBP dalam rehabilitasi · Tahun: 2023 · Format: XLSX',
    ],
    [
      { changed: ['active', 'role'], tokens_revoked: 2 },
      'id',
      'Yang diubah: status aktif, peran · Token dicabut: 2',
    ],
    [{ role: 'counselor' }, 'id', 'Peran: konselor'],
    [{ something_new: { a: 1 } }, 'id', 'something_new: {"a":1}'],
    [{}, 'id', ''],
  ] as const)('%j in %s reads "%s"', (detail, lang, text) => {
    expect(auditDetailText(detail, lang)).toBe(text);
  });

  it('names the counselors of a reassigned session', () => {
    const names: Record<string, string> = { u1: 'Rina Marlina, S.Psi.' };
    const text = auditDetailText(
      { previous_counselor_id: 'u1', counselor_id: '9f8e7d6c-0000' },
      'id',
      (id) => names[id],
    );
    expect(text).toBe('Konselor sebelumnya: Rina Marlina, S.Psi. · Konselor baru: 9f8e7d6c');
  });
});
