// "Cadangkan ke file": the sealed outbox of this device as a file (on the login screen, for a
// tablet whose data was erased, and in Settings), and an admin's import of such a file.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../shared/i18n';
import type { PushResult } from '../../shared/types';
import { useApp } from '../context';
import { downloadBackup, type SealedBackup } from '../vault/sealed';

/** The backup button; hidden while nothing waits sealed. */
export function BackupButton(props: {
  backup: () => Promise<SealedBackup | null>;
  /** told once a file was saved (an export, for the device's audit chain) */
  onSaved?: () => void;
}) {
  const [count, setCount] = useState(0);
  const [message, setMessage] = useState('');
  const { backup } = props;
  useEffect(() => {
    void backup().then((b) => setCount(b?.sealed.length ?? 0));
  }, [backup]);
  if (!count) return null;
  async function save() {
    const b = await backup();
    if (!b) return;
    downloadBackup(b);
    props.onSaved?.();
    setMessage(t('vault.backup_done', { n: b.sealed.length }));
  }
  return (
    <div class="backup">
      <p id="backup-help">{t('vault.backup_help', { n: count })}</p>
      <button type="button" data-testid="backup-save" aria-describedby="backup-help" onClick={save}>
        {t('vault.backup')}
      </button>
      <p role="status" data-testid="backup-message">
        {message}
      </p>
    </div>
  );
}

/** The admin's upload of a backup file: processed like a push from that device. */
export function VaultImport() {
  const app = useApp();
  const [results, setResults] = useState<PushResult[] | null>(null);
  const [error, setError] = useState('');
  async function upload(e: Event) {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (!file) return;
    setError('');
    setResults(null);
    try {
      const body: unknown = JSON.parse(await file.text());
      setResults(await app.importBackup(body));
    } catch {
      setError(t('vault.import_failed'));
    }
  }
  const count = (status: string) => results?.filter((r) => r.status === status).length ?? 0;
  return (
    <section aria-labelledby="vault-import-h">
      <h1 id="vault-import-h">{t('vault.import_title')}</h1>
      <p id="vault-import-help">{t('vault.import_help')}</p>
      <input
        type="file"
        accept="application/json,.json"
        data-testid="vault-import-file"
        aria-describedby="vault-import-help"
        onChange={upload}
      />
      <p class="error" role="alert" data-testid="vault-import-error">
        {error}
      </p>
      {results && (
        <p role="status" data-testid="vault-import-result">
          {t('vault.import_result', {
            n: results.length,
            taken: count('applied') + count('merged') + count('conflict'),
            rejected: count('rejected'),
          })}
        </p>
      )}
    </section>
  );
}
