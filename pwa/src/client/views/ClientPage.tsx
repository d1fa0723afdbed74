import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { label, t, type Lang } from '../../shared/i18n';
import { formatDate, formatDateTime, zoneOf } from '../../shared/time';
import { useApp, useQuery } from '../context';
import type { LocalRecord } from '../db';
import type { RouteProps } from '../router';
import { DetailRow, RecordNotices, StatusLabel, useRejectedKeys } from './common';
import { Instruments } from './instruments/Instruments';
import { ConflictOnRecord, MissingClient } from './ConflictOnRecord';
import { PathView } from './path/PathView';
import { RegisterHistory, ReleaseList } from './aftercare/Release';

/** Scores in words: ASSIST's per-substance {score, risk} as "Opioid 12 (Sedang)"; substances
 * that scored nothing are left out. Other instruments' scores as they are. */
export function scoreText(scores: unknown, lang: Lang): string {
  if (!scores || typeof scores !== 'object') return '';
  return Object.entries(scores as Record<string, unknown>)
    .map(([name, value]) => {
      if (value && typeof value === 'object' && 'score' in value) {
        const { score, risk } = value as { score: unknown; risk?: unknown };
        if (!score) return '';
        return `${label('substance', name, lang)} ${String(score)} (${label('risk_band', risk, lang)})`;
      }
      return `${name}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`;
    })
    .filter(Boolean)
    .join(', ');
}

/** The client's records of one kind under their heading (`client.<name>`): the words for none
 * (`client.no_<name>`), or a row each; sessions are an ordered timeline, newest first. */
function RecordList(props: {
  name: 'enrollments' | 'assessments' | 'sessions';
  records: LocalRecord[];
  children: (record: LocalRecord) => ComponentChildren;
}) {
  const { name, records } = props;
  return (
    <>
      <h2>{t(`client.${name}`)}</h2>
      {records.length === 0 ? (
        <p>{t(`client.no_${name}`)}</p>
      ) : name === 'sessions' ? (
        <ol class="list timeline">{records.map(props.children)}</ol>
      ) : (
        <ul class="list">{records.map(props.children)}</ul>
      )}
    </>
  );
}

