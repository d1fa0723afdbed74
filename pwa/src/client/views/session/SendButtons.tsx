// The form's two ways out: keep it as a draft, or send it to the supervisor. Sending asks once
// more, because a sent session goes to a reviewer and cannot be taken back by a stray tap.
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../../../shared/i18n';

/** "Simpan draf" and "Kirim ke supervisor", or the question that sending asks. */
export function SendButtons(props: {
  confirming: boolean;
  onDraft: () => void;
  onAsk: () => void;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { confirming } = props;
  const yes = useRef<HTMLButtonElement>(null);
  const send = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  useEffect(() => {
    // The question takes the focus; when it is dismissed the focus goes back to "Kirim".
    if (confirming) yes.current?.focus();
    else if (asked.current) send.current?.focus();
    asked.current = confirming;
  }, [confirming]);
  if (confirming) {
    return (
      <div
        class="alert alert-info"
        role="group"
        aria-labelledby="session-confirm-text"
        data-testid="session-confirm"
      >
        <p id="session-confirm-text">{t('session.confirm_submit')}</p>
        <div class="buttons">
          <button
            type="button"
            class="primary"
            ref={yes}
            data-testid="session-submit-confirm"
            onClick={props.onConfirm}
          >
            {t('session.confirm_yes')}
          </button>
          <button type="button" data-testid="session-submit-cancel" onClick={props.onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </div>
    );
  }
  return (
    <div class="buttons">
      <button type="button" data-testid="session-save-draft" onClick={props.onDraft}>
        {t('session.save_draft')}
      </button>
      <button
        type="button"
        class="primary"
        ref={send}
        data-testid="session-submit"
        onClick={props.onAsk}
      >
        {t('session.submit')}
      </button>
    </div>
  );
}
