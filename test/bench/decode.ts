/**
 * npm run bench:decode -- [folder]   (default: test/fixtures/decode)
 *
 * Decodes every PNG / JPEG under the folder (and its sub-folders) with our camera decoder
 * (renderer/src/scan/decoder.ts, every format it supports enabled) and, side by side, with
 * zxing-cpp (the zxing-wasm package, loaded from node_modules, never a CDN) asked for the same
 * formats with its default effort (tryHarder, tryRotate, tryInvert, tryDownscale) and one
 * symbol. `x.png` with `x.txt` beside it expects exactly that text; without a .txt it expects
 * no code, and any read is wrong.
 *
 * Prints, per folder and in total: correct, wrong, missed, median and p95 ms per image, for
 * both. The last line is one JSON object:
 *   {"ours": {"correct","wrong","missed","median_ms","p95_ms"}, "zxing_cpp": {...}}
 * Times are wall-clock per image in this process (one core), decoding only: the image is
 * loaded into RGBA first. Both decoders are warmed up on the first image.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { prepareZXingModule, readBarcodes, type ReaderOptions } from 'zxing-wasm/reader';
import { ALL_FORMATS, decode, type Frame } from '../../renderer/src/scan/decoder';

const ROOT = path.resolve(__dirname, '..', '..');

interface Image extends Frame {
  file: string;
  expected: string | undefined;
}

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) return walk(p);
      return /\.(png|jpe?g)$/i.test(name) ? [p] : [];
    });
}

function load(file: string): Image {
  const buf = readFileSync(file);
  let img: { data: Uint8Array; width: number; height: number };
  if (/\.png$/i.test(file)) {
    const png = PNG.sync.read(buf);
    img = { data: png.data, width: png.width, height: png.height };
  } else {
    img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
  }
  const txt = file.replace(/\.(png|jpe?g)$/i, '.txt');
  return {
    file,
    data: new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.byteLength),
    width: img.width,
    height: img.height,
    expected: existsSync(txt) ? readFileSync(txt, 'utf8').replace(/\r?\n$/, '') : undefined,
  };
}

const CPP_OPTIONS: ReaderOptions = {
  formats: ['QRCode', 'Code128', 'EAN13', 'Code39', 'ITF', 'PDF417'],
  maxNumberOfSymbols: 1,
};

async function readCpp(img: Image): Promise<string | undefined> {
  const imageData = {
    data: img.data,
    width: img.width,
    height: img.height,
    colorSpace: 'srgb',
  } as unknown as ImageData;
  const results = await readBarcodes(imageData, CPP_OPTIONS);
  return results.find((r) => r.isValid)?.text;
}

interface Tally {
  correct: number;
  wrong: number;
  missed: number;
  times: number[];
}
const tally = (): Tally => ({ correct: 0, wrong: 0, missed: 0, times: [] });

function count(t: Tally, expected: string | undefined, got: string | undefined, ms: number) {
  t.times.push(ms);
  if (got === undefined) {
    if (expected === undefined) t.correct++;
    else t.missed++;
  } else if (got === expected) t.correct++;
  else t.wrong++;
}

function pct(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
const r1 = (n: number) => Math.round(n * 10) / 10;

function summary(t: Tally) {
  return {
    correct: t.correct,
    wrong: t.wrong,
    missed: t.missed,
    median_ms: r1(pct(t.times, 50)),
    p95_ms: r1(pct(t.times, 95)),
  };
}

function line(label: string, n: number, ours: Tally, cpp: Tally): string {
  const f = (t: Tally) => {
    const s = summary(t);
    return `${String(s.correct).padStart(3)} ok ${String(s.wrong).padStart(2)} wrong ${String(s.missed).padStart(3)} missed ${String(s.median_ms).padStart(6)} / ${String(s.p95_ms).padStart(6)} ms`;
  };
  return `${label.padEnd(16)} ${String(n).padStart(4)}  | ours ${f(ours)}  | zxing-cpp ${f(cpp)}`;
}

async function main() {
  const dir = path.resolve(process.argv[2] ?? path.join(ROOT, 'test', 'fixtures', 'decode'));
  const verbose = process.argv.includes('--verbose');
  const files = walk(dir);
  if (files.length === 0) throw new Error(`no PNG or JPEG images under ${dir}`);
  const wasm = readFileSync(
    path.join(ROOT, 'node_modules', 'zxing-wasm', 'dist', 'reader', 'zxing_reader.wasm'),
  );
  prepareZXingModule({
    overrides: {
      wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength),
    },
  });

  const perFolder = new Map<string, { n: number; ours: Tally; cpp: Tally }>();
  const total = { n: 0, ours: tally(), cpp: tally() };
  let warmed = false;
  for (const file of files) {
    const img = load(file);
    if (!warmed) {
      // compile the wasm module and let V8 optimise our hot loops before timing anything
      for (let i = 0; i < 3; i++) {
        decode(img, { formats: ALL_FORMATS });
        await readCpp(img);
      }
      warmed = true;
    }
    let t0 = performance.now();
    const ours = decode(img, { formats: ALL_FORMATS })?.text;
    const oursMs = performance.now() - t0;
    t0 = performance.now();
    const cpp = await readCpp(img);
    const cppMs = performance.now() - t0;

    const folder = path.relative(dir, path.dirname(file)) || '.';
    let f = perFolder.get(folder);
    if (!f) perFolder.set(folder, (f = { n: 0, ours: tally(), cpp: tally() }));
    f.n++;
    total.n++;
    count(f.ours, img.expected, ours, oursMs);
    count(f.cpp, img.expected, cpp, cppMs);
    count(total.ours, img.expected, ours, oursMs);
    count(total.cpp, img.expected, cpp, cppMs);
    if (verbose && (ours !== img.expected || cpp !== img.expected)) {
      console.log(
        `  ${path.relative(dir, file)}: expected ${img.expected ?? '-'}, ours ${ours ?? '-'} (${r1(oursMs)} ms), zxing-cpp ${cpp ?? '-'} (${r1(cppMs)} ms)`,
      );
    }
  }

  console.log(`${total.n} images under ${path.relative(process.cwd(), dir) || dir}`);
  console.log(
    `${'folder'.padEnd(16)} ${'n'.padStart(4)}  | correct, wrong, missed, median / p95 ms per image`,
  );
  for (const [folder, f] of [...perFolder].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(line(folder, f.n, f.ours, f.cpp));
  }
  console.log(line('TOTAL', total.n, total.ours, total.cpp));
  console.log(JSON.stringify({ ours: summary(total.ours), zxing_cpp: summary(total.cpp) }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
