// Facility time zones. Indonesia keeps no daylight saving, so each zone is a fixed offset.
import type { Zone } from './types';

export const ZONES: Record<Zone, { tz: string; offset: string; hours: number }> = {
  WIB: { tz: 'Asia/Jakarta', offset: '+07:00', hours: 7 },
  WITA: { tz: 'Asia/Makassar', offset: '+08:00', hours: 8 },
  WIT: { tz: 'Asia/Jayapura', offset: '+09:00', hours: 9 },
};

export function zoneOf(value: unknown): Zone {
  return value === 'WITA' || value === 'WIT' ? value : 'WIB';
}

/** The local date (YYYY-MM-DD) and time (HH:MM) of an instant in a zone. */
export function localParts(ms: number, zone: Zone): { date: string; time: string } {
  const iso = new Date(ms + ZONES[zone].hours * 3_600_000).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

/** Join a local date and time in a zone into an ISO datetime carrying the zone's offset. */
export function toOffsetIso(date: string, time: string, zone: Zone): string {
  return `${date}T${time}:00${ZONES[zone].offset}`;
}

/** Today's date in a zone. */
export function todayIn(zone: Zone, nowMs: number = Date.now()): string {
  return localParts(nowMs, zone).date;
}

/** Show an instant as date and time in a facility's zone. */
export function formatDateTime(iso: string | null | undefined, zone: Zone, lang: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const text = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', {
    timeZone: ZONES[zone].tz,
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(d);
  return `${text} ${zone}`;
}

/** Show a calendar date (no zone: a date is a date). */
export function formatDate(date: string | null | undefined, lang: string): string {
  if (!date) return '';
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return date;
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', {
    timeZone: 'UTC',
    dateStyle: 'medium',
  }).format(d);
}
