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

/** Where a held key was typed: the focused element, and its text and selection then. */
interface TypedAt {
  into: Element | null;
  value: string;
  start: number | null;
  end: number | null;
}

function typedAt(): TypedAt {
  const into = document.activeElement;
  return isEditable(into)
    ? { into, value: into.value, start: into.selectionStart, end: into.selectionEnd }
    : { into, value: '', start: null, end: null };
}

/**
 * Typed characters held back by the detector, handed on to the fields they were typed into,
 * where they were typed (each key's field, text and caret were noted when it was held). The
 * focus or the caret may have moved on by the time the detector's timer decides they were a
 * person's (a busy page runs it late, a quick hand tabs to the PIN or clicks elsewhere in the
 * field), and the keys belong where they were typed. Keys typed with no field focused, or into
 * a field that has gone since (another screen), go nowhere.
 */
function replay(text: string, held: readonly TypedAt[]) {
  const keys = Array.from(text);
  let i = 0;
  while (i < keys.length) {
    const at = held[i] ?? held[held.length - 1];
    let j = i + 1;
    while (j < keys.length && (held[j] ?? at)?.into === at?.into) j++;
    if (at) typeInto(at, keys.slice(i, j).join(''));
    i = j;
  }
}

/**
 * Types `text` into the field `at` names, at the caret it had then (if its text has not changed
 * since), through the browser's own editing: insertText keeps maxlength, a number field's
 * parsing, the undo history and React's onChange, as the keys would have. insertText types
 * into the focused field only, so a field that no longer has the focus gets it for that moment
 * and the focus goes back, with its caret where it was.
 */
function typeInto(at: TypedAt, text: string) {
  const el = at.into;
  if (!el?.isConnected || !isEditable(el)) return;
  const active = document.activeElement;
  const moved = el !== active;
  const mine = el.selectionStart !== null && el.value === at.value && at.start !== null;
  // The caret the person has now in this field, to put back after the insertion.
  const now = mine && !moved ? { start: el.selectionStart, end: el.selectionEnd } : undefined;
  if (moved) el.focus({ preventScroll: true });
  // A field that cannot take the focus now (hidden behind the lock screen, say) is typed into
  // without it: insertText would go to whatever kept the focus.
  const focused = document.activeElement === el;
  if (mine) el.setSelectionRange(at.start, at.end ?? at.start);
  if (!focused || !document.execCommand('insertText', false, text)) insertAtCaret(el, text);
  if (now && at.start !== null && now.start !== null && now.end !== null) {
    // Text inserted before the caret moves it along.
    const shift = now.start >= (at.end ?? at.start) ? el.value.length - at.value.length : 0;
    el.setSelectionRange(now.start + shift, now.end + shift);
  }
  if (moved && focused && active instanceof HTMLElement) active.focus({ preventScroll: true });
}

/** Where insertText is refused: at the field's caret, within maxlength. */
function insertAtCaret(el: HTMLInputElement | HTMLTextAreaElement, text: string) {
  const start = el.selectionStart ?? el.value.length;
  const end = el.selectionEnd ?? el.value.length;
  // setRangeText does not keep to maxlength as typing does.
  const room = el.maxLength >= 0 ? el.maxLength - el.value.length + (end - start) : text.length;
  if (room <= 0) return;
  try {
    el.setRangeText(text.slice(0, room), start, end, 'end');
  } catch {
    // A number or email field has no caret (setRangeText throws): at the end, through the
    // element's own setter so React sees a change and its onChange runs.
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
    // Where each key the detector holds back was typed, in order.
    let held: TypedAt[] = [];
    const detector = new WedgeDetector(settings.scanner, {
      onScan: (code) => {
        held = [];
        onScanRef.current(code);
      },
      onReplay: (text) => {
        const keys = held;
        held = [];
        replay(text, keys);
      },
      setTimer: (fn, ms) => window.setTimeout(fn, ms),
      clearTimer: (h) => window.clearTimeout(h as number),
      now: () => performance.now(),
      ...(scheduling?.isInputPending
        ? { inputPending: () => scheduling.isInputPending?.() === true }
        : {}),
    });
    const onKey = (e: KeyboardEvent) => {
      if (e.repeat) return;
      // Noted only for a key held back, after handle(): it left the focus, text and caret as
      // they were (it prevents the key; it never lets earlier keys go and holds this one in
      // the same call).
      if (detector.handle(e) && detector.holding) held.push(typedAt());
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
