/**
 * The fields of an operator, as the set-up wizard asks them of the first manager and the
 * operators screen of a new operator: id, name, (the role, where it can be chosen) and the PIN
 * typed twice. The PIN pair alone serves a PIN change.
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { TextField, type FieldErrors } from './form';

/** What a PIN field keeps of what is typed: digits, at most eight. */
const pinDigits = (s: string) => s.replace(/\D/g, '').slice(0, 8);

export interface OperatorDraft {
  id: string;
  name: string;
  pin: string;
  repeat: string;
}
/** The field ids, which are also the keys of their messages in `errors`. */
export type OperatorFieldIds = Record<keyof OperatorDraft, string>;

/** The repeated PIN's message when the PIN itself is fine but the two differ. */
export function checkPinRepeat(
  errors: FieldErrors,
  ids: Pick<OperatorFieldIds, 'pin' | 'repeat'>,
  draft: Pick<OperatorDraft, 'pin' | 'repeat'>,
  t: TFunction,
): FieldErrors {
  if (errors[ids.pin] === undefined && draft.pin !== draft.repeat) {
    errors[ids.repeat] = t('setup.invalid.pinMismatch');
  }
  return errors;
}

export function PinFields({
  ids,
  value,
  onChange,
  errors,
  pinLabel,
  autoFocus,
  fieldClassName,
}: {
  ids: Pick<OperatorFieldIds, 'pin' | 'repeat'>;
  /** A size modifier for both fields (e.g. field--inline in a row editor). */
  fieldClassName?: string;
  value: Pick<OperatorDraft, 'pin' | 'repeat'>;
  onChange: (patch: Partial<OperatorDraft>) => void;
  errors: FieldErrors;
  pinLabel?: string;
  autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <>
      <TextField
        id={ids.pin}
        className={fieldClassName}
        label={pinLabel ?? t('setup.fields.pin')}
        hint={t('setup.fields.pinHint')}
        type="password"
        inputMode="numeric"
        autoComplete="new-password"
        autoFocus={autoFocus}
        maxLength={8}
        value={value.pin}
        onChange={(e) => onChange({ pin: pinDigits(e.target.value) })}
        error={errors[ids.pin]}
      />
      <TextField
        id={ids.repeat}
        className={fieldClassName}
        label={t('setup.fields.pinRepeat')}
        type="password"
        inputMode="numeric"
        autoComplete="new-password"
        maxLength={8}
        value={value.repeat}
        onChange={(e) => onChange({ repeat: pinDigits(e.target.value) })}
        error={errors[ids.repeat]}
      />
    </>
  );
}

export function OperatorFields({
  ids,
  value,
  onChange,
  errors,
  children,
}: {
  ids: OperatorFieldIds;
  value: OperatorDraft;
  onChange: (patch: Partial<OperatorDraft>) => void;
  errors: FieldErrors;
  /** Fields between the name and the PIN (the role). */
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <>
      <TextField
        id={ids.id}
        label={t('setup.fields.operatorId')}
        hint={t('setup.fields.operatorIdHint')}
        value={value.id}
        autoComplete="off"
        autoCapitalize="off"
        spellCheck={false}
        maxLength={32}
        onChange={(e) => onChange({ id: e.target.value })}
        error={errors[ids.id]}
      />
      <TextField
        id={ids.name}
        label={t('setup.fields.name')}
        value={value.name}
        maxLength={64}
        autoComplete="off"
        onChange={(e) => onChange({ name: e.target.value })}
        error={errors[ids.name]}
      />
      {children}
      <PinFields ids={ids} value={value} onChange={onChange} errors={errors} />
    </>
  );
}
