/**
 * The counter's camera, outside React: opens and closes the stream, lists the cameras, follows
 * hot-plug ('devicechange'), unplugging (the track's 'ended') and permission changes, applies
 * torch and zoom where the track supports them, runs the decode loop and hands hits on.
 * The camera panel reads its state with useSyncExternalStore and calls its methods from
 * callbacks and effects, so no React state is set from an effect.
 */
import type { CodeFormat, Decoded, Rect } from './decoder';
import { CameraLoop, type LoopStats } from './camera-loop';
import { listenerSet } from '../kit/listeners';

export type CameraStatus =
  /** settings: camera scanning off */
  | 'disabled'
  /** switched off at this counter */
  | 'off'
  | 'starting'
  | 'on'
  /** no camera connected */
  | 'none'
  /** permission denied (NotAllowedError) */
  | 'denied'
  /** another program uses it (NotReadableError) */
  | 'busy'
  /** it was unplugged (track 'ended') */
  | 'unplugged'
  /** this browser cannot use cameras */
  | 'unsupported'
  | 'error';

interface CameraDevice {
  deviceId: string;
  label: string;
}

interface CameraView {
  status: CameraStatus;
  /** Paused after a read, for the scanner's cool-down. */
  paused: boolean;
  devices: CameraDevice[];
  deviceId: string | undefined;
  facing: 'user' | 'environment' | undefined;
  /** The track can be asked for the other facing (phones, tablets). */
  canFlip: boolean;
  mirrored: boolean;
  /** undefined: the camera has no torch. */
  torch: boolean | undefined;
  /** undefined: the camera has no zoom. */
  zoom: { min: number; max: number; step: number; value: number } | undefined;
  /** width / height of the video. */
  aspect: number;
  /** The DOMException name, for the IT person. */
  errorName: string | undefined;
}

export interface CameraSettingsLike {
  enabled: boolean;
  deviceId: string;
  mirror: 'auto' | 'on' | 'off';
  formats: readonly CodeFormat[];
  cooldownMs: number;
}

/** The scan box, as fractions of the frame: drawn over the preview, decoded first. */
export const SCAN_BOX: Rect = { x: 0.14, y: 0.14, width: 0.72, height: 0.72 };

const DEVICE_KEY = 'carddesk.camera.deviceId';
const OFF_KEY = 'carddesk.camera.off';
const RETRY_BUSY_MS = 5_000;

function stored(key: string): string | undefined {
  try {
    return localStorage.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

function store(key: string, value: string | undefined) {
  try {
    if (value === undefined) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // private mode or full: the choice is not remembered, nothing else breaks
  }
}

/** What the counter exposes for the camera benchmark and tests: counters only, no codes. */
interface CameraProbe {
  readonly status: CameraStatus;
  /** Decode attempts, each on a distinct video frame. */
  readonly attempts: number;
  /** New video frames delivered while scanning ran. */
  readonly frames: number;
  /** Grabs dropped undecoded as repeats of the previous frame (no frame callbacks). */
  readonly repeats: number;
  readonly activeMs: number;
  readonly rate: number;
  readonly decodeMs: number;
  readonly budgetMs: number;
  readonly hits: number;
}

declare global {
  interface Window {
    __cardDeskCamera?: CameraProbe;
  }
}

type TrackCaps = MediaTrackCapabilities & {
  torch?: boolean;
  zoom?: { min: number; max: number; step?: number };
};
type TrackSettings = MediaTrackSettings & { torch?: boolean; zoom?: number };

function classify(err: unknown): CameraStatus {
  const name = err instanceof DOMException || err instanceof Error ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') {
    return 'denied';
  }
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') {
    return 'busy';
  }
  if (name === 'NotFoundError' || name === 'DevicesNotFoundError') return 'none';
  return 'error';
}

export class CameraController {
  private view: CameraView;
  private listeners = listenerSet();
  private settings: CameraSettingsLike;
  private video: HTMLVideoElement | null = null;
  private stream: MediaStream | undefined;
  private loop: CameraLoop | undefined;
  private generation = 0;
  private retryTimer: number | undefined;
  private deviceTimer: number | undefined;
  private readonly onHitCb: (read: Decoded) => void;
  private permission: PermissionStatus | undefined;

  constructor(settings: CameraSettingsLike, onHit: (read: Decoded) => void) {
    this.settings = settings;
    this.onHitCb = onHit;
    this.view = {
      status: !settings.enabled ? 'disabled' : stored(OFF_KEY) === '1' ? 'off' : 'starting',
      paused: false,
      devices: [],
      deviceId: stored(DEVICE_KEY) ?? (settings.deviceId || undefined),
      facing: undefined,
      canFlip: false,
      mirrored: settings.mirror === 'on',
      torch: undefined,
      zoom: undefined,
      aspect: 4 / 3,
      errorName: undefined,
    };
  }

