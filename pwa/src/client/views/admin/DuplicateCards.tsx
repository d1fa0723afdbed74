// A duplicate client: the existing client and the newcomer as two cards, and per differing field
// whether the merged client takes the newcomer's value.
import { label, t } from '../../../shared/i18n';
import { useApp } from '../../context';
import type { ConflictDetail } from '../../staff-api';
import { CLIENT_FIELDS, differingFields, duplicatePair, showValue } from './conflict-model';

export function DuplicateCards(props: {
  conflict: ConflictDetail;
  picked: string[];
  onPick: (fields: string[]) => void;
  disabled: boolean;
}) {
  const { conflict: c, picked, disabled } = props;
  const { lang } = useApp();
  const { existing, newcomer } = duplicatePair(c);
  const differing = differingFields(c);
  const cards = [
    { who: 'existing', title: 'conflict.existing_client', record: existing },
    { who: 'newcomer', title: 'conflict.new_client', record: newcomer },
  ] as const;
  const toggle = (field: string, fromNewcomer: boolean) =>
    props.onPick(
      fromNewcomer ? [...new Set([...picked, field])] : picked.filter((f) => f !== field),
    );
  return (
    <>
      <div class="cards">
        {cards.map(({ who, title, record }) => (
          <section
            class="card"
            key={who}
            aria-labelledby={`dup-${who}`}
            data-testid={`client-card-${who}`}
          >
            <h2 id={`dup-${who}`}>{t(title)}</h2>
            <dl>
              {CLIENT_FIELDS.map((f) => (
                <div key={f} class={differing.includes(f) ? 'differs' : undefined}>
                  <dt>{label('client', f)}</dt>
                  <dd data-field={f}>{showValue('client', f, record[f], lang)}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
      {differing.length > 0 && (
        <fieldset data-testid="duplicate-picks">
          <legend>{t('conflict.merge_picks')}</legend>
          {differing.map((f) => {
            const fromNewcomer = picked.includes(f);
            return (
              <div class="field inline" key={f} role="radiogroup" aria-label={label('client', f)}>
                <strong>{label('client', f)}</strong>
                <label class="check">
                  <input
                    type="radio"
                    name={`dup-${f}`}
                    checked={!fromNewcomer}
                    disabled={disabled}
                    onChange={() => toggle(f, false)}
                  />
                  {showValue('client', f, existing[f], lang)}
                </label>
                <label class="check">
                  <input
                    type="radio"
                    name={`dup-${f}`}
                    data-testid={`dup-pick-${f}`}
                    checked={fromNewcomer}
                    disabled={disabled}
                    onChange={() => toggle(f, true)}
                  />
                  {showValue('client', f, newcomer[f], lang)}
                </label>
              </div>
            );
          })}
        </fieldset>
      )}
    </>
  );
}
