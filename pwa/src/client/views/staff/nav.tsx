// Moving around the staff areas: the section tabs of the supervisor or admin area, paging, and
// the filters a list keeps in its address.
import type { ComponentChildren } from 'preact';
import { t, type MessageKey } from '../../../shared/i18n';
import { navigate } from '../../router';
import type { Page } from '../../staff-api';
import { Loaded, type Remote } from './remote';

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

/** Previous / next page of a paged answer, with "page n of m". */
export function Pager({
  of,
  onPage,
}: {
  of: Pick<Page<unknown>, 'page' | 'per_page' | 'total'>;
  onPage: (page: number) => void;
}) {
  const { page } = of;
  const pages = Math.max(1, Math.ceil(of.total / of.per_page));
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

/** A paged list once loaded: how many there are (`${name}.count`), the rows or the words for
 * none (`${name}.empty`), and the pager. */
export function PagedList<T>(props: {
  remote: Remote<Page<T>>;
  name: 'conflict' | 'review';
  listTestid: string;
  onPage: (page: number) => void;
  children: (item: T) => ComponentChildren;
}) {
  const { name } = props;
  return (
    <Loaded remote={props.remote}>
      {(data) => (
        <>
          <p class="muted" role="status" data-testid={`${name}-total`} data-count={data.total}>
            {t(`${name}.count`, { n: data.total })}
          </p>
          {data.items.length === 0 ? (
            <p data-testid={`${name}-empty`}>{t(`${name}.empty`)}</p>
          ) : (
            <ul class="list" data-testid={props.listTestid}>
              {data.items.map(props.children)}
            </ul>
          )}
          <Pager of={data} onPage={props.onPage} />
        </>
      )}
    </Loaded>
  );
}

/** `query` with `name` set to `value`, or without it when `value` is empty. */
export function withParam(query: URLSearchParams, name: string, value: string): URLSearchParams {
  const next = new URLSearchParams(query);
  if (value) next.set(name, value);
  else next.delete(name);
  return next;
}

/** Go to the paged list at `path` with one parameter changed; a filter that changed starts
 * again at page 1. */
export function goListParam(path: string, query: URLSearchParams, name: string, value: string) {
  const next = withParam(query, name, value);
  if (name !== 'page') next.delete('page');
  navigate(`${path}?${next.toString()}`);
}
