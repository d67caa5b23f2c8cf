import { useEffect, useRef } from 'react';
import type { TerminalConfig } from '../../../shared/ops/account';
import { WedgeDetector } from './wedge-detector';
import { scanBus } from './scan-bus';

function isEditable(el: Element | null): el is HTMLInputElement | HTMLTextAreaElement {
  if (el instanceof HTMLTextAreaElement) return !el.readOnly && !el.disabled;
  if (el instanceof HTMLInputElement) {
    return (
      !el.readOnly && !el.disabled && /^(text|search|number|tel|url|email|password|)$/.test(el.type)
    );
  }
  return false;
}

/**
 * Typed characters held back by the detector, handed on to the field they were typed into: the
 * one focused at the first held key. The focus may have moved on by the time the detector's
 * timer decides they were a person's (a busy page runs it late, a quick hand tabs to the PIN),
 * and the keys belong where they were typed, not where the focus is now.
 */
function replay(text: string, typedInto: Element | null) {
  // Typed with no field focused, or into one that has gone since (another screen): nowhere.
  const el = typedInto;
  if (!el?.isConnected || !isEditable(el)) return;
  // insertText keeps the caret, undo history and React's onChange working; it types into the
  // focused field only.
  if (el !== document.activeElement || !document.execCommand('insertText', false, text)) {
    insertAtCaret(el, text);
  }
}

/** Types into a field without the focus, as the keys would have: at its caret, within maxlength. */
function insertAtCaret(el: HTMLInputElement | HTMLTextAreaElement, text: string) {
  const start = el.selectionStart ?? el.value.length;
  const end = el.selectionEnd ?? el.value.length;
  // setRangeText does not keep to maxlength as typing does.
  const room = el.maxLength >= 0 ? el.maxLength - el.value.length + (end - start) : text.length;
  if (room <= 0) return;
  try {
    el.setRangeText(text.slice(0, room), start, end, 'end');
  } catch {
    // A number or email field has no caret to insert at (setRangeText throws): at the end,
    // through the element's own setter so React sees a change and its onChange runs.
    const setValue = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(el), 'value')?.set;
    setValue?.call(el, el.value + text.slice(0, room));
  }
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

const toScanBus = (code: string) => void scanBus.submit(code, 'scanner');

/**
 * Listens for USB scanner bursts anywhere in the window: while an operator is signed in they go
 * to the scan bus; the sign-in and lock screens pass their own `onScan`, which discards the
 * burst (a scan is never a PIN) and says so.
 */
export function useWedgeScanner(
  scan: TerminalConfig['scan'] | undefined,
  onScan: (code: string) => void = toScanBus,
) {
  const onScanRef = useRef(onScan);
  // "ready": scans are taken (signed in); "refused": a burst is recognised and discarded (the
  // sign-in and lock screens). Pages and their tests wait for "ready" before scanning.
  const state = onScan === toScanBus ? 'ready' : 'refused';
  useEffect(() => {
    onScanRef.current = onScan;
  }, [onScan]);
  // The detector lives as long as the scanner settings' values do: every refresh of the
  // terminal's state brings a new (equal) settings object, and replacing the detector then
  // would hand the keys of a burst in progress to the focused field and split the scan.
  const scanKey = scan ? JSON.stringify(scan) : '';
  useEffect(() => {
    if (!scanKey) return;
    const settings = JSON.parse(scanKey) as TerminalConfig['scan'];
    scanBus.cooldownMs = settings.cooldownMs;
    const scheduling = (
      navigator as Navigator & { scheduling?: { isInputPending?: () => boolean } }
    ).scheduling;
    // The field focused when the detector started holding keys back.
    let typedInto: Element | null = null;
    const detector = new WedgeDetector(settings.scanner, {
      onScan: (code) => onScanRef.current(code),
      onReplay: (text) => replay(text, typedInto),
      setTimer: (fn, ms) => window.setTimeout(fn, ms),
      clearTimer: (h) => window.clearTimeout(h as number),
      now: () => performance.now(),
      ...(scheduling?.isInputPending
        ? { inputPending: () => scheduling.isInputPending?.() === true }
        : {}),
    });
    const onKey = (e: KeyboardEvent) => {
      if (e.repeat) return;
      if (!detector.holding) typedInto = document.activeElement;
      detector.handle(e);
    };
    const onBlur = () => detector.reset();
    window.addEventListener('keydown', onKey, { capture: true });
    window.addEventListener('blur', onBlur);
    // Lets the page (and its tests) know scans are being listened for.
    document.body.dataset.scanner = state;
    return () => {
      if (document.body.dataset.scanner === state) delete document.body.dataset.scanner;
      window.removeEventListener('keydown', onKey, { capture: true });
      window.removeEventListener('blur', onBlur);
      detector.reset();
    };
  }, [scanKey, state]);
}
