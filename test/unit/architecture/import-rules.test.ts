/**
 * The import boundaries of eslint.config.mjs, held in place: the renderer never imports the
 * main process's side (electron/, or 'electron' itself), and the services never import the
 * hosts. Each case lints a snippet as if it were a file at that path, with the project's config.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: ROOT });

async function restrictedImports(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(ROOT, filePath) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

const use = (spec: string) => `import { x } from '${spec}';\nexport const y = x;\n`;

describe('import boundaries (eslint.config.mjs)', () => {
  it.each([
    ['renderer/src/api.ts', '../../electron/services/lookup'],
    ['renderer/src/screens/office/card-store.ts', '../../../../electron/host/dispatch'],
    ['renderer/src/App.tsx', 'electron'],
  ])('refuses %s importing %s', async (file, spec) => {
    expect(await restrictedImports(file, use(spec))).toHaveLength(1);
  });

  it.each([
    ['electron/services/refunds/handlers.ts', '../../host/dispatch'],
    ['electron/services/refunds/handlers.ts', '../../host/ipc'],
    ['electron/services/index.ts', '../host/browser-host'],
    ['electron/services/account/sign-in.ts', '../../main'],
    ['electron/services/account/sign-in.ts', '../../browser-host-main'],
    ['electron/services/lookup.ts', 'electron'],
  ])('refuses %s importing %s', async (file, spec) => {
    expect(await restrictedImports(file, use(spec))).toHaveLength(1);
  });

  it.each([
    ['renderer/src/api.ts', '../../shared/contract'],
    ['electron/services/refunds/handlers.ts', '../call-context'],
    ['electron/services/refunds/handlers.ts', '../../audit'],
    ['electron/host/ipc.ts', './dispatch'],
  ])('lets %s import %s', async (file, spec) => {
    expect(await restrictedImports(file, use(spec))).toEqual([]);
  });
});
