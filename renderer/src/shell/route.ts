/**
 * A small hash router: `#/screen?key=value`. The location holds the screen and its filters, so
 * Back and Forward work and a reload returns to the same place.
 *
 * A screen with unsaved edits sets a leave guard (`setLeaveGuard`): every way of leaving then
 * asks it first — a link (side navigation, top bar, operator menu), `navigate`, Back/Forward
 * (history, Alt+Left, a mouse's back button) and the operator menu's "Switch operator" and
 * "Sign out" (`guardedLeave`). The guard shows its "discard / keep editing" question and calls
 * `proceed` only on "discard"; on "keep editing" nothing changes, the location included.
 */
import { useEffect, useState } from 'react';
import { listenerSet } from '../kit/listeners';

interface Route {
  screen: string;
  params: URLSearchParams;
}

function parse(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  return { screen: path || 'counter', params: new URLSearchParams(query) };
}

export function routeHref(screen: string, params?: Record<string, string | undefined>): string {
  const q = new URLSearchParams(
    Object.entries(params ?? {}).filter(
      (e): e is [string, string] => e[1] !== undefined && e[1] !== '',
    ),
  ).toString();
  return `#/${screen}${q ? `?${q}` : ''}`;
}

/** Asks before leaving; calls `proceed` if the user chooses to discard. */
export type LeaveGuard = (proceed: () => void) => void;
let guard: LeaveGuard | null = null;

export function setLeaveGuard(next: LeaveGuard | null) {
  guard = next;
}

/** Whether a screen holds unsaved edits right now (the guard is set). */
export function hasUnsavedEdits(): boolean {
  return guard !== null;
}

/** Runs `proceed` at once, or after the guard's "discard" when there are unsaved edits. */
export function guardedLeave(proceed: () => void) {
  if (guard) guard(proceed);
  else proceed();
}

/** The location the screens show (it differs from location.hash only while the guard asks). */
let shown = typeof location === 'undefined' ? '' : location.hash;
const listeners = listenerSet();

function show(hash: string) {
  shown = hash;
  listeners.notify();
}

function go(href: string, replace: boolean) {
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  show(location.hash);
}

/** Puts back a location without asking (the same operator unlocking settings kept behind the lock). */
export function restoreLocation(href: string) {
  if (location.hash !== href) go(href, true);
}

export function navigate(
  screen: string,
  params?: Record<string, string | undefined>,
  replace = false,
) {
  const href = routeHref(screen, params);
  guardedLeave(() => go(href, replace));
}

/** Back/Forward, a typed address, or a link the click guard did not see. */
function onLocation() {
  const target = location.hash;
  if (target === shown) return;
  if (!guard) return show(target);
  // Put the page's address back while the guard asks; on "discard" go where the user went.
  history.pushState(null, '', shown || '#/');
  guard(() => go(target, true));
}

/** A link click with unsaved edits: asked before the browser navigates (no history entry). */
function onClick(e: MouseEvent) {
  if (!guard || e.defaultPrevented || e.button !== 0) return;
  const a = (e.target as Element | null)?.closest?.('a[href^="#/"]');
  const href = a?.getAttribute('href');
  if (!href || href === shown) return;
  e.preventDefault();
  e.stopPropagation();
  guard(() => go(href, false));
}

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', onLocation);
  window.addEventListener('popstate', onLocation);
  document.addEventListener('click', onClick, true);
}

export function useRoute(): [Route, typeof navigate] {
  const [state, setState] = useState(() => ({ hash: shown, route: parse(shown) }));
  useEffect(() => {
    const onChange = () =>
      setState((s) => (s.hash === shown ? s : { hash: shown, route: parse(shown) }));
    const stop = listeners.subscribe(onChange);
    onChange();
    return stop;
  }, []);
  return [state.route, navigate];
}
