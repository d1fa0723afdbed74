// The filters above the staff lists: one labelled select, and the facility filter.
import { t } from '../../../shared/i18n';
import type { Facility } from '../../staff-api';

/** One labelled filter: a select of [value, text] options, with an optional "all" choice first;
 * its test id is its id unless told. */
export function FilterSelect({
  id,
  testid = id,
  label,
  value,
  options,
  all,
  onChange,
}: {
  id: string;
  testid?: string;
  label: string;
  value: string;
  options: readonly (readonly [string, string])[];
  all?: string;
  onChange: (value: string) => void;
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select
        id={id}
        data-testid={testid}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
      >
        {all !== undefined && <option value="">{all}</option>}
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The facility filter of the staff views: one facility in scope, or all of them. */
export function FacilityFilter(props: {
  id: string;
  testid?: string;
  facilities: Facility[] | undefined;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <FilterSelect
      id={props.id}
      testid={props.testid}
      label={t('staff.facility')}
      value={props.value}
      all={t('staff.all_facilities')}
      options={(props.facilities ?? []).map((f) => [f.id, `${f.code} — ${f.name}`] as const)}
      onChange={props.onChange}
    />
  );
}
