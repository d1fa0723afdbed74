// The risk flags of a session, as checkboxes.
import { label, t } from '../../../shared/i18n';
import { RISK_FLAGS } from '../../../shared/types';
import type { DraftProps } from './draft-props';

/** One checkbox per risk flag. */
export function RiskFlags({ draft, update }: Pick<DraftProps, 'draft' | 'update'>) {
  return (
    <fieldset class="checks">
      <legend>{t('session.risk_flags')}</legend>
      {RISK_FLAGS.map((f) => (
        <label key={f} class="check">
          <input
            type="checkbox"
            data-testid={`risk-${f}`}
            checked={draft.risk_flags.includes(f)}
            onChange={(e) =>
              update({
                risk_flags: e.currentTarget.checked
                  ? [...draft.risk_flags, f]
                  : draft.risk_flags.filter((x) => x !== f),
              })
            }
          />
          {label('risk', f)}
        </label>
      ))}
    </fieldset>
  );
}
