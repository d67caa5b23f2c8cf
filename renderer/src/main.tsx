import './kit/tokens.css';
import './kit/base.css';
import './kit/utilities.css';
import './kit/side-nav.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { api } from './api';
import { initI18n, initialLanguage } from './i18n';
import { setStoreZone } from './kit/date-time';
import { LanguageProvider } from './kit/text/language';
// Stylesheets in cascade order: the shell, then each area's and kit's own sheet.
import './shell/shell.css';
import './areas/counter/counter.css';
import './areas/account/sign-in.css';
import './kit/form/form.css';
import './kit/verdict/verdict.css';
import './areas/setup/setup.css';
import './areas/settings/settings.css';
import './areas/demo-codes/demo-codes.css';
import './areas/refunds/refunds.css';
import './scan/camera.css';
import './areas/about/about.css';

async function boot() {
  const [info, setup, config] = await Promise.all([
    api.getAppInfo({}),
    api.getSetupState({}),
    api.getTerminalConfig({}),
  ]);
  // A terminal that is set up starts in its saved language; before the wizard, or when the
  // settings file is missing or damaged (its language is only the default then), the OS's.
  const saved = setup.needsSetup || setup.recovery || config.problem ? undefined : config.language;
  setStoreZone(config.timeZone);
  await initI18n(initialLanguage(info, saved));
  const root = document.getElementById('root');
  if (!root) throw new Error('no #root element');
  createRoot(root).render(
    <StrictMode>
      <LanguageProvider>
        <App info={info} />
      </LanguageProvider>
    </StrictMode>,
  );
}

boot().catch((err: unknown) => {
  const root = document.getElementById('root');
  if (root) {
    root.textContent = `CardDesk could not start / CardDesk 无法启动: ${
      err instanceof Error ? err.message : String(err)
    }`;
  }
});
