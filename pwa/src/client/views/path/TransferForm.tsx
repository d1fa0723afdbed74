// A transfer (mutasi): the client moves to another facility with their whole history. The same
// fields on the counselor's phone (saved offline, pushed like any change) and on the supervisor's
// client page (POST /clients/<id>/path). The destinations are every facility's name
// (GET /transfer-destinations), kept on the device for offline use.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../../shared/i18n';
import type { AuthPort } from '../../authorized';
import type { Store } from '../../store';
import { createStaffApi, type FacilityEntry } from '../../staff-api';
import { Field } from '../common';
import { InputField, SelectField, useTyped } from './controls';

const DESTINATIONS_META = 'transfer_destinations';

/** Every facility a client may go to: the kept list first, the server's when it answers. */
export function useDestinations(auth: AuthPort, store: Store | null): FacilityEntry[] | null {
  const [list, setList] = useState<FacilityEntry[] | null>(null);
  useEffect(() => {
    let alive = true;
    void (async () => {
      const kept = await store?.getMeta<FacilityEntry[]>(DESTINATIONS_META);
      if (alive && kept) setList(kept);
      try {
        const served = await createStaffApi(auth).transferDestinations();
        if (alive) setList(served);
        await store?.setMeta(DESTINATIONS_META, served);
      } catch {
        if (alive && !kept) setList([]); // offline: the kept list stands, if there is one
      }
    })();
    return () => {
      alive = false;
    };
  }, [auth, store]);
  return list;
}

export interface TransferFields {
  to_facility_id: string;
  transferred_on: string;
  reason: string;
}

/** What the device checks before sending (the server checks it all again). */
export function transferErrors(v: TransferFields, today: string): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  if (!v.to_facility_id) errors['to_facility_id'] = [t('transfer.pick_destination')];
  if (!v.transferred_on) errors['transferred_on'] = [t('transfer.date_required')];
  else if (v.transferred_on > today) errors['transferred_on'] = [t('transfer.not_future')];
  return errors;
}

export function TransferFieldset(props: {
  prefix: string;
  fromFacilityId: string;
  destinations: FacilityEntry[] | null;
  today: string;
  messages: Record<string, string[]>;
  onSubmit: (fields: TransferFields) => void;
}) {
  const { prefix, destinations, messages } = props;
  const { typed, set } = useTyped();
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const choices = (destinations ?? []).filter((f) => f.id !== props.fromFacilityId);
  const value: TransferFields = {
    to_facility_id: typed['to_facility_id'] ?? '',
    transferred_on: typed['transferred_on'] ?? props.today,
    reason: typed['reason'] ?? '',
  };
  const words = (k: string) => [...(errors[k] ?? []), ...(messages[k] ?? [])];

  function submit(e: Event) {
    e.preventDefault();
    const found = transferErrors(value, props.today);
    setErrors(found);
    if (Object.keys(found).length === 0) props.onSubmit(value);
  }

  return (
    <form onSubmit={submit} noValidate data-testid={`${prefix}-form`}>
      <h2>{t('transfer.title')}</h2>
      <p class="muted">{t('transfer.explain')}</p>
      {destinations !== null && choices.length === 0 ? (
        <p class="error" data-testid={`${prefix}-no-destinations`}>
          {t('transfer.no_destinations')}
        </p>
      ) : null}
      <SelectField
        id={`${prefix}-to`}
        label={t('transfer.to_facility')}
        messages={words('to_facility_id')}
        value={value.to_facility_id}
        onValue={set('to_facility_id')}
      >
        <option value="">{t('transfer.choose')}</option>
        {choices.map((f) => (
          <option key={f.id} value={f.id}>
            {f.name} ({f.code})
          </option>
        ))}
      </SelectField>
      <InputField
        id={`${prefix}-on`}
        type="date"
        label={t('transfer.transferred_on')}
        messages={words('transferred_on')}
        value={value.transferred_on}
        onValue={set('transferred_on')}
      />
      <Field id={`${prefix}-reason`} label={t('transfer.reason')} messages={words('reason')}>
        <textarea
          id={`${prefix}-reason`}
          data-testid={`${prefix}-reason`}
          maxLength={500}
          value={value.reason}
          onInput={set('reason')}
        />
      </Field>
      {messages['client_id'] ? <p class="error">{messages['client_id'].join(' ')}</p> : null}
      <button type="submit" class="primary" data-testid={`${prefix}-save`}>
        {t('transfer.save')}
      </button>
    </form>
  );
}
