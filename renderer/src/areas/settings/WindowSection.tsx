import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { CheckField } from '../../kit/form/form';
import { SectionForm, type SectionProps } from './SectionForm';

/** The desktop window: kiosk / full screen for a counter, and starting with the computer. */
export function WindowSection({ view, onSaved }: SectionProps) {
  const { t } = useTranslation();
  const saved = view.settings.shell;
  const [kiosk, setKiosk] = useState(saved.kiosk);
  const [startWithOs, setStartWithOs] = useState(saved.startWithOs);
  const dirty = kiosk !== saved.kiosk || startWithOs !== saved.startWithOs;

  return (
    <SectionForm
      id="window"
      title={t('settings.sections.window')}
      intro={t('settings.window.intro')}
      dirty={dirty}
      save={() => api.updateSettings({ shell: { kiosk, startWithOs } })}
      onSaved={onSaved}
    >
      <CheckField
        id="shell.kiosk"
        label={t('settings.window.kiosk')}
        checked={kiosk}
        onChange={setKiosk}
      />
      <CheckField
        id="shell.startWithOs"
        label={t('settings.window.startWithOs')}
        checked={startWithOs}
        onChange={setStartWithOs}
      />
    </SectionForm>
  );
}
