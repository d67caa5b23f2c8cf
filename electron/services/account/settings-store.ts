/**
 * settings.json in the data folder. A missing file means first run (the wizard). A broken or
 * hand-edited file that fails the schema is reported and the terminal starts in a safe state
 * (Sandbox mode, check only) instead of crashing; the file is left for the IT person and is
 * replaced only when a manager saves settings again.
 */
import { copyFileSync } from 'node:fs';
import { Settings, type SettingsPatch } from '../../../shared/settings';
import { readJsonFile, writeFileAtomic } from '../json-file';

export type SettingsState =
  | { kind: 'first-run' }
  | { kind: 'ok'; settings: Settings }
  | { kind: 'broken'; settings: Settings; problem: string };

/** Where a broken terminal starts: nothing reaches WeChat, nothing is redeemed. */
export function safeSettings(): Settings {
  return Settings.parse({
    terminal: { name: 'CardDesk', id: 'UNCONFIGURED' },
    store: { name: '—' },
    mode: 'sandbox',
    scan: { mode: 'check_only' },
  });
}

export function describeZodProblem(err: { issues: { path: PropertyKey[]; message: string }[] }) {
  return err.issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(file)'}: ${i.message}`)
    .join('; ');
}

export class SettingsStore {
  private state: SettingsState;

  constructor(private readonly file: string) {
    this.state = this.load();
  }

  private load(): SettingsState {
    const r = readJsonFile(this.file);
    if (r.state === 'missing') return { kind: 'first-run' };
    if (r.state === 'broken')
      return { kind: 'broken', settings: safeSettings(), problem: r.reason };
    const parsed = Settings.safeParse(r.value);
    if (!parsed.success) {
      return {
        kind: 'broken',
        settings: safeSettings(),
        problem: `invalid settings: ${describeZodProblem(parsed.error)}`,
      };
    }
    return { kind: 'ok', settings: parsed.data };
  }

  get current(): SettingsState {
    return this.state;
  }

  /** The settings in force (safe defaults while the file is broken or before set-up). */
  get settings(): Settings {
    return this.state.kind === 'first-run' ? safeSettings() : this.state.settings;
  }

  save(next: Settings): Settings {
    const valid = Settings.parse(next);
    if (this.state.kind === 'broken') {
      // Keep the broken file for the IT person before replacing it.
      try {
        copyFileSync(this.file, `${this.file}.broken-${Date.now()}`);
      } catch {
        /* it may be unreadable; nothing more to keep */
      }
    }
    writeFileAtomic(this.file, JSON.stringify(valid, null, 2) + '\n', 0o600);
    this.state = { kind: 'ok', settings: valid };
    return valid;
  }

  patch(patch: SettingsPatch): { before: Settings; after: Settings } {
    const before = this.settings;
    const after = this.save({ ...before, ...patch });
    return { before, after };
  }
}
