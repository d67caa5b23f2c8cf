/**
 * Each stored secret with the address it was entered for. A manager (or anything holding the
 * page's secret) must not be able to send the AppSecret or the token-service credentials to a
 * host of their choosing by changing the API base URL, the token-service URL or the address
 * of a connection test: a stored secret is handed out only for the address it was entered for,
 * and typing it again is the only way to use it with another. The address is kept inside the
 * encrypted value, so the two are written together and cannot be edited apart.
 */
import {
  normalizeEndpoint,
  sameEndpoint,
  secretEndpoint,
  type SecretName,
  type Settings,
} from '../../../shared/settings';
import type { SecretStore } from './secret-store';

/** Marks a value saved with its address; anything else was saved before addresses were kept. */
const BOUND = 'carddesk-bound-secret:v1:';

interface Stored {
  value: string;
  /** Undefined for a secret saved before addresses were kept, until adopted at start-up. */
  endpoint: string | undefined;
}

export interface EndpointSecrets {
  has(name: SecretName): boolean;
  /** The address a stored secret was entered for. */
  endpointOf(name: SecretName): string | undefined;
  /** The stored secret, only if it was entered for `endpoint`. */
  valueFor(name: SecretName, endpoint: string): string | undefined;
  /** Whether a secret is stored but was entered for another address than `endpoint`. */
  storedElsewhere(name: SecretName, endpoint: string): boolean;
  set(name: SecretName, value: string, endpoint: string): void;
  clear(name: SecretName): void;
  /**
   * Secrets saved by an earlier version carry no address: they are bound once, to where the
   * settings in force send them (the address they were being sent to anyway).
   */
  adopt(settings: Settings): void;
}

function decode(raw: string | undefined): Stored | undefined {
  if (raw === undefined) return undefined;
  if (!raw.startsWith(BOUND)) return { value: raw, endpoint: undefined };
  try {
    const parsed = JSON.parse(raw.slice(BOUND.length)) as { value?: unknown; endpoint?: unknown };
    if (typeof parsed.value !== 'string' || typeof parsed.endpoint !== 'string') return undefined;
    return { value: parsed.value, endpoint: parsed.endpoint };
  } catch {
    return undefined;
  }
}

export function withEndpoints(store: SecretStore): EndpointSecrets {
  const read = (name: SecretName) => decode(store.get(name));
  const write = (name: SecretName, value: string, endpoint: string) =>
    store.set(name, BOUND + JSON.stringify({ value, endpoint: normalizeEndpoint(endpoint) }));
  return {
    has: (name) => read(name) !== undefined,
    endpointOf: (name) => read(name)?.endpoint,
    valueFor(name, endpoint) {
      const s = read(name);
      return s && sameEndpoint(s.endpoint, endpoint) ? s.value : undefined;
    },
    storedElsewhere(name, endpoint) {
      const s = read(name);
      return s !== undefined && !sameEndpoint(s.endpoint, endpoint);
    },
    set: write,
    clear: (name) => store.set(name, undefined),
    adopt(settings) {
      for (const name of ['appSecret', 'tokenServiceAuth'] as const) {
        const s = read(name);
        if (s && s.endpoint === undefined) write(name, s.value, secretEndpoint(name, settings));
      }
    },
  };
}
