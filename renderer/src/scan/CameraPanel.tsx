/**
 * The counter's camera: a compact preview at the side of the verdict, with the scan box drawn
 * over it, the camera's status always in sight, what to do when there is no picture, and the
 * camera's own controls (picker, front/back, light, zoom, on/off). A read goes into the same
 * scan path as the USB scanner: `scanBus.submit(text, 'camera')`.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { CodeFormat } from './decoder';
import {
  CameraController,
  SCAN_BOX,
  type CameraSettingsLike,
  type CameraStatus,
} from './camera-controller';
import { useTerminal } from '../shell/terminal-context';
import { scanBus } from './scan-bus';

/** Statuses the cashier can do something about with the Try again button. */
const RETRY: ReadonlySet<CameraStatus> = new Set(['denied', 'busy', 'error', 'unplugged', 'none']);
/** Statuses shown as a small line rather than a panel: nothing to look at, nothing to do. */
const COMPACT: ReadonlySet<CameraStatus> = new Set(['disabled']);
/** No camera to show: with the box setting on `auto`, the panel folds to its status line. */
const NO_CAMERA: ReadonlySet<CameraStatus> = new Set(['none', 'unsupported']);

const pct = (n: number) => `${(n * 100).toFixed(2)}%`;

/**
 * Back to the code field after a camera control: Enter must go on meaning "look up / redeem",
 * never press the camera button that happened to keep the focus.
 */
function refocus() {
  document.getElementById('scan-input')?.focus();
}

export function CameraPanel() {
  const { t } = useTranslation();
  const { config } = useTerminal();
  const cam = config.scan.camera;
  // A box set to "never" is a till with only a USB scanner: the camera is not opened at all
  // (no getUserMedia, no decoding behind a hidden box). With "auto", no camera: nothing opens.
  const cameraOn = cam.enabled && cam.box !== 'hide';
  const settings: CameraSettingsLike = {
    enabled: cameraOn,
    deviceId: cam.deviceId,
    mirror: cam.mirror,
    formats: cam.formats as CodeFormat[],
    cooldownMs: config.scan.cooldownMs,
  };
  const [controller] = useState(
    () =>
      new CameraController(settings, (read) => {
        scanBus.submit(read.text, 'camera');
      }),
  );
  const view = useSyncExternalStore(controller.subscribe, controller.getSnapshot);
  const video = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    if (video.current) controller.attach(video.current);
    return () => controller.detach();
  }, [controller]);

  const formatsKey = cam.formats.join(',');
  useEffect(() => {
    controller.configure({
      enabled: cameraOn,
      deviceId: cam.deviceId,
      mirror: cam.mirror,
      formats: formatsKey.split(',').filter(Boolean) as CodeFormat[],
      cooldownMs: config.scan.cooldownMs,
    });
  }, [controller, cameraOn, cam.deviceId, cam.mirror, formatsKey, config.scan.cooldownMs]);

  // Esc: next customer. The counter clears its verdict; the camera scans again at once.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') controller.rearm();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [controller]);

  const status = view.status;
  const shown = status === 'on' && view.paused ? 'paused' : status;
  const live = status === 'on' || status === 'starting';
  const box = cam.box;
  const compact =
    COMPACT.has(status) || box === 'hide' || (box === 'auto' && NO_CAMERA.has(status));

  return (
    <aside
      className={`camera-panel${compact ? ' compact' : ''}`}
      data-testid="camera-panel"
      data-status={status}
      data-box={compact ? 'hidden' : 'shown'}
      data-paused={view.paused ? 'true' : undefined}
      aria-label={t('camera.title')}
    >
      <div className="camera-head">
        <span className={`camera-dot ${shown}`} aria-hidden="true" />
        <span className="camera-status" data-testid="camera-status" role="status">
          {t(`camera.status.${shown}`)}
        </span>
        {status === 'off' && (
          <button
            type="button"
            className="secondary small"
            onClick={() => {
              controller.setOn(true);
              refocus();
            }}
          >
            {t('camera.action.turnOn')}
          </button>
        )}
        {live && (
          <button
            type="button"
            className="secondary small"
            onClick={() => {
              controller.setOn(false);
              refocus();
            }}
          >
            {t('camera.action.turnOff')}
          </button>
        )}
      </div>

      <div
        className="camera-view"
        hidden={!live || compact}
        style={{ aspectRatio: String(view.aspect) }}
      >
        <video
          ref={video}
          className={view.mirrored ? 'mirrored' : undefined}
          muted
          playsInline
          aria-label={t('camera.preview')}
        />
        <div
          className="scan-box"
          aria-hidden="true"
          style={{
            left: pct(SCAN_BOX.x),
            top: pct(SCAN_BOX.y),
            width: pct(SCAN_BOX.width),
            height: pct(SCAN_BOX.height),
          }}
        >
          <i />
          <i />
          <i />
          <i />
        </div>
        {view.paused && (
          // Paused, not "accepted": the verdict beside it says whether the code is good.
          <div className="camera-read" aria-hidden="true">
            <span>❚❚</span>
          </div>
        )}
      </div>

      {!compact && (
        <p className="camera-guide" data-testid="camera-guide">
          {t(`camera.guide.${shown}`)}
        </p>
      )}
      {compact && status === 'disabled' && (
        <span className="sr-only">{t('camera.guide.disabled')}</span>
      )}
      {view.errorName && !live && !compact && (
        <small className="camera-error">{t('camera.errorName', { name: view.errorName })}</small>
      )}

      {!compact && (
        <div className="camera-controls">
          {view.devices.length > 1 && (
            <select
              aria-label={t('camera.action.choose')}
              value={view.deviceId ?? ''}
              onChange={(e) => {
                controller.selectDevice(e.target.value);
                refocus();
              }}
            >
              {view.devices.map((d) => (
                <option key={d.deviceId} value={d.deviceId}>
                  {d.label}
                </option>
              ))}
            </select>
          )}
          {status === 'on' && view.canFlip && (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                controller.flip();
                refocus();
              }}
            >
              {t('camera.action.flip')}
            </button>
          )}
          {status === 'on' && view.torch !== undefined && (
            <button
              type="button"
              className="secondary"
              aria-pressed={view.torch}
              onClick={() => {
                void controller.setTorch(!view.torch);
                refocus();
              }}
            >
              {view.torch ? t('camera.action.torchOff') : t('camera.action.torchOn')}
            </button>
          )}
          {status === 'on' && view.zoom && (
            <label className="camera-zoom">
              {t('camera.action.zoom')}
              <input
                type="range"
                min={view.zoom.min}
                max={view.zoom.max}
                step={view.zoom.step}
                value={view.zoom.value}
                onChange={(e) => void controller.setZoom(Number(e.target.value))}
              />
            </label>
          )}
          {RETRY.has(status) && (
            <button
              type="button"
              onClick={() => {
                controller.retry();
                refocus();
              }}
            >
              {t('camera.action.retry')}
            </button>
          )}
        </div>
      )}
    </aside>
  );
}
