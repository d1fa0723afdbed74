// The result of a screening or assessment: for ASSIST the WHO feedback card (each substance's
// score, its risk band and the WHO's advice for that band, and the injecting flag); for the
// other instruments their scales in words. Read from the definition, so no instrument has a
// card of its own.
import { useEffect, useRef } from 'preact/hooks';
import { localized, t, type Lang } from '../../../shared/i18n';
import { rowIds, type Answers, type InstrumentDef, type Scores } from '../../../shared/instruments';
import { bandRanges, rowScores, scaleValue } from './model';

export function Result(props: {
  def: InstrumentDef;
  scores: Scores;
  answers: Answers;
  lang: Lang;
}) {
  const { def, scores, answers, lang } = props;
  const perRow = def.scales.filter((s) => s.per_row);
  const flat = def.scales.filter((s) => !s.per_row && scores[s.id] !== undefined);
  const scored = rowScores(def, scores);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const never = rowIds(def).filter(
    (row) => !scored.some((s) => s.row.id === row) && row in answers,
  );
  if (!scored.length && !flat.length)
    return <p data-testid="instr-no-scores">{t('instr.no_scores')}</p>;
  return (
    <section class="instr-result" data-testid="instr-result" aria-labelledby="instr-result-h">
      <h2 id="instr-result-h" ref={heading} tabIndex={-1}>
        {perRow.length ? t('instr.feedback') : t('instr.result')}
      </h2>
      {perRow.length > 0 && <p class="muted">{t('instr.feedback_intro')}</p>}
      {scored.length > 0 && (
        <ul class="list feedback" data-testid="feedback-card">
          {scored.map(({ row, score, band }) => {
            const words = def.band_words?.[band];
            return (
              <li key={row.id} class={`band-${band}`} data-testid="feedback-row" data-row={row.id}>
                <strong>
                  {row.letter ? `${row.letter}. ` : ''}
                  {localized(row.label, lang)}
                </strong>{' '}
                <span class="score" data-testid="feedback-score">
                  {score}
                </span>{' '}
                <span class="band" data-testid="feedback-band">
                  {words ? localized(words.label, lang) : band}
                </span>
                <small class="muted" data-testid="feedback-ranges">
                  {bandRanges(def, row.id, lang)}
                </small>
                {words?.advice && <p class="advice">{localized(words.advice, lang)}</p>}
              </li>
            );
          })}
        </ul>
      )}
      {never.length > 0 && (
        <p class="muted" data-testid="feedback-never">
          {t('instr.never_used')}:{' '}
          {never
            .map((id) => localized(def.rows?.options.find((r) => r.id === id)?.label, lang))
            .join(', ')}
        </p>
      )}
      {flat.length > 0 && (
        <dl class="details" data-testid="instr-scales">
          {flat.map((s) => {
            const value = scores[s.id];
            const advice = def.band_words?.[String(value)]?.advice;
            return (
              <div key={s.id} data-testid={`scale-${s.id}`}>
                <dt>{localized(def.scale_words?.[s.id], lang) || s.id}</dt>
                <dd>{scaleValue(def, value, lang)}</dd>
                {advice && <dd class="advice">{localized(advice, lang)}</dd>}
              </div>
            );
          })}
        </dl>
      )}
    </section>
  );
}
