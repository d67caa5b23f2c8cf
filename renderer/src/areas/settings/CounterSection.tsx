import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  CameraSettings,
  ScannerSettings,
  Settings,
  type ScanMode,
} from '../../../../shared/settings';
import { api } from '../../api';
import {
  CheckField,
  ChoiceCards,
  focusFirstError,
  numberFrom,
  TextField,
  validate,
  type FieldErrors,
} from '../../kit/form/form';
import { SectionForm, type SectionProps } from './SectionForm';
import { settingLimits } from '../../kit/form/setting-limits';

const ScanSettings = Settings.shape.scan.unwrap();
type Scan = Settings['scan'];
type Suffix = Scan['scanner']['suffix'];
type Mirror = Scan['camera']['mirror'];
type Format = Scan['camera']['formats'][number];
type CameraBox = Scan['camera']['box'];
const BOXES: readonly CameraBox[] = ['auto', 'show', 'hide'];
const FORMATS = CameraSettings.shape.formats.unwrap().element.options as readonly Format[];
const SUFFIXES = ScannerSettings.shape.suffix.unwrap().options as readonly Suffix[];
const MIRRORS = CameraSettings.shape.mirror.unwrap().options as readonly Mirror[];
const ORDER = [
  'scan.cooldownMs',
  'scan.scanner.maxInterKeyMs',
  'scan.scanner.minLength',
  'scan.scanner.prefix',
  'scan.camera.formats',
];

