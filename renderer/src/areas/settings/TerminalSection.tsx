import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, type Language } from '../../../../shared/i18n';
import { Settings } from '../../../../shared/settings';
import { TimeZoneSchema } from '../../../../shared/time-zone';
import { api } from '../../api';
import {
  ChoiceCards,
  focusFirstError,
  TextField,
  validate,
  type FieldErrors,
} from '../../kit/form/form';
import { setLanguage } from '../../i18n';
import { TimeZoneField } from '../../kit/form/TimeZoneField';
import { SectionForm, type SectionProps } from './SectionForm';

const LANGUAGE_NAMES: Record<Language, string> = { 'zh-CN': '中文', en: 'English' };
const ORDER = ['terminal.name', 'terminal.id', 'store.name', 'store.poiId', 'timeZone'];

/** Terminal name and id, store name, WeChat store id and time zone, the terminal's language. */
export function TerminalSection({ view, onSaved }: SectionProps) {
  const { t } = useTranslation();
  const s = view.settings;
  const [name, setName] = useState(s.terminal.name);
  const [id, setId] = useState(s.terminal.id);
  const [storeName, setStoreName] = useState(s.store.name);
  const [poiId, setPoiId] = useState(s.store.poiId === undefined ? '' : String(s.store.poiId));
  const [language, setLang] = useState<Language>(s.language);
  const [timeZone, setTimeZone] = useState(s.timeZone);
  const [errors, setErrors] = useState<FieldErrors>({});

  const poi = poiId.trim() === '' ? undefined : /^\d+$/.test(poiId.trim()) ? Number(poiId) : NaN;
  const draft = {
    terminal: { name, id },
    store: poi === undefined ? {} : { poiId: poi },
  };
  const dirty =
    name !== s.terminal.name ||
    id !== s.terminal.id ||
    storeName !== s.store.name ||
    poi !== s.store.poiId ||
    timeZone !== s.timeZone ||
    language !== s.language;

  function save() {
    const terminal = validate(t, Settings.shape.terminal, draft.terminal, {
      prefix: 'terminal.',
      overrides: { id: 'setup.invalid.terminalId' },
    });
    const store = validate(
      t,
      Settings.shape.store,
      { name: storeName, ...draft.store },
      { prefix: 'store.', overrides: { poiId: 'setup.invalid.poiId' } },
    );
    const zone = validate(t, TimeZoneSchema, timeZone, {
      prefix: 'timeZone',
      overrides: { '': 'timeZone.invalid' },
    });
    const found = { ...terminal.errors, ...store.errors, ...zone.errors };
    setErrors(found);
    if (!terminal.ok || !store.ok || !zone.ok) {
      focusFirstError(found, ORDER);
      return null;
    }
    return api
      .updateSettings({
        terminal: terminal.data,
        store: store.data,
        language,
        timeZone: zone.data,
      })
      .then(async (v) => {
        if (language !== s.language) await setLanguage(language);
        return v;
      });
  }

  return (
    <SectionForm
      id="terminal"
      title={t('settings.sections.terminal')}
      intro={t('settings.terminal.intro')}
      dirty={dirty}
      save={save}
      onSaved={onSaved}
    >
      <div className="field-grid">
        <TextField
          id="terminal.name"
          label={t('setup.fields.terminalName')}
          hint={t('setup.fields.terminalNameHint')}
          value={name}
          maxLength={64}
          onChange={(e) => setName(e.target.value)}
          error={errors['terminal.name']}
        />
        <TextField
          id="terminal.id"
          label={t('setup.fields.terminalId')}
          hint={t('settings.terminal.idHint')}
          value={id}
          maxLength={32}
          spellCheck={false}
          autoCapitalize="off"
          onChange={(e) => setId(e.target.value)}
          error={errors['terminal.id']}
        />
        <TextField
          id="store.name"
          label={t('setup.fields.storeName')}
          value={storeName}
          maxLength={64}
          onChange={(e) => setStoreName(e.target.value)}
          error={errors['store.name']}
        />
        <TextField
          id="store.poiId"
          label={t('setup.fields.poiId')}
          hint={t('setup.fields.poiIdHint')}
          value={poiId}
          inputMode="numeric"
          autoComplete="off"
          onChange={(e) => setPoiId(e.target.value)}
          error={errors['store.poiId']}
        />
        <TimeZoneField
          id="timeZone"
          className="span-all"
          value={timeZone}
          onChange={setTimeZone}
          error={errors.timeZone}
        />
      </div>
      <ChoiceCards<Language>
        name="terminal-language"
        legend={t('settings.terminal.language')}
        hint={t('settings.terminal.languageHint')}
        value={language}
        columns={2}
        onChange={setLang}
        options={LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
      />
    </SectionForm>
  );
}