  // ---- the store React reads

  subscribe = this.listeners.subscribe;

  getSnapshot = () => this.view;

  private set(patch: Partial<CameraView>) {
    this.view = { ...this.view, ...patch };
    this.listeners.notify();
  }

  // ---- life cycle

  /** The panel's <video> is in the page: open the camera (if it should be on). */
  attach(video: HTMLVideoElement) {
    this.video = video;
    navigator.mediaDevices?.addEventListener?.('devicechange', this.onDeviceChange);
    this.watchPermission();
    void this.open();
  }

  /** The panel is gone: close everything. */
  detach() {
    navigator.mediaDevices?.removeEventListener?.('devicechange', this.onDeviceChange);
    if (this.permission) this.permission.onchange = null;
    this.close();
    this.video = null;
  }

  /** Settings changed (a manager saved them). */
  configure(next: CameraSettingsLike) {
    const prev = this.settings;
    this.settings = next;
    this.loop?.setCooldown(next.cooldownMs);
    const reopen =
      prev.enabled !== next.enabled ||
      prev.formats.join() !== next.formats.join() ||
      (prev.deviceId !== next.deviceId && !stored(DEVICE_KEY));
    if (prev.deviceId !== next.deviceId && !stored(DEVICE_KEY)) {
      this.set({ deviceId: next.deviceId || undefined });
    }
    this.set({ mirrored: this.mirrorFor(this.view.facing) });
    if (reopen && this.video) void this.open();
  }

  /** The counter's on/off switch (remembered on this machine). */
  setOn(on: boolean) {
    store(OFF_KEY, on ? undefined : '1');
    void this.open();
  }

  selectDevice(deviceId: string) {
    store(DEVICE_KEY, deviceId);
    this.set({ deviceId });
    void this.open();
  }

  /** Front / back (where the track can be asked for either). */
  flip() {
    const facing = this.view.facing === 'user' ? 'environment' : 'user';
    store(DEVICE_KEY, undefined);
    this.set({ deviceId: undefined, facing });
    void this.open(facing);
  }

  async setTorch(on: boolean) {
    const track = this.track();
    if (!track) return;
    try {
      await track.applyConstraints({ advanced: [{ torch: on } as MediaTrackConstraintSet] });
      this.set({ torch: on });
    } catch {
      this.set({ torch: undefined });
    }
  }

  async setZoom(value: number) {
    const track = this.track();
    const zoom = this.view.zoom;
    if (!track || !zoom) return;
    const v = Math.min(zoom.max, Math.max(zoom.min, value));
    this.set({ zoom: { ...zoom, value: v } });
    try {
      await track.applyConstraints({ advanced: [{ zoom: v } as MediaTrackConstraintSet] });
    } catch {
      // the camera refused: keep what it has
    }
  }

  /** Next customer (Esc): scan again at once. */
  rearm() {
    this.loop?.rearm();
  }

  /** Try the camera again (after the cashier closed the other program, plugged it in...). */
  retry() {
    void this.open();
  }

  // ---- internals

  private track(): MediaStreamTrack | undefined {
    return this.stream?.getVideoTracks()[0];
  }

  private mirrorFor(facing: string | undefined): boolean {
    const m = this.settings.mirror;
    return m === 'on' || (m === 'auto' && facing === 'user');
  }

  private close() {
    this.generation++;
    if (this.retryTimer !== undefined) window.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.loop?.destroy();
    this.loop = undefined;
    if (window.__cardDeskCamera) delete window.__cardDeskCamera;
    for (const t of this.stream?.getTracks() ?? []) {
      t.onended = null;
      t.stop();
    }
    this.stream = undefined;
    if (this.video) this.video.srcObject = null;
  }

