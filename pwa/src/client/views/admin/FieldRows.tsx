// Per conflicting field: base, server and device values side by side, and the admin's pick —
// the server's value, the device's, or an edited one.
import { label, t } from '../../../shared/i18n';
import { useApp } from '../../context';
import type { ConflictDetail } from '../../staff-api';
import { editText, showValue, type FieldChoice, type Picks } from './conflict-model';

const SIDES: {
  side: 'base' | 'server' | 'client';
  title: 'conflict.base' | 'conflict.server' | 'conflict.client';
}[] = [
  { side: 'base', title: 'conflict.base' },
  { side: 'server', title: 'conflict.server' },
  { side: 'client', title: 'conflict.client' },
];

export function FieldRows(props: {
  conflict: ConflictDetail;
  picks: Picks;
  onPicks: (p: Picks) => void;
  errors: Record<string, string[]>;
  disabled: boolean;
}) {
  const { conflict: c, picks, errors, disabled } = props;
  const { lang } = useApp();
  const pick = (field: string, choice: FieldChoice, text?: string) => {
    const prev = picks[field] ?? { choice: 'server', text: editText(c.server[field]) };
    props.onPicks({ ...picks, [field]: { choice, text: text ?? prev.text } });
  };
  return (
    <div class="conflict-fields" data-testid="conflict-fields">
      {c.fields.map((f) => {
        const current = picks[f] ?? { choice: 'server', text: editText(c.server[f]) };
        const name = `pick-${f}`;
        const now = c.current?.[f];
        const changedSince =
          c.current && JSON.stringify(now ?? null) !== JSON.stringify(c.server[f] ?? null);
        return (
          <fieldset
            key={f}
            class={errors[f] ? 'conflict-field invalid' : 'conflict-field'}
            data-testid="conflict-field"
            data-field={f}
          >
            <legend>{label(c.entity, f)}</legend>
            <div class="sides">
              {SIDES.map(({ side, title }) => (
                <div class={`side side-${side}`} key={side}>
                  <h3>{t(title)}</h3>
                  <p class="value" data-testid={`value-${side}`}>
                    {showValue(c.entity, f, c[side][f], lang)}
                  </p>
                  {side !== 'base' && (
                    <label class="check">
                      <input
                        type="radio"
                        name={name}
                        data-testid={`pick-${side}`}
                        checked={current.choice === side}
                        disabled={disabled}
                        onChange={() => pick(f, side)}
                      />
                      {t(side === 'server' ? 'conflict.pick_server' : 'conflict.pick_client')}
                    </label>
                  )}
                </div>
              ))}
            </div>
            {changedSince && (
              <p class="muted" data-testid="value-now">
                {t('conflict.value_now', { value: showValue(c.entity, f, now, lang) })}
              </p>
            )}
            <label class="check">
              <input
                type="radio"
                name={name}
                data-testid="pick-edit"
                checked={current.choice === 'edit'}
                disabled={disabled}
                onChange={() => pick(f, 'edit')}
              />
              {t('conflict.pick_edit')}
            </label>
            {current.choice === 'edit' && (
              <div class="field">
                <label for={`edit-${f}`}>
                  {t('conflict.edited_value', { field: label(c.entity, f) })}
                </label>
                <textarea
                  id={`edit-${f}`}
                  data-testid="edit-value"
                  rows={3}
                  value={current.text}
                  disabled={disabled}
                  aria-invalid={errors[f] ? true : undefined}
                  aria-describedby={errors[f] ? `edit-${f}-error` : undefined}
                  onInput={(e) => pick(f, 'edit', e.currentTarget.value)}
                />
              </div>
            )}
            {errors[f] && (
              <p class="error" id={`edit-${f}-error`} data-testid="field-error">
                {errors[f].join(' ')}
              </p>
            )}
          </fieldset>
        );
      })}
    </div>
  );
}
