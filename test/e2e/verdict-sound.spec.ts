/**
 * The counter's sounds (renderer/src/kit/verdict/sound.ts): rendered once at the volume in use
 * when the counter opens, then each verdict plays one buffer, the same chirp, buzz or beeps the
 * oscillators make; until the buffers are ready, the oscillators play live.
 */
import type { Page } from '@playwright/test';
import { CASHIER, expect, signIn, test } from './fixtures';

const REDEEMABLE = '178847660332'; // 满100减10元代金券, with a minimum spend

interface Heard {
  /** Oscillators made on the live context (a sound played live) and on offline ones. */
  live: number;
  offline: number;
  rendered: number;
  /**
   * Each buffer played: its loudest sample, whether it went straight to the speakers, and
   * whether its source was made in an earlier task than its start (made ahead, idle).
   */
  played: { peak: number; toSpeakers: boolean; madeAhead: boolean }[];
  /** Buffer sources made on the live context. */
  sources: number;
}

/** Listens to Web Audio before the app's code runs; `stall` keeps the rendering from ending. */
async function listen(page: Page, { stall = false } = {}) {
  await page.addInitScript((stallRendering: boolean) => {
    const heard: Heard = { live: 0, offline: 0, rendered: 0, played: [], sources: 0 };
    (window as unknown as { __heard: Heard }).__heard = heard;
    const oscillator = BaseAudioContext.prototype.createOscillator;
    BaseAudioContext.prototype.createOscillator = function (this: BaseAudioContext) {
      if (this instanceof OfflineAudioContext) heard.offline += 1;
      else heard.live += 1;
      return oscillator.call(this);
    };
    const rendering = OfflineAudioContext.prototype.startRendering;
    OfflineAudioContext.prototype.startRendering = function (this: OfflineAudioContext) {
      if (stallRendering) return new Promise<AudioBuffer>(() => {});
      return rendering.call(this).then((buffer) => {
        heard.rendered += 1;
        return buffer;
      });
    };
    const targets = new WeakMap<AudioNode, AudioNode>();
    const connect = AudioNode.prototype.connect as (this: AudioNode, ...a: unknown[]) => unknown;
    AudioNode.prototype.connect = function (this: AudioNode, ...args: unknown[]) {
      targets.set(this, args[0] as AudioNode);
      return connect.apply(this, args);
    } as typeof AudioNode.prototype.connect;
    // A task counter: a source made ahead was made before the task that starts it.
    let task = 0;
    const tick = () => {
      task += 1;
      setTimeout(tick, 1);
    };
    tick();
    const madeIn = new WeakMap<AudioNode, number>();
    const createSource = BaseAudioContext.prototype.createBufferSource;
    BaseAudioContext.prototype.createBufferSource = function (this: BaseAudioContext) {
      const node = createSource.call(this);
      madeIn.set(node, task);
      heard.sources += 1;
      return node;
    };
    const start = AudioBufferSourceNode.prototype.start;
    AudioBufferSourceNode.prototype.start = function (this: AudioBufferSourceNode, ...args) {
      let peak = 0;
      for (const x of this.buffer?.getChannelData(0) ?? []) peak = Math.max(peak, Math.abs(x));
      heard.played.push({
        peak,
        toSpeakers: targets.get(this) instanceof AudioDestinationNode,
        madeAhead: (madeIn.get(this) ?? task) < task,
      });
      return start.apply(this, args);
    };
  }, stall);
  return () => page.evaluate(() => (window as unknown as { __heard: Heard }).__heard);
}

async function scanTwo(page: Page, between?: () => Promise<void>) {
  const scan = page.getByLabel('Scan or type a code');
  await scan.fill(REDEEMABLE); // amber (a minimum spend to check): two beeps
  await scan.press('Enter');
  await expect(page.getByTestId('verdict-panel')).toHaveAttribute('data-tone', 'warning');
  await between?.();
  await scan.fill('not a code!'); // a buzz
  await scan.press('Enter');
  await expect(page.getByTestId('verdict-panel')).toHaveAttribute('data-kind', 'invalid_scan');
}

test('a verdict plays its sound from a buffer rendered at the volume set, and no oscillator runs live', async ({
  page,
  readyTerminal,
}) => {
  const heard = await listen(page);
  await page.goto(readyTerminal.url);
  await signIn(page, CASHIER);
  // Accept, reject and the warning's two beeps: four tones, rendered before any scan.
  await expect.poll(async () => (await heard()).rendered).toBe(3);
  expect((await heard()).offline).toBe(4);

  // Between the two scans, as a till's scans are seconds apart: the idle page makes a source
  // ahead for each sound (after the first's own).
  await scanTwo(page, () => expect.poll(async () => (await heard()).sources).toBe(4));
  await expect.poll(async () => (await heard()).played.length).toBe(2);
  const after = await heard();
  expect(after.live).toBe(0);
  expect(after.offline).toBe(4); // rendered once, not per verdict
  // The default volume 0.7, at half the device's: 0.35 for the beeps, 0.6 of it for the buzz,
  // into the speakers directly.
  expect(after.played.map((p) => p.toSpeakers)).toEqual([true, true]);
  expect(after.played[0]!.peak).toBeCloseTo(0.35, 1);
  expect(after.played[1]!.peak).toBeCloseTo(0.21, 1);
  // The first sound makes the AudioContext and its own source; after it, each sound's source is
  // made ahead, and a verdict only starts it.
  expect(after.played.map((p) => p.madeAhead)).toEqual([false, true]);
});

test('until the buffers are rendered, a verdict still sounds, from live oscillators', async ({
  page,
  readyTerminal,
}) => {
  const heard = await listen(page, { stall: true });
  await page.goto(readyTerminal.url);
  await signIn(page, CASHIER);
  await scanTwo(page);
  await expect.poll(async () => (await heard()).live).toBeGreaterThanOrEqual(2);
  expect((await heard()).played).toEqual([]);
});
