/** Back office (issue 11): being built. */
export function BackOfficeScreen() {
  return null;
}
