/** Audit review (issue 10): being built. */
export function AuditScreen() {
  return null;
}
