// Draws build/icon.png (512x512): a coupon with a tick, in the terminal's green. Run once;
// the PNG is committed so packaging needs no drawing tools.
import { writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';

const S = 512;
const png = new PNG({ width: S, height: S });
const set = (x, y, [r, g, b, a]) => {
  const i = (y * S + x) * 4;
  png.data[i] = r;
  png.data[i + 1] = g;
  png.data[i + 2] = b;
  png.data[i + 3] = a;
};
const inRounded = (x, y, x0, y0, x1, y1, rad) => {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + rad), x1 - rad);
  const cy = Math.min(Math.max(y, y0 + rad), y1 - rad);
  return (x - cx) ** 2 + (y - cy) ** 2 <= rad ** 2;
};
const distToSegment = (px, py, ax, ay, bx, by) => {
  const t = Math.max(
    0,
    Math.min(
      1,
      ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2),
    ),
  );
  return Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)));
};
for (let y = 0; y < S; y++) {
  for (let x = 0; x < S; x++) {
    let c = [0, 0, 0, 0];
    if (inRounded(x, y, 16, 16, 495, 495, 96)) c = [15, 23, 42, 255];
    if (inRounded(x, y, 72, 136, 440, 376, 36)) {
      c = [22, 163, 74, 255];
      // The coupon's punched notches.
      if ((x - 72) ** 2 + (y - 256) ** 2 < 34 ** 2 || (x - 440) ** 2 + (y - 256) ** 2 < 34 ** 2)
        c = [15, 23, 42, 255];
    }
    const tick = Math.min(
      distToSegment(x, y, 180, 262, 236, 318),
      distToSegment(x, y, 236, 318, 340, 206),
    );
    if (tick < 22 && inRounded(x, y, 72, 136, 440, 376, 36)) c = [255, 255, 255, 255];
    set(x, y, c);
  }
}
writeFileSync(new URL('../build/icon.png', import.meta.url), PNG.sync.write(png));
console.log('build/icon.png written');
