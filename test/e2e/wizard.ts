/**
 * Walks the first-run wizard as a person would, in either language, from a fresh terminal to
 * the counter, signed in as the first manager (Sandbox mode). One helper for the browser tests
 * (setup.spec.ts) and the Electron smoke test (electron.spec.ts), so the steps the Electron
 * test takes, which cannot run here, are the ones the browser tests run every time.
 *
 * Labels come from the message catalogue, so the walk follows the wording in both languages.
 */
import { expect, type Page } from '@playwright/test';
import i18next from 'i18next';
import { resources, type Language } from '../../shared/i18n';

const i18n = i18next.createInstance();
void i18n.init({ resources, lng: 'en', interpolation: { escapeValue: false } });

/** The text a user sees for a message key in a language. */
export const wizardText = (key: string, lng: Language, params: Record<string, unknown> = {}) =>
  i18n.t(key, { lng, ...params });

/** How the wizard names its languages (its own names, the same in both languages). */
const LANGUAGE_NAMES: Record<Language, string> = { 'zh-CN': '中文', en: 'English' };

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface WizardAnswers {
  language: Language;
  terminalName: string;
  terminalId: string;
  storeName: string;
  manager: { id: string; name: string; pin: string };
}

export type WizardStep = 'terminal' | 'connection' | 'manager';

export interface WizardOptions {
  /**
   * Runs when a step's fields are filled, before the walk moves on: a test looks around or
   * takes a screenshot there. At 'connection' it may try other choices: the walk chooses
   * Sandbox after it.
   */
  atStep?: (step: WizardStep) => Promise<void>;
}

/** From the wizard's first screen to the counter, signed in as `answers.manager`. */
export async function walkWizard(
  page: Page,
  answers: WizardAnswers,
  opts: WizardOptions = {},
): Promise<void> {
  const lng = answers.language;
  const t = (key: string, params: Record<string, unknown> = {}) => wizardText(key, lng, params);
  const progress = page.getByTestId('wizard-progress');
  const atStep = opts.atStep ?? (async () => {});

  // The wizard opens in the OS language; choosing one switches it at once.
  await expect(page.getByTestId('wizard-progress')).toBeVisible();
  await page.getByRole('radio', { name: LANGUAGE_NAMES[lng] }).check();
  await expect(page.getByRole('heading', { name: t('setup.title') })).toBeVisible();
  await expect(progress).toHaveText(t('setup.progress', { step: 1, total: 3 }));
  await page.getByLabel(t('setup.fields.terminalName')).fill(answers.terminalName);
  await page.getByLabel(t('setup.fields.terminalId')).fill(answers.terminalId);
  await page.getByLabel(t('setup.fields.storeName')).fill(answers.storeName);
  await atStep('terminal');
  await page.getByRole('button', { name: t('setup.next') }).click();

  await expect(progress).toHaveText(t('setup.progress', { step: 2, total: 3 }));
  await atStep('connection');
  await page
    .getByRole('radio', { name: new RegExp(`^${escape(t('setup.fields.sandbox'))}`) })
    .check();
  await page.getByRole('button', { name: t('setup.next') }).click();

  await expect(progress).toHaveText(t('setup.progress', { step: 3, total: 3 }));
  await page.getByLabel(t('setup.fields.operatorId')).fill(answers.manager.id);
  await page.getByLabel(t('setup.fields.name')).fill(answers.manager.name);
  await page.getByLabel(t('setup.fields.pin'), { exact: true }).fill(answers.manager.pin);
  await page.getByLabel(t('setup.fields.pinRepeat')).fill(answers.manager.pin);
  await atStep('manager');
  await page.getByRole('button', { name: t('setup.finish') }).click();

  // Set up and signed in: the counter, with the manager in the top bar.
  await expect(page.getByTestId('operator-name')).toContainText(answers.manager.name);
  await expect(page.locator('.topbar')).toContainText(answers.terminalName);
}
