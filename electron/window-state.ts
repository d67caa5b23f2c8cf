/**
 * The window's size and position, remembered between starts (window.json in the data folder).
 * A saved position that no display shows any more (a monitor was unplugged) is dropped, so the
 * window never opens off-screen.
 */
import { z } from 'zod';
import { readJsonFile, writeFileAtomic } from './services/json-file';

export const WindowBounds = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(400).max(10_000),
  height: z.number().int().min(300).max(10_000),
  maximized: z.boolean().default(false),
});
export type WindowBounds = z.infer<typeof WindowBounds>;

export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function loadBounds(file: string, displays: Area[]): WindowBounds | undefined {
  const r = readJsonFile(file);
  if (r.state !== 'ok') return undefined;
  const parsed = WindowBounds.safeParse(r.value);
  if (!parsed.success) return undefined;
  const b = parsed.data;
  // Visible enough: at least 100x50 px of the title bar area on some display.
  const visible = displays.some(
    (d) =>
      b.x + b.width - 100 > d.x &&
      b.x + 100 < d.x + d.width &&
      b.y >= d.y - 10 &&
      b.y + 50 < d.y + d.height,
  );
  return visible ? b : { ...b, x: displays[0]?.x ?? 0, y: displays[0]?.y ?? 0 };
}

export function saveBounds(file: string, bounds: WindowBounds): void {
  try {
    writeFileAtomic(file, JSON.stringify(WindowBounds.parse(bounds)) + '\n', 0o600);
  } catch {
    // Losing the window position is not worth an error at the counter.
  }
}
