/**
 * The rules a change of the connection must pass before it is saved (set-up and Settings):
 * Live mode talks https, or plain http to this computer only; a base URL other than WeChat's is
 * used only with a manager's explicit confirmation (it receives every access token); a stored
 * secret goes only where it was entered for, so moving an endpoint needs its secret typed again
 * in the same request; and Live mode has the credentials it needs.
 */
import { AppError } from '../../../shared/errors';
import {
  isSecureEndpoint,
  isWeChatBaseUrl,
  liveBaseUrl,
  secretEndpoint,
  secretInUse,
  SecretName,
  type Settings,
} from '../../../shared/settings';
import type { EndpointSecrets } from './secret-endpoints';

export interface EndpointChange {
  /** Secrets typed in the request, to be stored with the address they were typed for. */
  store: { name: SecretName; value: string; endpoint: string }[];
  /** A base URL other than WeChat's that the manager confirmed (for the audit record). */
  confirmedBaseUrl?: string;
}

const RETYPE_KEY: Record<SecretName, string> = {
  appSecret: 'errors.app_secret_retype',
  tokenServiceAuth: 'errors.token_service_auth_retype',
  centralCredential: 'errors.central_credential_retype',
};

/** Live mode sends tokens and secrets only over https, or plain http to this computer. */
export function requireSecureEndpoints(s: Settings): void {
  // Records (full codes) and the terminal's credential go to head office in either mode.
  if (s.central.url && !isSecureEndpoint(s.central.url)) {
    throw new AppError('invalid_input', 'errors.central_url_not_secure', { url: s.central.url });
  }
  if (s.mode !== 'live') return;
  const urls = [s.api.baseUrl];
  if (s.live.provider === 'token_service' && s.live.tokenServiceUrl) {
    urls.push(s.live.tokenServiceUrl);
  }
  for (const url of urls) {
    if (!isSecureEndpoint(url))
      throw new AppError('invalid_input', 'errors.endpoint_not_secure', { url });
  }
}

/**
 * Checks the move from `before` (undefined in set-up) to `next` and says what to store and
 * audit; throws the first rule it breaks. `typed` are the secrets typed in the same request.
 */
export function planEndpointChange(args: {
  before: Settings | undefined;
  next: Settings;
  typed: Partial<Record<SecretName, string>>;
  confirmCustomBaseUrl: boolean;
  secrets: EndpointSecrets;
}): EndpointChange {
  const { before, next, typed, secrets } = args;
  requireSecureEndpoints(next);

  let confirmedBaseUrl: string | undefined;
  const base = liveBaseUrl(next);
  if (base !== undefined && !isWeChatBaseUrl(base) && base !== (before && liveBaseUrl(before))) {
    if (!args.confirmCustomBaseUrl) {
      throw new AppError('invalid_input', 'errors.custom_base_url_unconfirmed', {
        url: next.api.baseUrl,
      });
    }
    confirmedBaseUrl = next.api.baseUrl;
  }

  const store: EndpointChange['store'] = [];
  for (const name of SecretName.options) {
    const endpoint = secretEndpoint(name, next);
    const value = typed[name];
    if (value !== undefined) store.push({ name, value, endpoint });
    else if (secretInUse(name, next) && secrets.storedElsewhere(name, endpoint)) {
      throw new AppError('invalid_input', RETYPE_KEY[name], { url: endpoint });
    }
  }

  if (next.mode === 'live') {
    if (next.live.provider === 'token_service') {
      if (!next.live.tokenServiceUrl) {
        throw new AppError('invalid_input', 'errors.token_service_url_missing');
      }
    } else if (
      !next.live.appId ||
      !(typed.appSecret ?? secrets.valueFor('appSecret', next.api.baseUrl))
    ) {
      throw new AppError('invalid_input', 'errors.live_credentials_missing');
    }
  }
  return { store, ...(confirmedBaseUrl !== undefined ? { confirmedBaseUrl } : {}) };
}
