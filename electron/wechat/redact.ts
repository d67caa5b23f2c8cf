/**
 * Tokens and secrets must never reach a log line, an error shown to the renderer or an audit
 * record. Everything the client turns into an error message goes through here first.
 */
const QUERY_SECRET = /([?&](?:access_token|secret)=)[^&#\s"']*/gi;
const JSON_SECRET = /("(?:access_token|secret)"\s*:\s*")[^"]*/gi;

export const REDACTED = '***';

/** The text with access_token/secret query values, JSON values and any known secret masked. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(QUERY_SECRET, `$1${REDACTED}`).replace(JSON_SECRET, `$1${REDACTED}`);
  for (const secret of secrets) {
    // Short values would mask ordinary words; real tokens and secrets are long.
    if (secret.length >= 8) out = out.split(secret).join(REDACTED);
  }
  return out;
}
