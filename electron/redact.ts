/**
 * The one rule set that keeps secrets out of everything the terminal writes down: the log file
 * (electron/log-file.ts), audit record details and texts (electron/audit/canonical.ts, and the
 * settings diffs of services/account/settings-diff.ts) and error texts (electron/wechat). Before this there
 * were three rule sets, and each missed what another caught (`Authorization: Basic ...`,
 * `tokenServiceAuth`, a secret with spaces in it).
 *
 * A value is a secret because of its NAME (appSecret, secret, access_token, token,
 * tokenServiceAuth, authorization, pin, password, ...; compared without case, `_`, `-`, `.`),
 * wherever the name appears: an object key, a JSON key, a query or form parameter, a header
 * line, `name: value` in a message. The whole value goes, spaces and all: a header's value
 * with its scheme (`Basic`, `Bearer`), a quoted string to its closing quote, a nested object to
 * its closing brace. Also masked: `Bearer <token>` anywhere, the password of `scheme://user:pw@`
 * and any known secret value the caller passes.
 *
 * It errs on the side of masking: "token: expired" loses its reason in a log. Plain Node.
 */

export const REDACTED = '***';

/** Names whose values are secrets, lower case without `_`, `-`, `.` and spaces. */
const SECRET_NAMES = new Set([
  'secret',
  'appsecret',
  'clientsecret',
  'accesstoken',
  'refreshtoken',
  'token',
  'idtoken',
  'authtoken',
  'tokenserviceauth',
  'auth',
  'authorization',
  'proxyauthorization',
  'pin',
  'pincode',
  'password',
  'passwd',
  'pwd',
  'pass',
  'passcode',
  'passphrase',
  'apikey',
  'cookie',
  'setcookie',
  'sessionkey',
  'privatekey',
  'encodingaeskey',
  'credential',
  'credentials',
]);

/** Parts that make any name secret: `x-api-key`, `supervisorPassword`, `wechatAppSecret`... */
const SECRET_PARTS =
  /secret|token|passw|apikey|privatekey|sessionkey|aeskey|authorization|credential|cookie/;

/** Addresses are not secrets (an audit must show where a secret is sent); credentials inside
 * them are caught by the text rules below. */
const ADDRESS = /(url|uri)$/;

/** Header names whose whole line is the secret (a cookie's value has `;` and `,` in it). */
const WHOLE_LINE = new Set(['authorization', 'proxyauthorization', 'cookie', 'setcookie']);

const normalise = (name: string) => name.toLowerCase().replace(/[_\-.\s$]/g, '');

function judge(name: string): boolean {
  // `config.headers.Authorization`, `live.appSecret`: the last part names the value.
  const last = name.slice(name.lastIndexOf('.') + 1);
  const n = normalise(last);
  if (!n || ADDRESS.test(n)) return false;
  if (SECRET_NAMES.has(n) || SECRET_PARTS.test(n) || n.endsWith('auth')) return true;
  // `..._pin`, `...Pin`, `PIN`, but not `shipping` or `mapping`.
  return /(^|[_-])pin$/i.test(last) || /[a-z0-9](Pin|PIN)$/.test(last);
}

// Names repeat from record to record and line to line: remember the verdicts (bounded).
const verdicts = new Map<string, boolean>();

/** True for `secret`, `appSecret`, `access_token`, `tokenServiceAuth`, `supervisorPin`, `x-api-key`... */
export function isSecretName(name: string): boolean {
  let verdict = verdicts.get(name);
  if (verdict === undefined) {
    verdict = judge(name);
    if (verdicts.size > 5000) verdicts.clear();
    verdicts.set(name, verdict);
  }
  return verdict;
}

/**
 * Whether a value under a secret name is masked. Booleans ("is a secret set?"), null and the
 * empty string say nothing about the secret and stay, so a settings diff still shows them.
 */
function maskable(value: unknown): boolean {
  return !(value === undefined || value === null || value === '' || typeof value === 'boolean');
}

// ---------------------------------------------------------------------------------------------
// Text

/**
 * `name` then `:`, `=` or `=>` (JSON, JavaScript's inspect, query strings, header lines, Maps).
 * The name may be quoted, also with escaped quotes (JSON inside a JSON string). Names are
 * capped at 64 characters so a long run of `a.b.c...` cannot make the scan quadratic.
 */
const KEY = /(?<![\w$])(\\?["']?)([A-Za-z_$][\w$.-]{0,63})\1[ \t]*(=>|[:=])[ \t]*/g;
/** Where an unquoted value of `name=value` ends (query strings, forms, `k=v` in messages). */
const END_OF_PARAM = /[&#\s"',;)}\]<>]/;
/** Where an unquoted value of `name: value` ends: the line, or the object it is in. */
const END_OF_FIELD = /[\r\n,}\]"']/;
const END_OF_LINE = /[\r\n]/;
const BEARER = /\bBearer\s+[A-Za-z0-9\-._~+/]+=*/gi;
/**
 * A URL's userinfo, user and password alike (a key is often passed as the user part), up to
 * the LAST "@" before the host: a password may hold an unencoded "@".
 */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi;
/** Cheap pre-check: text without any of these has nothing the rules could mask. */
const CANDIDATE = /[:=@]|bearer/i;

function indexFrom(text: string, from: number, re: RegExp): number {
  for (let i = from; i < text.length; i++) if (re.test(text[i]!)) return i;
  return text.length;
}

/** The end (exclusive) of a quoted value starting at `start`, closing quote included. */
function quotedEnd(text: string, start: number, quote: string): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === quote) return i + 1;
    else if (c === '\n' || c === '\r') return i; // an unterminated string ends with its line
  }
  return text.length;
}

