import './kit/tokens.css';
import './kit/utilities.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { api } from './api';
import { initI18n, initialLanguage } from './i18n';
import './styles.css';

async function boot() {
  const info = await api.getAppInfo({});
  await initI18n(initialLanguage(info));
  const root = document.getElementById('root');
  if (!root) throw new Error('no #root element');
  createRoot(root).render(
    <StrictMode>
      <App info={info} />
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