  private async listDevices(): Promise<CameraDevice[]> {
    const all = await navigator.mediaDevices.enumerateDevices();
    return all
      .filter((d) => d.kind === 'videoinput')
      .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Camera ${i + 1}` }));
  }

  private async open(facing?: 'user' | 'environment') {
    this.close();
    const gen = this.generation;
    const stale = () => gen !== this.generation || !this.video;
    if (!this.video) return;
    if (!this.settings.enabled) {
      this.set({ status: 'disabled', paused: false, torch: undefined, zoom: undefined });
      return;
    }
    if (stored(OFF_KEY) === '1') {
      this.set({ status: 'off', paused: false, torch: undefined, zoom: undefined });
      return;
    }
    if (!navigator.mediaDevices?.getUserMedia) {
      this.set({ status: 'unsupported' });
      return;
    }
    this.set({ status: 'starting', paused: false, errorName: undefined });
    let devices: CameraDevice[] = [];
    try {
      devices = await this.listDevices();
    } catch {
      // listing is a nicety; opening decides
    }
    if (stale()) return;
    if (devices.length === 0) {
      this.set({ status: 'none', devices });
      return;
    }
    const wanted = this.view.deviceId;
    const known = wanted && devices.some((d) => d.deviceId === wanted);
    const video: MediaTrackConstraints = {
      width: { ideal: 1280 },
      height: { ideal: 720 },
      frameRate: { ideal: 30 },
      ...(known ? { deviceId: { exact: wanted } } : {}),
      ...(facing && !known ? { facingMode: { ideal: facing } } : {}),
    };
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video, audio: false });
    } catch (err) {
      if (stale()) return;
      const status = classify(err);
      this.set({
        status,
        devices,
        errorName: err instanceof Error || err instanceof DOMException ? err.name : undefined,
      });
      if (status === 'busy') this.retryTimer = window.setTimeout(() => this.retry(), RETRY_BUSY_MS);
      return;
    }
    if (stale()) {
      for (const t of stream.getTracks()) t.stop();
      return;
    }
    this.stream = stream;
    const track = stream.getVideoTracks()[0]!;
    track.onended = () => {
      if (this.stream !== stream) return;
      this.close();
      this.set({ status: 'unplugged', paused: false, torch: undefined, zoom: undefined });
    };
    const v = this.video!;
    v.muted = true;
    v.playsInline = true;
    v.srcObject = stream;
    try {
      await v.play();
    } catch {
      // autoplay of a muted camera preview is allowed; a failure here is a stop/restart race
    }
    if (stale()) return;
    const settings = track.getSettings() as TrackSettings;
    const caps = (track.getCapabilities?.() ?? {}) as TrackCaps;
    const facingNow = (settings.facingMode as 'user' | 'environment' | undefined) ?? facing;
    if (settings.deviceId) store(DEVICE_KEY, settings.deviceId);
    try {
      devices = await this.listDevices(); // labels are known once permission is given
    } catch {
      // keep the first list
    }
    if (stale()) return;
    const width = settings.width ?? v.videoWidth;
    const height = settings.height ?? v.videoHeight;
    this.set({
      status: 'on',
      devices,
      deviceId: settings.deviceId ?? wanted,
      facing: facingNow,
      canFlip: Array.isArray(caps.facingMode) && caps.facingMode.length > 0,
      mirrored: this.mirrorFor(facingNow),
      torch: caps.torch ? !!settings.torch : undefined,
      zoom:
        caps.zoom && caps.zoom.max > caps.zoom.min
          ? {
              min: caps.zoom.min,
              max: caps.zoom.max,
              step: caps.zoom.step || 0.1,
              value: settings.zoom ?? caps.zoom.min,
            }
          : undefined,
      aspect: width && height ? width / height : 4 / 3,
    });
    this.startLoop(v);
  }

  private startLoop(video: HTMLVideoElement) {
    const loop = new CameraLoop({
      video,
      formats: this.settings.formats,
      roi: SCAN_BOX,
      cooldownMs: this.settings.cooldownMs,
      onHit: (read) => this.onHitCb(read),
      onPause: (until) => this.set({ paused: until !== undefined }),
      onError: (message) => {
        console.warn('camera decoding:', message);
      },
    });
    this.loop = loop;
    const stats: LoopStats = loop.stats;
    const view = () => this.view;
    window.__cardDeskCamera = {
      get status() {
        return view().status;
      },
      get attempts() {
        return stats.attempts;
      },
      get frames() {
        return stats.frames;
      },
      get repeats() {
        return stats.repeats;
      },
      get activeMs() {
        return stats.activeMs;
      },
      get rate() {
        return stats.rate;
      },
      get decodeMs() {
        return stats.decodeMs;
      },
      get budgetMs() {
        return stats.budgetMs;
      },
      get hits() {
        return stats.hits;
      },
    };
    loop.start();
  }

  private onDeviceChange = () => {
    // Debounced: plugging in fires several events.
    if (this.deviceTimer !== undefined) window.clearTimeout(this.deviceTimer);
    this.deviceTimer = window.setTimeout(() => {
      this.deviceTimer = undefined;
      const s = this.view.status;
      if (s === 'none' || s === 'unplugged' || s === 'busy' || s === 'error') void this.open();
      else if (s === 'on') {
        void this.listDevices()
          .then((devices) => this.set({ devices }))
          .catch(() => undefined);
      }
    }, 400);
  };

  private watchPermission() {
    if (!navigator.permissions?.query) return;
    navigator.permissions
      .query({ name: 'camera' as PermissionName })
      .then((p) => {
        this.permission = p;
        p.onchange = () => {
          if (p.state === 'granted' && this.view.status === 'denied') void this.open();
        };
      })
      .catch(() => undefined);
  }
}
