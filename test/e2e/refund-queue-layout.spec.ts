/**
 * Issue 18, refunds: the queue's column headers and states read on one line (or wrap between
 * words), never one character per line, at 1024x768 and 1366x768; zh-CN and English.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { createDispatcher } from '../../electron/host/dispatch';
import refundMessages from '../../shared/i18n/messages/refunds';
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

/**
 * A queued refund's reason and note: an English note wraps between words, never inside one,
 * and a long unbroken run (a pasted reference) is cut with an ellipsis, the whole text on
 * hover; nothing sticks out of its column.
 */
for (const lang of ['zh-CN', 'en'] as const) {
  test.describe(`${lang} at 1024x768, long notes`, () => {
    test.use({
      locale: lang === 'en' ? 'en-US' : 'zh-CN',
      viewport: { width: 1024, height: 768 },
    });

    test('the reason and note wrap at word boundaries and long runs are cut', async ({
      page,
      readyTerminal: t,
    }) => {
      const dispatch = createDispatcher({
        services: t.services.services,
        guard: t.services.guard,
      });
      const ctx = { clientId: 'queue-setup' };
      await dispatch('signIn', { operatorId: SUPERVISOR.id, pin: SUPERVISOR.pin }, ctx);
      t.sandbox.sim.faults.add({ path: '/card/code/unavailable', kind: 'http_5xx', count: 1000 });
      const notes = {
        '174551011028': 'Customer returned the damaged espresso cups today',
        '616099591650': 'REF20250101ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456',
      };
      for (const [code, note] of Object.entries(notes)) {
        const r = await dispatch(
          'invalidateCode',
          { code, reason: 'other', note, confirmed: true },
          ctx,
        );
        expect(r.ok, JSON.stringify(r)).toBe(true);
      }
      await page.goto(`${t.url}#/refunds`);
      await signIn(page, SUPERVISOR);
      const queue = page.getByTestId('outbox');
      await expect(queue.locator('tbody tr')).toHaveCount(2);
      const other = lang === 'en' ? 'Other' : '其他';
      const sep = lang === 'en' ? ': ' : '：';

      // Every word of the English note on one line (the line breaks between words).
      const words = page.getByTestId('outbox-174551011028').getByTestId('outbox-reason');
      await expect(words).toHaveAttribute('title', `${other}${sep}${notes['174551011028']}`);
      const split = await words.evaluate((el) => {
        const broken: string[] = [];
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const text = n.textContent ?? '';
          for (const m of text.matchAll(/[A-Za-z]+/g)) {
            const range = document.createRange();
            range.setStart(n, m.index);
            range.setEnd(n, m.index + m[0].length);
            const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
            if (tops.size > 1) broken.push(m[0]);
          }
        }
        return broken;
      });
      expect(split).toEqual([]);

      // The unbroken reference: cut with an ellipsis inside its column, whole on hover.
      const longRow = page.getByTestId('outbox-616099591650');
      const long = longRow.locator('.outbox-long');
      await expect(longRow.getByTestId('outbox-reason')).toHaveAttribute(
        'title',
        `${other}${sep}${notes['616099591650']}`,
      );
      const cut = await long.evaluate((el) => ({
        overflow: getComputedStyle(el).textOverflow,
        clipped: el.scrollWidth > el.clientWidth,
        right: el.getBoundingClientRect().right,
        cellRight: el.closest('td')!.getBoundingClientRect().right,
      }));
      expect(cut.overflow).toBe('ellipsis');
      expect(cut.clipped).toBe(true);
      expect(cut.right).toBeLessThanOrEqual(cut.cellRight);
      for (const row of [page.getByTestId('outbox-174551011028'), longRow]) {
        const cell = row.locator('td.outbox-what');
        const fits = await cell.evaluate((el) => el.scrollWidth <= el.clientWidth + 1);
        expect(fits).toBe(true);
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        1024,
      );
      await queue.scrollIntoViewIfNeeded();
      await page.screenshot({
        path: path.join(SCREENSHOTS, `refund-queue-notes-${lang}-1024.png`),
      });
    });
  });
}

/**
 * The widest the queue gets: a row whose answer was lost (the longest state, with its note and
 * button) beside a row with both its buttons, as a busy machine catches them mid-retry. The
 * states come and go with WeChat's answers, so the cells are given those contents directly
 * (the catalogue's own texts) after the real queue renders: at 1024 px nothing scrolls sideways.
 */
for (const lang of ['zh-CN', 'en'] as const) {
  test.describe(`${lang} at 1024x768, widest rows`, () => {
    test.use({
      locale: lang === 'en' ? 'en-US' : 'zh-CN',
      viewport: { width: 1024, height: 768 },
    });

    test('a lost answer beside a waiting refund does not scroll sideways', async ({
      page,
      readyTerminal: t,
    }) => {
      await fillQueue(t);
      await page.goto(`${t.url}#/refunds`);
      await signIn(page, SUPERVISOR);
      const queue = page.getByTestId('outbox');
      await expect(queue.locator('tbody tr')).toHaveCount(2);
      const text = refundMessages[lang];
      await page.evaluate(
        ({ states, inFlight, retry, cancel }) => {
          const rows = document.querySelectorAll('[data-testid="outbox"] tbody tr');
          const cells = (i: number) => rows[i]!.children as HTMLCollectionOf<HTMLElement>;
          const widest = Object.values(states).sort((a, b) => b.length - a.length)[0]!;
          cells(0)[1]!.textContent = widest;
          cells(0)[5]!.innerHTML =
            '<div class="row"><small class="muted"></small><button class="secondary"></button></div>';
          cells(0)[5]!.querySelector('small')!.textContent = inFlight;
          cells(0)[5]!.querySelector('button')!.textContent = retry;
          cells(1)[1]!.textContent = states.queued!;
          cells(1)[5]!.innerHTML =
            '<div class="row"><button class="secondary"></button><button class="secondary"></button></div>';
          const [a, b] = cells(1)[5]!.querySelectorAll('button');
          a!.textContent = retry;
          b!.textContent = cancel;
        },
        {
          states: text.states as Record<string, string>,
          inFlight: text.inFlight,
          retry: text.retryNow,
          cancel: text.cancelItem,
        },
      );
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        1024,
      );
      const states = await lines(page, '[data-testid="outbox"] tbody td.outbox-state');
      for (const s of states) expect(s.lines, `state "${s.text}"`).toBe(1);
      await queue.scrollIntoViewIfNeeded();
      await page.screenshot({
        path: path.join(SCREENSHOTS, `refund-queue-widest-${lang}-1024.png`),
      });
    });
  });
}
