// Moving around the staff areas: the section tabs of the supervisor or admin area, and paging.
import { t, type MessageKey } from '../../../shared/i18n';

export interface Tab {
  path: string;
  label: MessageKey;
  testid: string;
}

/** The section tabs of the supervisor or admin area. */
export function SubNav({ tabs, current, label }: { tabs: Tab[]; current: string; label: string }) {
  return (
    <nav class="subnav" aria-label={label}>
      <ul>
        {tabs.map((tab) => (
          <li key={tab.path}>
            <a
              href={`#${tab.path}`}
              data-testid={tab.testid}
              aria-current={current === tab.path ? 'page' : undefined}
            >
              {t(tab.label)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Previous / next page, with "page n of m". */
export function Pager({
  page,
  perPage,
  total,
  onPage,
}: {
  page: number;
  perPage: number;
  total: number;
  onPage: (page: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(total / perPage));
  if (pages <= 1) return null;
  return (
    <nav class="pager" aria-label={t('staff.pages')}>
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t('staff.prev')}
      </button>
      <span>{t('staff.page_of', { n: page, m: pages })}</span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t('staff.next')}
      </button>
    </nav>
  );
}
