// "Keluar" while changes wait to be sent: they are not lost (the vault keeps them for this
// user's next login, and a sealed copy outlives any wipe), but the counselor should know.
import { t } from '../../shared/i18n';

export function LogoutWarning(props: { waiting: number; onAnswer: (go: boolean) => void }) {
  return (
    <main id="main" class="login" data-testid="logout-warning">
      <h1>{t('vault.logout_title')}</h1>
      <p>{t('vault.logout_pending', { n: props.waiting })}</p>
      <button
        type="button"
        class="primary"
        data-testid="logout-cancel"
        onClick={() => props.onAnswer(false)}
      >
        {t('vault.logout_stay')}
      </button>
      <button type="button" data-testid="logout-confirm" onClick={() => props.onAnswer(true)}>
        {t('vault.logout_go')}
      </button>
    </main>
  );
}
