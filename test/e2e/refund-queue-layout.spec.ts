/**
 * Issue 18, refunds: the queue's column headers and states read on one line (or wrap between
 * words), never one character per line, at 1024x768 and 1366x768; zh-CN and English.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { createDispatcher } from '../../electron/host/dispatch';
import { expect, SCREENSHOTS, signIn, SUPERVISOR, test, type Terminal } from './fixtures';

/** Three refunds in the queue: two waiting to be sent (WeChat busy), one whose answer is lost. */
async function fillQueue(t: Terminal) {
  const dispatch = createDispatcher({ services: t.services.services, guard: t.services.guard });
  const ctx = { clientId: 'queue-setup' };
  const must = async (name: string, input: unknown) => {
    const r = await dispatch(name, input, ctx);
    if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.error)}`);
    return r.value;
  };
  await must('signIn', { operatorId: SUPERVISOR.id, pin: SUPERVISOR.pin });
  t.sandbox.sim.faults.add({ path: '/card/code/unavailable', kind: 'http_5xx', count: 1000 });
  for (const code of ['174551011028', '616099591650']) {
    const out = await must('invalidateCode', {
      code,
      reason: 'customer_refund',
      note: '顾客退货',
      confirmed: true,
    });
    expect(['queued', 'unknown']).toContain((out as { outcome: string }).outcome);
  }
}

/** The line boxes of an element's text: how many lines, and the narrowest line's width. */
async function lines(page: Page, selector: string) {
  return page.locator(selector).evaluateAll((els) =>
    els.map((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      const rects = [...range.getClientRects()].filter((r) => r.width > 0);
      const tops = new Set(rects.map((r) => Math.round(r.top)));
      const fontSize = parseFloat(getComputedStyle(el).fontSize);
      return {
        text: (el.textContent ?? '').trim(),
        lines: tops.size,
        fontSize,
        textHeight: range.getBoundingClientRect().height,
        narrowest: Math.min(...rects.map((r) => r.width)),
      };
    }),
  );
}

for (const [lang, width] of [
  ['zh-CN', 1024],
  ['zh-CN', 1366],
  ['en', 1024],
] as const) {
  test.describe(`${lang} at ${width}x768`, () => {
    test.use({ locale: lang === 'en' ? 'en-US' : 'zh-CN', viewport: { width, height: 768 } });

    test('queue headers and states read on one line or wrap between words', async ({
      page,
      readyTerminal: t,
    }) => {
      await fillQueue(t);
      await page.goto(`${t.url}#/refunds`);
      await signIn(page, SUPERVISOR);
      const queue = page.getByTestId('outbox');
      await expect(queue.locator('tbody tr')).toHaveCount(2);
      await queue.scrollIntoViewIfNeeded();

      const headers = await lines(page, '[data-testid="outbox"] thead th');
      expect(headers).toHaveLength(6);
      for (const h of headers) {
        expect(h.lines, `header "${h.text}"`).toBe(1);
        expect(h.narrowest, `header "${h.text}"`).toBeGreaterThan(h.fontSize * 1.5);
        expect(h.textHeight, `header "${h.text}"`).toBeLessThan(h.fontSize * 2);
      }
      const states = await lines(page, '[data-testid="outbox"] tbody td.outbox-state');
      expect(states).toHaveLength(2);
      for (const s of states) {
        // One line, as wide as its words: never a character per line.
        expect(s.lines, `state "${s.text}"`).toBe(1);
        expect(s.textHeight, `state "${s.text}"`).toBeLessThan(s.fontSize * 2);
        expect(s.narrowest, `state "${s.text}"`).toBeGreaterThan(s.fontSize * 3);
      }
      // No sideways scrolling.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        width,
      );
      await page.screenshot({
        path: path.join(SCREENSHOTS, `refund-queue-${lang}-${width}.png`),
        fullPage: true,
      });
    });
  });
}
