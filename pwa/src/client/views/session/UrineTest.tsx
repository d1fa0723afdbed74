// The urine test panel of a urine-test session: the panel's name and one row per analyte, each
// picked from the usual panel (stored as its code) or typed under "Lainnya".
import { errorText, label, t, type MessageKey } from '../../../shared/i18n';
import { URINE_RESULTS } from '../../../shared/types';
import { URINE_PANEL, type UrineRow } from '../../session-form';
import { CodeOptions, Field } from '../common';
import { onText, type DraftProps } from './draft-props';

const OTHER = 'other';

/** True when an analyte is one of the choices: a panel code, or a code the catalog words (older
 * records name analytes like `cannabis` or `opiates`). */
function isChoice(analyte: string): boolean {
  return (
    (URINE_PANEL as readonly string[]).includes(analyte) || label('analyte', analyte) !== analyte
  );
}

/** What the row's select shows: its code, "Lainnya" for a typed analyte, '' before a choice. */
function choiceOf(row: UrineRow): string {
  if (row.other || (row.analyte && !isChoice(row.analyte))) return OTHER;
  return row.analyte;
}

/** The panel's codes as the choices of a row. A code of an older record (`cannabis`) stays the
 * row's choice, in the place of the panel code worded the same (`thc`), so the list never
 * offers two "THC (ganja)". */
function panelWith(choice: string): readonly string[] {
  const panel: readonly string[] = URINE_PANEL;
  if (!choice || choice === OTHER || panel.includes(choice)) return panel;
  const words = label('analyte', choice);
  const twin = panel.find((code) => label('analyte', code) === words);
  return twin ? panel.map((code) => (code === twin ? choice : code)) : [...panel, choice];
}

/** The panel field, the analyte rows, and the buttons that add or remove a row. */
export function UrineTest({ draft, update, err }: DraftProps) {
  const setRow = (i: number, patch: Partial<UrineRow>) =>
    update({ urine_rows: draft.urine_rows.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  const resultsError = err('urine_test.results');
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
      {draft.urine_rows.map((row, i) => {
        const choice = choiceOf(row);
        const codes = panelWith(choice);
        return (
          <div class="row" key={i} data-testid="urine-row">
            <Field id={`urine-analyte-${i}`} label={t('session.analyte')}>
              <select
                id={`urine-analyte-${i}`}
                data-testid="urine-analyte"
                value={choice}
                onChange={(e) => {
                  const value = e.currentTarget.value;
                  setRow(
                    i,
                    value === OTHER
                      ? { analyte: '', other: true }
                      : { analyte: value, other: false },
                  );
                }}
              >
                <option value="">{t('common.choose')}</option>
                <CodeOptions codes={codes} group="analyte" />
                <option value={OTHER}>{t('urine.other')}</option>
              </select>
            </Field>
            {choice === OTHER && (
              <Field id={`urine-other-${i}`} label={t('session.analyte_other')}>
                <input
                  id={`urine-other-${i}`}
                  data-testid="urine-other"
                  maxLength={40}
                  value={row.analyte}
                  onInput={(e) => setRow(i, { analyte: e.currentTarget.value })}
                />
              </Field>
            )}
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
        );
      })}
      {resultsError && (
        <p class="error" tabIndex={-1} data-testid="urine-results-error">
          {resultsError.map((e) => errorText(e)).join(' ')}
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
