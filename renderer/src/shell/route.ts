/**
 * A small hash router: `#/screen?key=value`. The location holds the screen and its filters, so
 * Back and Forward work and a reload returns to the same place.
 */
import { useEffect, useState } from 'react';

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

export function navigate(
  screen: string,
  params?: Record<string, string | undefined>,
  replace = false,
) {
  const href = routeHref(screen, params);
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

export function useRoute(): [Route, typeof navigate] {
  const [route, setRoute] = useState(() => parse(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parse(location.hash));
    window.addEventListener('hashchange', onChange);
    window.addEventListener('popstate', onChange);
    return () => {
      window.removeEventListener('hashchange', onChange);
      window.removeEventListener('popstate', onChange);
    };
  }, []);
  return [route, navigate];
}
