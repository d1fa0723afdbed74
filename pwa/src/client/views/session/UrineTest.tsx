// The urine test panel of a urine-test session: the panel's name and one row per analyte.
import { t } from '../../../shared/i18n';
import { URINE_RESULTS } from '../../../shared/types';
import type { UrineRow } from '../../session-form';
import { CodeOptions, Field } from '../common';
import { onText, type DraftProps } from './draft-props';

/** The panel field, the analyte rows, and the buttons that add or remove a row. */
export function UrineTest({ draft, update, err }: DraftProps) {
  const setRow = (i: number, patch: Partial<UrineRow>) =>
    update({ urine_rows: draft.urine_rows.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  return (
    <fieldset data-testid="urine-test">
      <legend>{t('session.urine_test')}</legend>
      <Field
        id="urine-panel"
        label={t('session.urine_panel')}
        errors={err('urine_test.panel') ?? err('urine_test')}
      >
        <input
          id="urine-panel"
          data-testid="urine-panel"
          maxLength={40}
          value={draft.urine_panel}
          onInput={onText(update, 'urine_panel')}
        />
      </Field>
      <p id="urine-results-h">{t('session.urine_results')}</p>
      {draft.urine_rows.map((row, i) => (
        <div class="row" key={i} data-testid="urine-row">
          <Field id={`urine-analyte-${i}`} label={t('session.analyte')}>
            <input
              id={`urine-analyte-${i}`}
              data-testid="urine-analyte"
              value={row.analyte}
              onInput={(e) => setRow(i, { analyte: e.currentTarget.value })}
            />
          </Field>
          <Field id={`urine-result-${i}`} label={t('session.result')}>
            <select
              id={`urine-result-${i}`}
              data-testid="urine-result"
              value={row.result}
              onChange={(e) => setRow(i, { result: e.currentTarget.value })}
            >
              <CodeOptions codes={URINE_RESULTS} group="urine" />
            </select>
          </Field>
          <button
            type="button"
            onClick={() => update({ urine_rows: draft.urine_rows.filter((_, j) => j !== i) })}
          >
            {t('session.remove_analyte')}
          </button>
        </div>
      ))}
      {err('urine_test.results') && (
        <p class="error" tabIndex={-1} data-testid="urine-results-error">
          {t('err.required')}
        </p>
      )}
      <button
        type="button"
        data-testid="urine-add"
        onClick={() =>
          update({ urine_rows: [...draft.urine_rows, { analyte: '', result: 'negative' }] })
        }
      >
        {t('session.add_analyte')}
      </button>
    </fieldset>
  );
}
