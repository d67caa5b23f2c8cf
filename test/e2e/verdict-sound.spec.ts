/**
 * The counter's sounds (renderer/src/kit/verdict/sound.ts): rendered once when the counter
 * opens, then each verdict plays one buffer, the same chirp, buzz or beeps the oscillators make.
 */
import { CASHIER, expect, signIn, test } from './fixtures';

interface Heard {
  /** Oscillators made on the live context (a sound played live) and on offline ones. */
  live: number;
  offline: number;
  rendered: number;
  /** The loudest sample of each buffer played. */
  played: number[];
}

test('a verdict plays its sound from a rendered buffer, not silent, and no oscillator runs live', async ({
  page,
  readyTerminal,
}) => {
  await page.addInitScript(() => {
    const heard: Heard = { live: 0, offline: 0, rendered: 0, played: [] };
    (window as unknown as { __heard: Heard }).__heard = heard;
    const oscillator = BaseAudioContext.prototype.createOscillator;
    BaseAudioContext.prototype.createOscillator = function (this: BaseAudioContext) {
      if (this instanceof OfflineAudioContext) heard.offline += 1;
      else heard.live += 1;
      return oscillator.call(this);
    };
    const rendering = OfflineAudioContext.prototype.startRendering;
    OfflineAudioContext.prototype.startRendering = function (this: OfflineAudioContext) {
      return rendering.call(this).then((buffer) => {
        heard.rendered += 1;
        return buffer;
      });
    };
    const start = AudioBufferSourceNode.prototype.start;
    AudioBufferSourceNode.prototype.start = function (this: AudioBufferSourceNode, ...args) {
      let peak = 0;
      for (const x of this.buffer?.getChannelData(0) ?? []) peak = Math.max(peak, Math.abs(x));
      heard.played.push(peak);
      return start.apply(this, args);
    };
  });
  const heard = () => page.evaluate(() => (window as unknown as { __heard: Heard }).__heard);

  await page.goto(readyTerminal.url);
  await signIn(page, CASHIER);
  // Accept, reject and the warning's two beeps: four tones, rendered before any scan.
  await expect.poll(async () => (await heard()).rendered).toBe(3);
  expect((await heard()).offline).toBe(4);

  const scan = page.getByLabel('Scan or type a code');
  await scan.fill('123456789012');
  await scan.press('Enter');
  await expect(page.getByTestId('verdict-code')).toHaveText('123456789012');
  await scan.fill('not a code!');
  await scan.press('Enter');
  await expect(page.getByTestId('verdict-panel')).toHaveAttribute('data-kind', 'invalid_scan');

  await expect.poll(async () => (await heard()).played.length).toBe(2);
  const after = await heard();
  expect(after.live).toBe(0);
  expect(after.offline).toBe(4); // rendered once, not per verdict
  for (const peak of after.played) expect(peak).toBeGreaterThan(0.5);
});
