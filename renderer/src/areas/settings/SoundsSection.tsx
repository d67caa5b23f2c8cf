import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Settings } from '../../../../shared/settings';
import { api } from '../../api';
import { CheckField, validate } from '../../kit/form/form';
import { playSound, type SoundKind } from '../../kit/verdict/sound';
import { SectionForm, type SectionProps } from './SectionForm';
import { settingLimits } from '../../kit/form/setting-limits';

const SoundSettings = Settings.shape.sound.unwrap();

/** Mute and volume of the counter's accept, reject and warning sounds. */
export function SoundsSection({ view, onSaved }: SectionProps) {
  const { t } = useTranslation();
  const saved = view.settings.sound;
  const [muted, setMuted] = useState(saved.muted);
  const [percent, setPercent] = useState(Math.round(saved.volume * 100));
  const draft = { muted, volume: percent / 100 };
  const dirty = muted !== saved.muted || Math.round(saved.volume * 100) !== percent;

  function save() {
    const result = validate(t, SoundSettings, draft);
    return result.ok ? api.updateSettings({ sound: result.data }) : null;
  }

  return (
    <SectionForm
      id="sounds"
      title={t('settings.sections.sounds')}
      intro={t('settings.sounds.intro')}
      dirty={dirty}
      save={save}
      onSaved={onSaved}
    >
      <CheckField
        id="sound.muted"
        label={t('settings.sounds.muted')}
        checked={muted}
        onChange={setMuted}
      />
      <div className="field volume">
        <label htmlFor="sound.volume">{t('settings.sounds.volume')}</label>
        <div className="field-input">
          <input
            id="sound.volume"
            type="range"
            {...settingLimits('sound.volume', 0.01)}
            step={5}
            value={percent}
            disabled={muted}
            aria-valuetext={t('settings.sounds.percent', { percent })}
            onChange={(e) => setPercent(Number(e.target.value))}
          />
          <output htmlFor="sound.volume" className="volume-value">
            {t('settings.sounds.percent', { percent })}
          </output>
        </div>
        {muted && <small className="field-hint">{t('settings.sounds.mutedHint')}</small>}
      </div>
      <div className="field">
        <span className="field-label" id="sound-try">
          {t('settings.sounds.try')}
        </span>
        <div className="confirm-actions" role="group" aria-labelledby="sound-try">
          {(['accept', 'reject', 'warning'] as SoundKind[]).map((kind) => (
            <button
              key={kind}
              type="button"
              className="secondary"
              onClick={() => playSound(kind, { muted: false, volume: percent / 100 })}
            >
              <span aria-hidden="true">▶ </span>
              {t(`settings.sounds.kinds.${kind}`)}
            </button>
          ))}
        </div>
      </div>
    </SectionForm>
  );
}
