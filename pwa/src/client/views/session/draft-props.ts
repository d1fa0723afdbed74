// What every part of the session form receives: the draft, a way to change it, and its errors.
import type { FieldError } from '../../../shared/validation';
import type { SessionDraft } from '../../session-form';

export interface DraftProps {
  draft: SessionDraft;
  /** Change some draft fields (saved as a draft at once). */
  update(patch: Partial<SessionDraft>): void;
  /** The validation errors of one record field, if any. */
  err(field: string): FieldError[] | undefined;
}

/** An input or select handler that writes the control's value to one draft field. */
export function onText(update: DraftProps['update'], k: keyof SessionDraft) {
  return (e: Event) =>
    update({ [k]: (e.currentTarget as HTMLInputElement).value } as Partial<SessionDraft>);
}