export function ClientPage({ params }: RouteProps) {
  const { lang, audit } = useApp();
  const rejectedKeys = useRejectedKeys();
  const id = params['id'] as string;
  // Each opening of a client's record goes into the device's audit chain.
  useEffect(() => audit('read', 'client', id), [id]);
  const data = useQuery(
    async (s) => {
      const client = await s.get('client', id);
      if (!client || client.deleted) return null;
      const [enrollments, assessments, sessions, facility, phaseChanges, transfers] =
        await Promise.all([
          s.list('enrollment', { client_id: id }),
          s.list('assessment', { client_id: id }),
          s.list('session', { client_id: id }),
          s.get('facility', client.facility_id),
          s.list('phase_change', { client_id: id }),
          s.list('transfer', { client_id: id }),
        ]);
      const releases = await s.list('release', { client_id: id }); // release and aftercare
      sessions.sort((a, b) => String(b['occurred_at']).localeCompare(String(a['occurred_at'])));
      // A transfer recorded here and not yet taken by the server: the client leaves at the sync.
      const leaving = transfers.find((tr) => tr['to_facility_id'] !== client.facility_id);
      // Transfers that brought the client here, named from the kept list of facilities.
      const names = new Map(
        ((await s.getMeta<{ id: string; name: string }[]>('transfer_destinations')) ?? []).map(
          (f) => [f.id, f.name],
        ),
      );
      const arrived = transfers
        .filter((tr) => tr !== leaving)
        .map((tr) => ({
          id: tr.id,
          from: names.get(String(tr['from_facility_id'])) ?? t('transfer.other_facility'),
          on: String(tr['transferred_on'] ?? ''),
        }));
      return {
        client,
        enrollments,
        assessments,
        sessions,
        facility,
        phaseChanges,
        releases,
        leaving,
        arrived,
      };
    },
    [id],
  );
  if (data === undefined) return <p>{t('common.loading')}</p>;
  if (data === null) return <MissingClient id={id} />;
  const {
    client,
    enrollments,
    assessments,
    sessions,
    facility,
    phaseChanges,
    releases,
    leaving,
    arrived,
  } = data;
  const zone = zoneOf(facility?.['timezone']);
  const fields: [string, string][] = [
    ['client.registration_number', String(client['registration_number'] ?? '')],
    ['client.sex', label('sex', client['sex'])],
    ['client.birth_date', formatDate(client['birth_date'] as string, lang) || t('common.none')],
    ['client.case_type', label('case', client['case_type'])],
    [
      'client.admission_date',
      formatDate(client['admission_date'] as string, lang) || t('common.none'),
    ],
    ['client.release_date', formatDate(client['release_date'] as string, lang) || t('common.none')],
    ['client.facility_id', String(facility?.['name'] ?? client.facility_id)],
  ];
  return (
    <article aria-labelledby="client-h" data-testid="client-page">
      <h1 id="client-h" data-testid="client-name">
        {String(client['full_name'] ?? '')}
      </h1>
      <RecordNotices record={client} />
      <ConflictOnRecord record={client} />
      <dl class="details">
        {fields.map(([k, v]) => (
          <DetailRow key={k} term={t(k as 'client.sex')}>
            {v}
          </DetailRow>
        ))}
      </dl>
      <RegisterHistory
        client={client}
        lang={lang}
        facilityName={(fid) =>
          fid === client.facility_id ? String(facility?.['name'] ?? fid) : fid
        }
      />
      <p class="actions">
        <a class="button primary" href={`#/clients/${id}/sessions/new`} data-testid="session-new">
          {t('client.new_session')}
        </a>{' '}
        <a class="button" href={`#/clients/${id}/edit`} data-testid="client-edit">
          {t('client.edit')}
        </a>{' '}
        {leaving ? null : (
          <a class="button" href={`#/clients/${id}/transfer`} data-testid="transfer-new">
            {t('transfer.title')}
          </a>
        )}
      </p>
      {arrived.map((a) => (
        <p class="muted" key={a.id} data-testid="transfer-arrived">
          {t('transfer.arrived', { from: a.from, date: formatDate(a.on, lang) })}
        </p>
      ))}
      {leaving ? (
        <p class="notice" data-testid="transfer-pending">
          {t('transfer.pending', { date: formatDate(leaving['transferred_on'] as string, lang) })}
        </p>
      ) : null}

      <PathView
        lang={lang}
        assessments={assessments}
        enrollments={enrollments}
        phaseChanges={phaseChanges}
        actions={
          <p class="actions">
            <a class="button" href={`#/clients/${id}/enroll`} data-testid="enroll-new">
              {t('path.enroll')}
            </a>
          </p>
        }
        enrollmentExtra={(e) => (
          <>
            <RecordNotices record={e as LocalRecord} detailed={false} rejectedKeys={rejectedKeys} />
            {(e['status'] ?? 'active') === 'active' && (
              <p class="actions">
                <a class="button" href={`#/enrollments/${e.id}/phase`} data-testid="phase-new">
                  {t('path.phase_change')}
                </a>{' '}
                <a class="button" href={`#/enrollments/${e.id}/exit`} data-testid="exit-new">
                  {t('path.exit')}
                </a>
              </p>
            )}
          </>
        )}
      />

      <section aria-labelledby="release-list-h" data-testid="client-releases">
        <h2 id="release-list-h">{t('release.title')}</h2>
        <ReleaseList releases={releases} lang={lang} online={navigator.onLine} />
        <p class="actions">
          <a class="button" href={`#/clients/${id}/release`} data-testid="release-new">
            {t('release.record')}
          </a>
        </p>
      </section>

      <Instruments client={client} />
      <RecordList name="assessments" records={assessments}>
        {(a) => (
          <li key={a.id} data-testid="assessment-row">
            <strong>{label('instrument', a['instrument'])}</strong> ·{' '}
            {formatDate(a['taken_on'] as string, lang)}
            {scoreText(a['scores'], lang) ? (
              <span class="muted">
                {' · '}
                {scoreText(a['scores'], lang)}
              </span>
            ) : null}
          </li>
        )}
      </RecordList>

      <RecordList name="sessions" records={sessions}>
        {(s) => (
          <li key={s.id} data-testid="session-row" data-id={s.id}>
            <a href={`#/sessions/${s.id}`}>
              <strong>{label('kind', s['kind'])}</strong> ·{' '}
              {formatDateTime(s['occurred_at'] as string, zone, lang)}
            </a>{' '}
            <StatusLabel status={s['status']} />
            <RecordNotices record={s} detailed={false} rejectedKeys={rejectedKeys} />
          </li>
        )}
      </RecordList>
    </article>
  );
}
