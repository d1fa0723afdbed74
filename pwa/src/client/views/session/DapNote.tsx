// The DAP note: data, assessment, plan.
import { t, type MessageKey } from '../../../shared/i18n';
import { describe, Field } from '../common';
import { onText, type DraftProps } from './draft-props';

const NOTE_FIELDS = ['note_data', 'note_assessment', 'note_plan'] as const;

/** The three note text areas. */
export function DapNote({ draft, update, err }: DraftProps) {
  return (
    <>
      {NOTE_FIELDS.map((k) => (
        <Field key={k} id={`session-${k}`} label={t(`session.${k}` as MessageKey)} errors={err(k)}>
          <textarea
            id={`session-${k}`}
            data-testid={`session-${k.replace('_', '-')}`}
            rows={4}
            maxLength={20000}
            value={draft[k]}
            onInput={onText(update, k)}
            {...describe(`session-${k}`, err(k))}
          />
        </Field>
      ))}
    </>
  );
}
