/**
 * The page's Content-Security-Policy, the same in the Electron shell (main.ts, security.ts)
 * and the browser host. A module of its own so that the shell never bundles the browser host
 * and what only it uses (the call socket's ws).
 */
/** The page talks only to its own host. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');
