/**
 * Playwright fixtures over terminal-rig.ts: each test gets its own terminal (services,
 * browser host, sandbox, data folder).
 */
import { test as base, expect } from '@playwright/test';
import { setUpTerminal, startTerminal, stopTerminal, type Terminal } from './terminal-rig';

export * from './terminal-rig';

export const test = base.extend<{ terminal: Terminal; readyTerminal: Terminal }>({
  /** A terminal on its first start (the wizard). */
  terminal: async ({}, use) => {
    const t = await startTerminal();
    await use(t);
    await stopTerminal(t);
  },
  /**
   * A terminal that has been set up, with a manager, a supervisor and a cashier; its saved
   * language (which the screens start in) follows the test's browser locale.
   */
  readyTerminal: async ({ locale }, use) => {
    const t = await startTerminal();
    await setUpTerminal(t, { language: locale?.startsWith('zh') ? 'zh-CN' : 'en' });
    await use(t);
    await stopTerminal(t);
  },
});

export { expect };
