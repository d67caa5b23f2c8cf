import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Settings } from '../../../../shared/settings';
import { api } from '../../api';
import {
  focusFirstError,
  numberFrom,
  TextField,
  validate,
  type FieldErrors,
} from '../../kit/form/form';
import { SectionForm, type SectionProps } from './SectionForm';
import { settingLimits } from '../../kit/form/setting-limits';

/** How long the terminal may sit idle before it locks and asks for a PIN. */
export function SecuritySection({ view, onSaved }: SectionProps) {
  const { t } = useTranslation();
  const saved = view.settings.idleLockMinutes;
  const [minutes, setMinutes] = useState(String(saved));
  const [errors, setErrors] = useState<FieldErrors>({});
  const dirty = numberFrom(minutes) !== saved;

  function save() {
    const result = validate(t, Settings.shape.idleLockMinutes.unwrap(), numberFrom(minutes), {
      prefix: 'idleLockMinutes',
    });
    setErrors(result.errors);
    if (!result.ok) {
      focusFirstError(result.errors, ['idleLockMinutes']);
      return null;
    }
    return api.updateSettings({ idleLockMinutes: result.data });
  }

  return (
    <SectionForm
      id="security"
      title={t('settings.sections.security')}
      intro={t('settings.security.intro')}
      dirty={dirty}
      save={save}
      onSaved={onSaved}
    >
      <div className="field-grid">
        <TextField
          id="idleLockMinutes"
          label={t('settings.security.idleLock')}
          hint={t('settings.security.idleLockHint')}
          type="number"
          {...settingLimits('idleLockMinutes')}
          unit={t('settings.units.minutes')}
          value={minutes}
          onChange={(e) => setMinutes(e.target.value)}
          error={errors.idleLockMinutes}
        />
      </div>
    </SectionForm>
  );
}