/** The end of a `{...}` or `[...]` value starting at `start`, nesting and strings followed. */
function bracketEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'") i = quotedEnd(text, i, c) - 1;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return text.length;
}

/** The masked form of the value at `start`: [replacement, end]. */
function maskValueAt(text: string, start: number, sep: string, name: string): [string, number] {
  const c = text[start];
  if (c === '\\' && (text[start + 1] === '"' || text[start + 1] === "'")) {
    // \"...\" : a string inside a string.
    const close = text.indexOf(`\\${text[start + 1]}`, start + 2);
    const end = close < 0 ? indexFrom(text, start, END_OF_LINE) : close + 2;
    return [`\\${text[start + 1]}${REDACTED}\\${text[start + 1]}`, end];
  }
  if (c === '"' || c === "'" || c === '`') {
    return [`${c}${REDACTED}${c}`, quotedEnd(text, start, c)];
  }
  if (c === '{' || c === '[') return [REDACTED, bracketEnd(text, start)];
  const stop =
    sep === ':'
      ? WHOLE_LINE.has(normalise(name.slice(name.lastIndexOf('.') + 1)))
        ? END_OF_LINE
        : END_OF_FIELD
      : END_OF_PARAM;
  let end = indexFrom(text, start, stop);
  // A header value ends with its line; trailing blanks are not part of the secret.
  while (end > start && /[ \t]/.test(text[end - 1]!)) end--;
  return end > start ? [REDACTED, end] : ['', start];
}

function maskNamedValues(text: string): string {
  let out = '';
  let copied = 0;
  KEY.lastIndex = 0;
  for (let m = KEY.exec(text); m; m = KEY.exec(text)) {
    const name = m[2]!;
    if (!isSecretName(name)) {
      // Carry on right after the name: its value may hold `name=value` pairs of its own.
      KEY.lastIndex = m.index + m[1]!.length + name.length;
      continue;
    }
    const valueStart = m.index + m[0].length;
    const [masked, end] = maskValueAt(text, valueStart, m[3]!, name);
    if (end === valueStart) continue;
    out += text.slice(copied, valueStart) + masked;
    copied = end;
    KEY.lastIndex = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * The text with every secret masked: values of secret names, Bearer tokens, passwords in URLs,
 * and the `known` secret values (those of 8 characters or more: shorter ones would mask
 * ordinary words).
 */
export function redact(text: string, known: readonly string[] = []): string {
  let out = text;
  // Known values first, whole: the name rules below would otherwise mask a part of one (a
  // "Credential=" inside it) and leave the rest unrecognisable to this step.
  for (const secret of known) {
    // A header value's credentials may come back without their scheme ("Basic xyz" -> "xyz").
    const credentials = /^(?:Basic|Bearer|Digest|Token)\s+(\S.*)$/i.exec(secret)?.[1];
    for (const s of credentials ? [secret, credentials] : [secret]) {
      if (s.length >= 8 && out.includes(s)) out = out.split(s).join(REDACTED);
    }
  }
  if (CANDIDATE.test(out)) {
    out = maskNamedValues(out).replace(BEARER, `Bearer ${REDACTED}`);
    if (out.includes('@')) out = out.replace(URL_PASSWORD, `$1${REDACTED}@`);
  }
  return out;
}

/**
 * Could `text` hold anything `redact` or a secret name would mask? A cheap test, true for any
 * text that mentions a secret-like name at all (so false means certainly nothing to mask).
 */
export function mayHoldSecret(text: string): boolean {
  return /secret|token|pass|pwd|pin|auth|cookie|cred|key|bearer|@/i.test(text);
}

// ---------------------------------------------------------------------------------------------
// Values

const isPlainObject = (value: object) => {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

/**
 * A copy of a plain value with the values of secret names masked (at any depth) and every
 * string passed through `redact`. Under a secret name, an object keeps its shape and every
 * leaf that could be a secret is masked (`secrets: { appSecret: true }` still says what is
 * set; `auth: { user, pass }` loses both). For settings before/after in audit records and
 * objects in log lines; class instances other than plain objects and arrays are kept as is.
 */
export function redactValue(value: unknown, underSecret = false, depth = 0): unknown {
  if (value === null || typeof value !== 'object') {
    if (underSecret) return maskable(value) ? REDACTED : value;
    return typeof value === 'string' ? redact(value) : value;
  }
  if (depth > 32) return underSecret ? REDACTED : value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, underSecret, depth + 1));
  if (!isPlainObject(value)) return underSecret ? REDACTED : value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [
      k,
      redactValue(v, underSecret || isSecretName(k), depth + 1),
    ]),
  );
}

/**
 * What a secret name's value becomes in structured data: `***` for a leaf that could be a
 * secret, an object or array with its leaves masked (see redactValue), or the value itself if
 * it says nothing (a boolean, null, '').
 */
export function maskedIfSecret(name: string, value: unknown): { secret: boolean; value: unknown } {
  if (!isSecretName(name)) return { secret: false, value };
  return { secret: true, value: redactValue(value, true) };
}
