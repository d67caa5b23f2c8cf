/**
 * The counter's three sounds, made with Web Audio (no files): a short rising chirp for
 * accept, a low buzz for reject, a double beep for a warning.
 */
export type SoundKind = 'accept' | 'reject' | 'warning';

let ctx: AudioContext | undefined;

function audio(): AudioContext | undefined {
  if (typeof AudioContext === 'undefined') return undefined;
  ctx ??= new AudioContext();
  if (ctx.state === 'suspended') void ctx.resume();
  return ctx;
}

function tone(
  ac: AudioContext,
  start: number,
  dur: number,
  from: number,
  to: number,
  type: OscillatorType,
  volume: number,
) {
  const osc = ac.createOscillator();
  const gain = ac.createGain();
  osc.type = type;
  osc.frequency.setValueAtTime(from, start);
  osc.frequency.linearRampToValueAtTime(to, start + dur);
  gain.gain.setValueAtTime(0.0001, start);
  gain.gain.exponentialRampToValueAtTime(Math.max(0.0002, volume), start + 0.01);
  gain.gain.exponentialRampToValueAtTime(0.0001, start + dur);
  osc.connect(gain).connect(ac.destination);
  osc.start(start);
  osc.stop(start + dur + 0.02);
}

export function playSound(kind: SoundKind, settings: { muted: boolean; volume: number }) {
  if (settings.muted || settings.volume <= 0) return;
  const ac = audio();
  if (!ac) return;
  const t = ac.currentTime + 0.01;
  const v = settings.volume * 0.5;
  if (kind === 'accept') tone(ac, t, 0.16, 880, 1760, 'sine', v);
  else if (kind === 'reject') tone(ac, t, 0.4, 140, 120, 'square', v * 0.6);
  else {
    tone(ac, t, 0.1, 988, 988, 'triangle', v);
    tone(ac, t + 0.16, 0.1, 988, 988, 'triangle', v);
  }
}
