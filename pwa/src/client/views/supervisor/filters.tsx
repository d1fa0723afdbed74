// The filters above the supervisor's lists: one labelled select, and the facility choices.
import type { Facility } from '../../staff-api';

/** One labelled filter: a select of [value, text] options, with an optional "all" choice first. */
export function FilterSelect({
  id,
  testid,
  label,
  value,
  options,
  all,
  onChange,
}: {
  id: string;
  testid: string;
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

/** The facility filter of the staff views: every facility in scope, or all of them. */
export function facilityOptions(facilities: Facility[] | undefined): [string, string][] {
  return (facilities ?? []).map((f) => [f.id, `${f.code} — ${f.name}`]);
}
