// The labelled controls and the field state the path's forms share (enroll, phase, exit).
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { FieldError } from '../../../shared/validation';
import { Field } from '../common';

/** What was typed, per field, and the handler that keeps it. */
export function useTyped() {
  const [typed, setTyped] = useState<Record<string, string>>({});
  const set = (k: string) => (e: Event) => {
    const v = (e.currentTarget as HTMLInputElement).value;
    setTyped((f) => ({ ...f, [k]: v }));
  };
  return { typed, set };
}

interface ControlProps {
  /** the control's id, also its test id */
  id: string;
  label: string;
  errors?: FieldError[] | undefined;
  messages?: string[] | undefined;
  hint?: string;
  value: string;
  onValue: (e: Event) => void;
}

/** A labelled input (text, date or number) with its errors. */
export function InputField(props: ControlProps & { type?: string; maxLength?: number }) {
  const { id } = props;
  const attrs = { type: props.type ?? 'text' } as Record<string, string>;
  return (
    <Field
      id={id}
      label={props.label}
      errors={props.errors}
      messages={props.messages}
      hint={props.hint}
    >
      <input
        id={id}
        data-testid={id}
        {...attrs}
        maxLength={props.maxLength}
        value={props.value}
        onInput={props.onValue}
      />
    </Field>
  );
}

/** A labelled select of the given options, with its errors. */
export function SelectField(props: ControlProps & { children: ComponentChildren }) {
  const { id } = props;
  return (
    <Field id={id} label={props.label} errors={props.errors} messages={props.messages}>
      <select id={id} data-testid={id} value={props.value} onChange={props.onValue}>
        {props.children}
      </select>
    </Field>
  );
}
