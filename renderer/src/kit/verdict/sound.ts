/**
 * The counter's three sounds, made with Web Audio (no files): a short rising chirp for
 * accept, a low buzz for reject, a double beep for a warning.
 *
 * Each sound is rendered once at the volume in use (an OfflineAudioContext running the same
 * oscillators and envelopes) into a buffer, and a verdict's sound is then one buffer source:
 * building two nodes per tone with their ramps was about 0.25 ms of putting a verdict on screen
 * (bench:lookup's render phase), since the sound is set up in the same task. Until its buffer
 * is ready (the first moments after start, or after the volume is changed), a sound is played
 * live from the oscillators, which make the same samples. Only the buffers of the latest volume
 * are kept.
 *
 * Each rendered sound also has a buffer source made ahead, connected and not started, so a
 * verdict only starts it: creating and connecting one is about 0.1 ms of the same task (Chromium,
 * cold). The next one is made when the page is idle. The first sound of a session makes its
 * own, since the AudioContext is made then (a page may start one only after a user gesture).
 */
export type SoundKind = 'accept' | 'reject' | 'warning';

interface Tone {
  /** Seconds after the sound's start. */
  at: number;
  dur: number;
  from: number;
  to: number;
  type: OscillatorType;
  /** Relative to the sound's volume. */
  gain: number;
}

const TONES: Record<SoundKind, Tone[]> = {
  accept: [{ at: 0, dur: 0.16, from: 880, to: 1760, type: 'sine', gain: 1 }],
  reject: [{ at: 0, dur: 0.4, from: 140, to: 120, type: 'square', gain: 0.6 }],
  warning: [
    { at: 0, dur: 0.1, from: 988, to: 988, type: 'triangle', gain: 1 },
    { at: 0.16, dur: 0.1, from: 988, to: 988, type: 'triangle', gain: 1 },
  ],
};
const KINDS = Object.keys(TONES) as SoundKind[];
/** Each oscillator stops this long after its tone. */
const TAIL = 0.02;
/** The buffers' rate; a buffer source resamples to the device's own if it differs. */
const RATE = 48_000;

let ctx: AudioContext | undefined;
/** The rendered sounds, the volume they were rendered at, and their sources made ahead. */
interface Rendered {
  volume: number;
  buffers: Map<SoundKind, AudioBuffer | 'rendering'>;
  spares: Map<SoundKind, AudioBufferSourceNode>;
}
let rendered: Rendered = { volume: -1, buffers: new Map(), spares: new Map() };

function audio(): AudioContext | undefined {
  if (typeof AudioContext === 'undefined') return undefined;
  ctx ??= new AudioContext();
  if (ctx.state === 'suspended') void ctx.resume();
  return ctx;
}

/** After the verdict is painted, not in its task. */
function whenIdle(fn: () => void) {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(fn, { timeout: 1_000 });
  else setTimeout(fn, 0);
}

/** A source for the sound's buffer at the current volume, connected, for playSound to start. */
function makeSpare(kind: SoundKind) {
  const buffer = rendered.buffers.get(kind);
  if (!ctx || buffer === undefined || buffer === 'rendering' || rendered.spares.has(kind)) return;
  rendered.spares.set(kind, source(ctx, buffer));
}

function source(ac: AudioContext, buffer: AudioBuffer): AudioBufferSourceNode {
  const node = ac.createBufferSource();
  node.buffer = buffer;
  node.connect(ac.destination);
  return node;
}

/** The sound's tones, from `start` (seconds on the context's clock), at `volume`, into `out`. */
function schedule(
  ac: BaseAudioContext,
  out: AudioNode,
  kind: SoundKind,
  start: number,
  volume: number,
) {
  for (const tone of TONES[kind]) {
    const t = start + tone.at;
    const osc = ac.createOscillator();
    const gain = ac.createGain();
    osc.type = tone.type;
    osc.frequency.setValueAtTime(tone.from, t);
    osc.frequency.linearRampToValueAtTime(tone.to, t + tone.dur);
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(Math.max(0.0002, volume * tone.gain), t + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + tone.dur);
    osc.connect(gain).connect(out);
    osc.start(t);
    osc.stop(t + tone.dur + TAIL);
  }
}

/**
 * Renders the sounds not rendered yet at `volume` (a new volume starts afresh). Needs no live
 * context, so no user gesture: a browser lets a page start an AudioContext only after one.
 */
function render(volume: number) {
  if (typeof OfflineAudioContext === 'undefined') return;
  if (rendered.volume !== volume) {
    for (const spare of rendered.spares.values()) spare.disconnect();
    rendered = { volume, buffers: new Map(), spares: new Map() };
  }
  const { buffers } = rendered;
  for (const kind of KINDS) {
    if (buffers.has(kind)) continue;
    const seconds = Math.max(...TONES[kind].map((t) => t.at + t.dur + TAIL));
    const off = new OfflineAudioContext(1, Math.ceil(seconds * RATE), RATE);
    schedule(off, off.destination, kind, 0, volume);
    buffers.set(kind, 'rendering');
    off.startRendering().then(
      (buffer) => {
        buffers.set(kind, buffer);
        whenIdle(() => makeSpare(kind));
      },
      () => buffers.delete(kind), // tried again at the next sound
    );
  }
}

/** The sounds' volume for the settings, 0 when they are off (at half the device's volume). */
const volumeOf = (settings: { muted: boolean; volume: number }) =>
  settings.muted || settings.volume <= 0 ? 0 : settings.volume * 0.5;

/** Renders the sounds ahead of the first verdict (the counter calls it when it opens). */
export function prepareSounds(settings: { muted: boolean; volume: number }) {
  const volume = volumeOf(settings);
  if (volume > 0) render(volume);
}

export function playSound(kind: SoundKind, settings: { muted: boolean; volume: number }) {
  const volume = volumeOf(settings);
  if (volume === 0) return;
  const ac = audio();
  if (!ac) return;
  const start = ac.currentTime + 0.01;
  const buffer = rendered.volume === volume ? rendered.buffers.get(kind) : undefined;
  if (buffer === undefined || buffer === 'rendering') {
    render(volume);
    schedule(ac, ac.destination, kind, start, volume);
    return;
  }
  const spare = rendered.spares.get(kind);
  rendered.spares.delete(kind);
  (spare ?? source(ac, buffer)).start(start);
  // The one used, and after the session's first sound (which made the context) all of them.
  whenIdle(() => KINDS.forEach(makeSpare));
}
