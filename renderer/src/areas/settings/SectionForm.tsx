/**
 * One settings section: a form with its heading, the fields, and a Save bar that says
 * "Unsaved changes" or "Saved". Each section saves whole top-level sections of the settings
 * (`updateSettings` takes them whole), then the screen re-reads the terminal's config.
 */
import {
  createContext,
  useContext,
  useEffect,
  useId,
  useState,
  type FormEvent,
  type ReactNode,
} from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorInfo } from '../../../../shared/errors';
import type { SettingsView } from '../../../../shared/settings';
import { caught, ErrorNotice } from '../../kit/errors/ErrorNotice';

/**
 * Tells the settings screen whether a form of the open section has unsaved edits (to ask
 * before leaving). Each form reports under its own key: a section may hold several (Operators:
 * "add operator" and a PIN reset).
 */
export const SectionDirty = createContext<(key: string, dirty: boolean) => void>(() => {});

/** Reports this form's unsaved edits to the settings screen while it is shown. */
export function useReportDirty(dirty: boolean) {
  const key = useId();
  const report = useContext(SectionDirty);
  useEffect(() => {
    report(key, dirty);
    return () => report(key, false);
  }, [key, dirty, report]);
}

export interface SectionProps {
  view: SettingsView;
  onSaved: (view: SettingsView) => void;
}

export function SectionForm({
  id,
  title,
  intro,
  dirty,
  save,
  onSaved,
  children,
  note,
}: {
  id: string;
  title: string;
  intro?: ReactNode;
  dirty: boolean;
  /** Validates (showing field errors) and returns the save call, or null when invalid. */
  save: () => Promise<SettingsView> | null;
  onSaved: (view: SettingsView) => void;
  children: ReactNode;
  /** Shown in the Save bar, before the button (a warning about what is saved). */
  note?: ReactNode;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  useReportDirty(dirty);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setError(null);
    setSaved(false);
    const call = save();
    if (!call) return;
    setBusy(true);
    try {
      const view = await call;
      setSaved(true);
      onSaved(view);
    } catch (err) {
      setError(caught(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="settings-section"
      aria-labelledby={`${id}-title`}
      noValidate
      onSubmit={(e) => void submit(e)}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      {intro && <p className="muted section-intro">{intro}</p>}
      {children}
      {error && <ErrorNotice error={error} />}
      <div className="save-bar">
        {note}
        <span className="save-state" role="status" data-testid="save-state">
          {dirty ? (
            <span className="unsaved">{t('settings.unsaved')}</span>
          ) : saved ? (
            <span className="saved">
              <span aria-hidden="true">✓ </span>
              {t('settings.saved')}
            </span>
          ) : null}
        </span>
        <button type="submit" disabled={busy}>
          {busy ? t('settings.saving') : t('settings.save')}
        </button>
      </div>
    </form>
  );
}
