import type { AppInfo } from '../../../shared/contract';
import type { Language } from '../../../shared/i18n';

/** First-run wizard (being built: see issue 6). */
export function SetupWizard(_props: { info: AppInfo; onDone: (lang: Language) => Promise<void> }) {
  return null;
}
