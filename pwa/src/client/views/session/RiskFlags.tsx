// The risk flags of a session, as checkboxes; an alarming flag shows the program's checklist.
import { useEffect, useState } from 'preact/hooks';
import { label, t, type MessageKey } from '../../../shared/i18n';
import { ALERT_FLAGS, RISK_FLAGS } from '../../../shared/types';
import { useApp } from '../../context';
import { createStaffApi } from '../../staff-api';
import type { DraftProps } from './draft-props';

type Checklists = Record<string, string[]>;
const CHECKLISTS_META = 'checklists';

/** The deployment's checklist words (GET /checklists), kept on the device for offline use. */
function useChecklists(): Checklists {
  const { store, auth } = useApp();
  const [lists, setLists] = useState<Checklists>({});
  useEffect(() => {
    let alive = true;
    void store.getMeta<Checklists>(CHECKLISTS_META).then((kept) => alive && kept && setLists(kept));
    createStaffApi(auth)
      .checklists()
      .then(
        (served) => {
          if (alive) setLists(served);
          return store.setMeta(CHECKLISTS_META, served);
        },
        () => undefined, // offline: the kept words, or the app's own, stand
      );
    return () => {
      alive = false;
    };
  }, [store, auth]);
  return lists;
}

/** What to do at once for an alarming flag: the deployment's words, else the app's own. */
export function checklistFor(flag: string, served: Checklists): string[] {
  return served[flag]?.length ? served[flag] : t(`checklist.${flag}` as MessageKey).split('\n');
}

/** One checkbox per risk flag, and the checklist of each alarming flag that is ticked. */
export function RiskFlags({ draft, update }: Pick<DraftProps, 'draft' | 'update'>) {
  const served = useChecklists();
  const alarming = ALERT_FLAGS.filter((f) => draft.risk_flags.includes(f));
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
      {alarming.map((f) => (
        <div key={f} class="alert alert-warn" role="alert" data-testid={`checklist-${f}`}>
          <p>
            <strong>{t('checklist.title', { flag: label('risk', f) })}</strong>
          </p>
          <ol>
            {checklistFor(f, served).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ol>
        </div>
      ))}
    </fieldset>
  );
}
