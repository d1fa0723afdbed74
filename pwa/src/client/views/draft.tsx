// Drafts of the counselor's forms (a session, a client): every change is written to the user's
// IndexedDB at once, so a killed tab or a reload loses nothing typed, and reopening the form
// restores it with a way to throw it away.
import { useRef, useState } from 'preact/hooks';
import { t } from '../../shared/i18n';
import { useApp } from '../context';

export type DraftState = 'idle' | 'saving' | 'saved';

/** Writes a form's state under `key` on every change; `state` is 'saved' once the last change
 * is on disk, so the counselor can see that nothing is at risk. */
export function useDraftWriter(key: string): { state: DraftState; write(value: unknown): void } {
  const { store } = useApp();
  const [state, setState] = useState<DraftState>('idle');
  const edits = useRef(0);
  return {
    state,
    write(value) {
      const edit = ++edits.current;
      setState('saving');
      // Not awaited, so typing never waits for the disk. IndexedDB runs write transactions on
      // one store in order, so the last put holds the last keystroke.
      void store.putDraft(key, value).then(
        () => edit === edits.current && setState('saved'),
        () => undefined,
      );
    },
  };
}

/** "Isian tersimpan otomatis di perangkat." once the last change is on disk. */
export function DraftStatus({ state }: { state: DraftState }) {
  return (
    <p class="muted" data-testid="draft-status" data-state={state} aria-live="polite">
      {state === 'saved' ? t('draft.saved') : ''}
    </p>
  );
}

/** The notice of a draft restored from an earlier visit, with a way to throw it away. */
export function DraftRestored({ onDiscard }: { onDiscard: () => void }) {
  return (
    <p class="alert alert-info" data-testid="draft-restored">
      {t('draft.restored')}{' '}
      <button type="button" class="link" data-testid="draft-discard" onClick={onDiscard}>
        {t('draft.discard')}
      </button>
    </p>
  );
}
