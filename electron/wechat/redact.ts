/**
 * Tokens and secrets must never reach a log line, an error shown to the renderer or an audit
 * record. Everything the client turns into an error message goes through `redact` first: the
 * terminal's one rule set (electron/redact.ts), re-exported here for the WeChat client.
 */
export { redact, REDACTED } from '../redact';