/** What a scan does, the repeat-scan pause, the USB scanner and the camera. */
export function CounterSection({ view, onSaved }: SectionProps) {
  const { t } = useTranslation();
  const saved = view.settings.scan;
  const [mode, setMode] = useState<ScanMode>(saved.mode);
  const [cooldown, setCooldown] = useState(String(saved.cooldownMs / 1000));
  const [maxGap, setMaxGap] = useState(String(saved.scanner.maxInterKeyMs));
  const [minLength, setMinLength] = useState(String(saved.scanner.minLength));
  const [suffix, setSuffix] = useState<Suffix>(saved.scanner.suffix);
  const [prefix, setPrefix] = useState(saved.scanner.prefix);
  const [cameraOn, setCameraOn] = useState(saved.camera.enabled);
  const [mirror, setMirror] = useState<Mirror>(saved.camera.mirror);
  const [formats, setFormats] = useState<Format[]>(saved.camera.formats);
  const [box, setBox] = useState<CameraBox>(saved.camera.box);
  const [errors, setErrors] = useState<FieldErrors>({});

  const cooldownS = numberFrom(cooldown);
  const draft: Scan = {
    mode,
    cooldownMs: Number.isFinite(cooldownS) ? Math.round(cooldownS * 1000) : Number.NaN,
    scanner: {
      maxInterKeyMs: numberFrom(maxGap),
      minLength: numberFrom(minLength),
      suffix,
      prefix,
    },
    camera: {
      enabled: cameraOn,
      deviceId: saved.camera.deviceId,
      mirror,
      // In the order of the list, whatever order they were ticked in.
      formats: FORMATS.filter((f) => formats.includes(f)),
      box,
    },
  };
  const dirty = JSON.stringify(draft) !== JSON.stringify(saved);

  function save() {
    const result = validate(t, ScanSettings, draft, {
      prefix: 'scan.',
      overrides: { cooldownMs: 'settings.counter.cooldownRange' },
    });
    const found = { ...result.errors };
    if (cameraOn && draft.camera.formats.length === 0) {
      found['scan.camera.formats'] = t('settings.counter.formatsNone');
    }
    setErrors(found);
    if (!result.ok || Object.keys(found).length > 0) {
      focusFirstError(found, ORDER);
      return null;
    }
    return api.updateSettings({ scan: result.data });
  }

  return (
    <SectionForm
      id="counter"
      title={t('settings.sections.counter')}
      intro={t('settings.counter.intro')}
      dirty={dirty}
      save={save}
      onSaved={onSaved}
    >
      <ChoiceCards<ScanMode>
        name="scan-mode"
        legend={t('settings.counter.mode')}
        value={mode}
        onChange={setMode}
        columns={3}
        options={(['check_only', 'redeem_on_enter', 'redeem_on_scan'] as const).map((m) => ({
          value: m,
          label: t(`settings.counter.modes.${m}`),
          hint: t(`settings.counter.modes.${m}Hint`),
        }))}
      />
      <div className="field-grid">
        <TextField
          id="scan.cooldownMs"
          label={t('settings.counter.cooldown')}
          hint={t('settings.counter.cooldownHint')}
          type="number"
          {...settingLimits('scan.cooldownMs', 1000)}
          step={0.5}
          unit={t('settings.units.seconds')}
          value={cooldown}
          onChange={(e) => setCooldown(e.target.value)}
          error={errors['scan.cooldownMs']}
        />
      </div>

      <fieldset className="choices group">
        <legend>{t('settings.counter.scanner')}</legend>
        <div className="field-grid">
          <TextField
            id="scan.scanner.maxInterKeyMs"
            label={t('settings.counter.maxGap')}
            hint={t('settings.counter.maxGapHint')}
            type="number"
            {...settingLimits('scan.scanner.maxInterKeyMs')}
            unit={t('settings.units.ms')}
            value={maxGap}
            onChange={(e) => setMaxGap(e.target.value)}
            error={errors['scan.scanner.maxInterKeyMs']}
          />
          <TextField
            id="scan.scanner.minLength"
            label={t('settings.counter.minLength')}
            hint={t('settings.counter.minLengthHint')}
            type="number"
            {...settingLimits('scan.scanner.minLength')}
            unit={t('settings.units.chars')}
            value={minLength}
            onChange={(e) => setMinLength(e.target.value)}
            error={errors['scan.scanner.minLength']}
          />
          <div className="field">
            <label htmlFor="scan.scanner.suffix">{t('settings.counter.suffix')}</label>
            <select
              id="scan.scanner.suffix"
              value={suffix}
              aria-describedby="scan.scanner.suffix-hint"
              onChange={(e) => setSuffix(e.target.value as Suffix)}
            >
              {SUFFIXES.map((v) => (
                <option key={v} value={v}>
                  {t(`settings.counter.suffixes.${v}`)}
                </option>
              ))}
            </select>
            <small id="scan.scanner.suffix-hint" className="field-hint">
              {t('settings.counter.suffixHint')}
            </small>
          </div>
          <TextField
            id="scan.scanner.prefix"
            label={t('settings.counter.prefix')}
            hint={t('settings.counter.prefixHint')}
            value={prefix}
            maxLength={8}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => setPrefix(e.target.value)}
            error={errors['scan.scanner.prefix']}
          />
        </div>
      </fieldset>

      <fieldset className="choices group">
        <legend>{t('settings.counter.camera')}</legend>
        <CheckField
          id="scan.camera.enabled"
          label={t('settings.counter.cameraEnabled')}
          checked={cameraOn}
          onChange={setCameraOn}
        />
        <div className="field-grid">
          <div className="field">
            <label htmlFor="scan.camera.box">{t('settings.counter.box')}</label>
            <select
              id="scan.camera.box"
              value={box}
              onChange={(e) => setBox(e.target.value as CameraBox)}
            >
              {BOXES.map((v) => (
                <option key={v} value={v}>
                  {t(`settings.counter.boxes.${v}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="scan.camera.mirror">{t('settings.counter.mirror')}</label>
            <select
              id="scan.camera.mirror"
              value={mirror}
              disabled={!cameraOn}
              onChange={(e) => setMirror(e.target.value as Mirror)}
            >
              {MIRRORS.map((v) => (
                <option key={v} value={v}>
                  {t(`settings.counter.mirrors.${v}`)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <fieldset className="choices nested" disabled={!cameraOn}>
          <legend>{t('settings.counter.formats')}</legend>
          <div className="check-grid">
            {FORMATS.map((f) => (
              <label key={f} className="check">
                <input
                  type="checkbox"
                  id={f === FORMATS[0] ? 'scan.camera.formats' : undefined}
                  checked={formats.includes(f)}
                  onChange={(e) =>
                    setFormats((list) =>
                      e.target.checked ? [...list, f] : list.filter((x) => x !== f),
                    )
                  }
                />
                <span>{t(`settings.counter.formatNames.${f}`)}</span>
              </label>
            ))}
          </div>
          <small className="field-hint">{t('settings.counter.formatsHint')}</small>
          {errors['scan.camera.formats'] && (
            <small className="field-error">
              <span aria-hidden="true">⚠ </span>
              {errors['scan.camera.formats']}
            </small>
          )}
        </fieldset>
      </fieldset>
    </SectionForm>
  );
}
