// A device in words an admin recognises: the name its user gave it, else its model, browser and
// system as the server parsed them, and a short id; never the raw user-agent string.
import { t } from '../../../shared/i18n';
import type { DeviceWords } from '../../staff-api';

/** "Tablet Blok A · SM-T505 · Chrome 120 · Android 11"; the raw name only when nothing parsed. */
export function deviceName(d: DeviceWords | null | undefined): string {
  if (!d) return t('common.none');
  const parsed = [d.model, d.browser, d.os].filter((p): p is string => Boolean(p));
  const words = [d.label, ...parsed].filter((p): p is string => Boolean(p));
  if (words.length) return words.join(' · ');
  return d.name || t('fieldfit.device.unknown');
}

/** The device's short id, as shown beside its name ("#0686ff77"). */
export function deviceShortId(d: DeviceWords): string {
  return `#${d.short_id ?? d.id.slice(0, 8)}`;
}
