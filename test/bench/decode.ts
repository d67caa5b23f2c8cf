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
 * both; our plan's steps (runs, reads, ms; on images with and without a code), the empty-frame
 * check included; and the goals: median within 1.5x zxing-cpp's, p95 within 5x, no wrong read,
 * no read lost against decode-baseline.json (what the decoder read before issue 20's changes,
 * checked on the default corpus). Exits non-zero on a wrong read or a lost read (the time goals
 * are printed, not enforced: figures on a shared machine are contended). The last line is one
 * JSON object:
 *   {"ours": {"correct","wrong","missed","median_ms","p95_ms"}, "zxing_cpp": {...}, "goals": {...}}
 * Times are wall-clock per image in this process (one core), decoding only: the image is
 * loaded into RGBA first. Both decoders are warmed up on the first image.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { prepareZXingModule, readBarcodes, type ReaderOptions } from 'zxing-wasm/reader';
import { ALL_FORMATS, decode, type Frame } from '../../renderer/src/scan/decoder';
import { percentile } from './stats';

const ROOT = path.resolve(__dirname, '..', '..');
const DEFAULT_DIR = path.join(ROOT, 'test', 'fixtures', 'decode');
/** What the decoder read on the shipped corpus before issue 20's changes (relative, no ext). */
const baseline = (
  JSON.parse(readFileSync(path.join(__dirname, 'decode-baseline.json'), 'utf8')) as {
    read: string[];
  }
).read;
const r2 = (n: number) => Math.round(n * 100) / 100;

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

const r1 = (n: number) => Math.round(n * 10) / 10;

function summary(t: Tally) {
  return {
    correct: t.correct,
    wrong: t.wrong,
    missed: t.missed,
    median_ms: r1(percentile(t.times, 50)),
    p95_ms: r1(percentile(t.times, 95)),
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
  const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const dir = path.resolve(args[0] ?? DEFAULT_DIR);
  const verbose = process.argv.includes('--verbose');
  const readOk = new Set<string>();
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
  const steps = new Map<string, { runs: number; hits: number; ms: number }>();
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
    const trace = (step: string, ms: number, hit: boolean) => {
      const kind = img.expected === undefined ? 'empty' : 'code';
      const key = `${step}\u0000${kind}`;
      const s = steps.get(key) ?? { runs: 0, hits: 0, ms: 0 };
      s.runs++;
      s.ms += ms;
      if (hit) s.hits++;
      steps.set(key, s);
    };
    let t0 = performance.now();
    const ours = decode(img, { formats: ALL_FORMATS, trace })?.text;
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
    if (img.expected !== undefined && ours === img.expected) {
      readOk.add(
        path
          .relative(dir, file)
          .replace(/\.(png|jpe?g)$/i, '')
          .split(path.sep)
          .join('/'),
      );
    }
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
  console.log('\nour plan, per step: runs, reads, total ms (images with a code | without)');
  const names = [...new Set([...steps.keys()].map((k) => k.split('\u0000')[0]!))];
  for (const name of names) {
    const f = (kind: string) => {
      const s = steps.get(`${name}\u0000${kind}`) ?? { runs: 0, hits: 0, ms: 0 };
      return `${String(s.runs).padStart(4)} runs ${String(s.hits).padStart(3)} reads ${String(Math.round(s.ms)).padStart(6)} ms`;
    };
    console.log(`  ${name.padEnd(10)} ${f('code')}  | ${f('empty')}`);
  }
  // The goals (issue 20): against zxing-cpp on the same images, and no read lost or wrong.
  const ours = summary(total.ours);
  const cpp = summary(total.cpp);
  const medianRatio = r2(ours.median_ms / Math.max(0.01, cpp.median_ms));
  const p95Ratio = r2(ours.p95_ms / Math.max(0.01, cpp.p95_ms));
  const lost =
    baseline && path.resolve(dir) === DEFAULT_DIR ? baseline.filter((f) => !readOk.has(f)) : [];
  const goals = {
    median_ratio: { value: medianRatio, goal: 1.5, met: medianRatio <= 1.5 },
    p95_ratio: { value: p95Ratio, goal: 5, met: p95Ratio <= 5 },
    wrong: { value: ours.wrong, goal: 0, met: ours.wrong === 0 },
    lost_reads: { value: lost.length, goal: 0, met: lost.length === 0 },
  };
  console.log('\ngoals (times are this run, on this machine now: contended if it is shared)');
  console.log(
    `  median ${medianRatio}x zxing-cpp's (goal <= 1.5x): ${goals.median_ratio.met ? 'met' : 'NOT met'}`,
  );
  console.log(
    `  p95    ${p95Ratio}x zxing-cpp's (goal <= 5x): ${goals.p95_ratio.met ? 'met' : 'NOT met'}`,
  );
  console.log(
    `  wrong reads ${ours.wrong} (goal 0, fails the run): ${goals.wrong.met ? 'met' : 'NOT met'}`,
  );
  console.log(
    baseline && path.resolve(dir) === DEFAULT_DIR
      ? `  reads lost against decode-baseline.json: ${lost.length} (goal 0, fails the run)${lost.length ? ': ' + lost.join(', ') : ''}`
      : '  reads lost: not checked (no baseline for this folder)',
  );
  console.log(JSON.stringify({ ours, zxing_cpp: cpp, goals }));
  if (!goals.wrong.met || !goals.lost_reads.met) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
