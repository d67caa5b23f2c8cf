import '../src/kit/tokens.css';
import '../src/kit/base.css';
import '../src/kit/utilities.css';
import './head-office.css';
import i18next from 'i18next';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { initReactI18next } from 'react-i18next';
import { isLanguage, pickLanguage, resources } from '../../shared/i18n';
import { HeadOffice, LANGUAGE_KEY } from './HeadOffice';

async function boot() {
  const saved = localStorage.getItem(LANGUAGE_KEY);
  const lng = isLanguage(saved) ? saved : pickLanguage([...navigator.languages]);
  await i18next.use(initReactI18next).init({
    resources,
    lng,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = lng;
  // The page's language decides its fonts (CJK first for Chinese: head-office.css).
  i18next.on('languageChanged', (l) => {
    document.documentElement.lang = l;
  });
  const root = document.getElementById('root');
  if (!root) throw new Error('no #root element');
  createRoot(root).render(
    <StrictMode>
      <HeadOffice />
    </StrictMode>,
  );
}

void boot();
