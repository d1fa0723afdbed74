// The review queue: submitted sessions of the user's facilities, oldest first, with filters by
// facility, counselor and waiting time kept in the address (a reload keeps them).
import { label, t } from '../../../shared/i18n';
import { formatDateTime, zoneOf } from '../../../shared/time';
import { useApp } from '../../context';
import { navigate, type RouteProps } from '../../router';
import type { QueueItem } from '../../staff-api';
import { useFacilities } from '../staff/facilities';
import { FacilityFilter, FilterSelect } from '../staff/filters';
import { goListParam, PagedList, withParam } from '../staff/nav';
import { usePage, useStaffApi } from '../staff/remote';
import { filterSuffix, queueFilters } from './queue-position';
import { rememberQueueItems, knownCounselors } from './review-cache';
import { AlertsPanel } from './Alerts';
import { SupervisorTabs } from './tabs';
import { formatHours } from './figure-format';

export const AGE_CHOICES = [24, 48, 168] as const;

export function ReviewQueue({ query }: RouteProps) {
  const api = useStaffApi();
  const { lang } = useApp();
  const facilities = useFacilities();
  const facility = query.get('facility') ?? '';
  const counselor = query.get('counselor') ?? '';
  const age = query.get('age') ?? '';
  const queue = usePage(
    query,
    async (q) => {
      const answer = await api.reviewQueue({ ...queueFilters(query), ...q });
      rememberQueueItems(answer.items);
      return answer;
    },
    [facility, counselor, age],
  );

  const setFilter = (name: string, value: string) => {
    const next = withParam(query, name, value);
    next.delete('page');
    const text = next.toString();
    navigate(`/supervisor${text ? `?${text}` : ''}`);
  };
  const goPage = (n: number) => goListParam('/supervisor', query, 'page', String(n));
  const zoneFor = (id: string) => zoneOf(facilities?.find((f) => f.id === id)?.timezone);

  return (
    <section aria-labelledby="review-h">
      <SupervisorTabs current="/supervisor" />
      <AlertsPanel />
      <h1 id="review-h">{t('review.title')}</h1>
      <form
        class="filters"
        role="search"
        aria-label={t('review.filters')}
        onSubmit={(e) => e.preventDefault()}
      >
        <FacilityFilter
          id="review-facility"
          testid="review-filter-facility"
          facilities={facilities}
          value={facility}
          onChange={(v) => setFilter('facility', v)}
        />
        <FilterSelect
          id="review-counselor"
          testid="review-filter-counselor"
          label={t('review.counselor')}
          value={counselor}
          all={t('review.all_counselors')}
          options={knownCounselors()}
          onChange={(v) => setFilter('counselor', v)}
        />
        <FilterSelect
          id="review-age"
          testid="review-filter-age"
          label={t('review.age')}
          value={age}
          all={t('review.any_age')}
          options={AGE_CHOICES.map(
            (h) => [String(h), t('review.older_than', { time: formatHours(h, lang) })] as const,
          )}
          onChange={(v) => setFilter('age', v)}
        />
      </form>
      <PagedList remote={queue} name="review" listTestid="review-queue" onPage={goPage}>
        {(item) => (
          <QueueRow
            key={item.record.id}
            item={item}
            zone={zoneFor(item.record.facility_id)}
            suffix={filterSuffix(query)}
          />
        )}
      </PagedList>
    </section>
  );
}

function QueueRow({
  item,
  zone,
  suffix,
}: {
  item: QueueItem;
  zone: ReturnType<typeof zoneOf>;
  /** the queue's filters, kept by the review page for its back, previous and next links */
  suffix: string;
}) {
  const { lang } = useApp();
  const r = item.record;
  const who = item.client_name
    ? `${item.client_name}${item.client_registration_number ? ` (${item.client_registration_number})` : ''}`
    : t('session.group');
  return (
    <li data-testid="review-row" data-id={r.id}>
      <a href={`#/supervisor/sessions/${r.id}${suffix}`} data-testid="review-open">
        <strong>{who}</strong> · {label('kind', r['kind'])}
      </a>
      <p class="meta">
        {formatDateTime(r['occurred_at'] as string, zone, lang)} ·{' '}
        {item.counselor_name ?? t('common.none')} · {item.facility_code}
      </p>
      <p class="meta">
        <span class="badge badge-waiting" data-testid="review-age">
          {t('review.waiting', { time: formatHours(item.age_hours, lang) })}
        </span>
        {Array.isArray(r['risk_flags']) && r['risk_flags'].length > 0 ? (
          <span class="badge badge-conflict">{t('review.has_risk')}</span>
        ) : null}
        {item.amends_id ? (
          <a
            class="badge badge-addendum"
            href={`#/supervisor/sessions/${item.amends_id}`}
            data-testid="review-amends"
          >
            {t('review.addendum_of', {
              date: item.amends
                ? formatDateTime(item.amends.occurred_at, zone, lang)
                : t('common.none'),
            })}
          </a>
        ) : null}
      </p>
    </li>
  );
}
