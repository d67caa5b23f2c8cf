/** Manager settings (being built: see issue 6). */
export function SettingsScreen() {
  return null;
}
