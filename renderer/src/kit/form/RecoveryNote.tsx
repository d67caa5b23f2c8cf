/**
 * Why the set-up wizard is not offered to a terminal that was set up before (its settings file
 * or its operators are gone), and how IT starts over: the reset command for this data folder.
 * Shown on the sign-in screen, and by the wizard when the host refuses a second set-up.
 */
import { useTranslation } from 'react-i18next';

export type Recovery = 'settings_missing' | 'no_operators';

export function RecoveryNote({ recovery, dataDir }: { recovery: Recovery; dataDir: string }) {
  const { t } = useTranslation();
  return (
    <div className="settings-problem" role="note" data-testid="setup-recovery">
      <p>
        <strong>{t('setup.recovery.title')}</strong>
      </p>
      <p>{t(`setup.recovery.${recovery}`)}</p>
      <p>{t('setup.recovery.reset')}</p>
      <code
        className="recovery-command"
        style={{ display: 'block', userSelect: 'all', overflowWrap: 'anywhere' }}
      >
        npm run reset-terminal -- --data-dir &quot;{dataDir}&quot;
      </code>
    </div>
  );
}
