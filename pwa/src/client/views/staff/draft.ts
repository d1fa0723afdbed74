// Drafts of staff forms (a review comment, a conflict resolution, a new user) that survive a
// dropped connection or a reload.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useApp } from '../../context';

/**
 * A form value kept as a draft in the user's IndexedDB (wiped with it on revoke), so that a
 * dropped connection or a reload loses nothing typed. Every change is written at once: a reload
 * right after a keystroke must not lose it. Returns [value, set, clear, restored].
 */
export function useDraft<T>(
  key: string,
  initial: T,
): [T, (v: T) => void, () => Promise<void>, boolean] {
  const { store } = useApp();
  const [value, setValue] = useState<T>(initial);
  const [restored, setRestored] = useState(false);
  const touched = useRef(false);
  const fullKey = `staff:${key}`;
  useEffect(() => {
    let alive = true;
    touched.current = false;
    setValue(initial);
    setRestored(false);
    store.getDraft<T>(fullKey).then(
      (saved) => {
        // Typing that began before the draft was read wins over the draft.
        if (!alive || saved === undefined || touched.current) return;
        setValue(saved);
        setRestored(true);
      },
      () => undefined,
    );
    return () => {
      alive = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fullKey, store]);
  const set = (v: T) => {
    touched.current = true;
    setValue(v);
    void store.putDraft(fullKey, v).catch(() => undefined);
  };
  const clear = async () => {
    setRestored(false);
    await store.deleteDraft(fullKey).catch(() => undefined);
  };
  return [value, set, clear, restored];
}
