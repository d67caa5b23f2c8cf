/**
 * Small form parts shared by the set-up wizard and the settings screen: a labelled field with
 * its hint and error (linked for screen readers), choice cards for radio groups, and the translation of zod issues into field messages.
 * Validation always runs the same zod schemas as the host (shared/settings.ts,
 * shared/contract.ts); only the wording is the renderer's.
 */
import type { InputHTMLAttributes, ReactNode, Ref } from 'react';
import type { TFunction } from 'i18next';
import type { z } from 'zod';

/** Field id → message, for the fields of one form. */
export type FieldErrors = Record<string, string>;

/**
 * Messages for zod issues: `overrides` maps a field path ("manager.pin", "appId") to an i18n
 * key, for fields whose rule has its own wording (formats); everything else gets a generic
 * message from the issue's kind (required, too long, out of range, not a number).
 */
function issueText(t: TFunction, issue: z.core.$ZodIssue, override?: string): string {
  if (override) return t(override);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'int') return t('setup.invalid.wholeNumber');
      if (issue.expected === 'number') return t('setup.invalid.number');
      return t('setup.invalid.required');
    case 'too_small':
      if (issue.origin === 'string') return t('setup.invalid.required');
      if (issue.origin === 'array') return t('setup.invalid.required');
      return t('setup.invalid.atLeast', { min: Number(issue.minimum) });
    case 'too_big':
      if (issue.origin === 'string')
        return t('setup.invalid.tooLong', { max: Number(issue.maximum) });
      if (issue.origin === 'array')
        return t('setup.invalid.tooMany', { max: Number(issue.maximum) });
      return t('setup.invalid.atMost', { max: Number(issue.maximum) });
    default:
      return t('setup.invalid.check');
  }
}

/**
 * Runs `schema` on `value` and returns the errors by field id: the issue path joined with
 * "." and prefixed with `prefix` (for a single value, the field id itself). The first issue of
 * a field wins.
 */
export function validate<S extends z.ZodType>(
  t: TFunction,
  schema: S,
  value: unknown,
  { prefix = '', overrides = {} }: { prefix?: string; overrides?: Record<string, string> } = {},
): { ok: true; data: z.output<S>; errors: FieldErrors } | { ok: false; errors: FieldErrors } {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, data: parsed.data, errors: {} };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const path = issue.path.map(String).join('.');
    const id = path ? prefix + path : prefix || 'value';
    if (errors[id] === undefined) errors[id] = issueText(t, issue, overrides[path]);
  }
  return { ok: false, errors };
}

/** "" for an empty field (so zod says "a number"), else the number typed. */
export function numberFrom(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text.trim());
}

/** Focuses the first field of `ids` that has an error (the fields exist before errors show). */
export function focusFirstError(errors: FieldErrors, order: readonly string[]) {
  const first = order.find((id) => errors[id] !== undefined) ?? Object.keys(errors)[0];
  if (first) document.getElementById(first)?.focus();
}

function describedBy(id: string, hint?: ReactNode, error?: string) {
  return (
    [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined
  );
}

export function FieldMessages({
  id,
  hint,
  error,
}: {
  id: string;
  hint?: ReactNode;
  error?: string | undefined;
}) {
  return (
    <>
      {hint && (
        <small id={`${id}-hint`} className="field-hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} className="field-error">
          <span aria-hidden="true">⚠ </span>
          {error}
        </small>
      )}
    </>
  );
}

interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  inputRef?: Ref<HTMLInputElement>;
  /** A unit shown after the input ("ms", "%"). */
  unit?: string;
  className?: string;
}

/** A labelled input with its hint and its error under it. */
export function TextField({
  id,
  label,
  hint,
  error,
  inputRef,
  unit,
  className,
  ...rest
}: TextFieldProps) {
  return (
    <div className={`field${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      <div className="field-input">
        <input
          id={id}
          ref={inputRef}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(id, hint, error)}
          {...rest}
        />
        {unit && <span className="field-unit">{unit}</span>}
      </div>
      <FieldMessages id={id} hint={hint} error={error} />
    </div>
  );
}

interface ChoiceOption<V extends string> {
  value: V;
  label: string;
  hint?: string;
}

/** A radio group drawn as cards: a title and a line of explanation each, 44 px and up. */
export function ChoiceCards<V extends string>({
  name,
  legend,
  value,
  options,
  onChange,
  error,
  hint,
  columns,
}: {
  name: string;
  legend: string;
  /** A line under the cards, about the whole choice. */
  hint?: string;
  value: V;
  options: readonly ChoiceOption<V>[];
  onChange: (value: V) => void;
  error?: string | undefined;
  columns?: number;
}) {
  return (
    <fieldset className="choices">
      <legend>{legend}</legend>
      <div
        className="choice-cards"
        style={columns ? { gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` } : undefined}
      >
        {options.map((o) => (
          <label key={o.value} className="choice-card">
            <input
              type="radio"
              name={name}
              value={o.value}
              checked={value === o.value}
              onChange={() => onChange(o.value)}
            />
            <span className="choice-text">
              <strong>{o.label}</strong>
              {o.hint && <small>{o.hint}</small>}
            </span>
          </label>
        ))}
      </div>
      {hint && <small className="field-hint">{hint}</small>}
      {error && (
        <small className="field-error">
          <span aria-hidden="true">⚠ </span>
          {error}
        </small>
      )}
    </fieldset>
  );
}

/** A checkbox with its label on the right, 44 px tall. */
export function CheckField({
  id,
  label,
  checked,
  onChange,
  hint,
}: {
  id: string;
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  hint?: string;
}) {
  return (
    <div className="field">
      <label className="check" htmlFor={id}>
        <input
          id={id}
          type="checkbox"
          checked={checked}
          aria-describedby={hint ? `${id}-hint` : undefined}
          onChange={(e) => onChange(e.target.checked)}
        />
        <span>{label}</span>
      </label>
      <FieldMessages id={id} hint={hint} />
    </div>
  );
}
