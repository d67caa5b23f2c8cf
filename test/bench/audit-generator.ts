/**
 * A realistic terminal audit log, written through the real append path (electron/audit), for
 * the benchmarks (bench:audit, bench:central): a day at the counter, deterministic per seed.
 * Appends run inside large transactions with synchronous=OFF, so a million records take
 * seconds to minutes, not hours; the chain is the real one.
 */
import { openAuditLog, type AuditLog } from '../../electron/audit';

export const DAY = 86_400_000;
export const TZ = 8 * 60; // the shop is in China
const PER_DAY = 1_000; // customers a day: ~2,700 records

// A deterministic PRNG so two runs generate the same log.
export function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const OPERATORS = Array.from(
  { length: 12 },
  (_, i) => `op${String(i + 1).padStart(2, '0')}`,
);
export const CARDS = Array.from(
  { length: 20 },
  (_, i) => `pFS7Fjg8kV1IdDz01r4SQwMk${String(i).padStart(4, '0')}`,
);
export const TITLES = ['满100减20', '咖啡买一送一', '8.8折会员券', 'Free cookie', '新客立减10元'];
export const REJECTIONS: [number, string][] = [
  [40099, 'invalid code, this code has consumed.'],
  [40127, '卡券已过期 card expired'],
  [40056, 'invalid serial code'],
  [40079, 'invalid time! 未到生效时间'],
  [40164, 'code is being gifted 转赠中'],
];

export interface Generator {
  /** Appends the records of one customer interaction; returns how many it wrote. */
  step(log: AuditLog): number;
  clock(): number;
}

/**
 * A day at the counter: opening hours 09:00-21:00 local, ~2,500 records a day from 12 operators
 * on shifts; scans and lookups, redemptions (intent + result, a few unknown then settled),
 * rejections with WeChat messages, refunds, sign-ins, the odd setting or export.
 */
export function counter(seed: number, start: number): Generator {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  let t = start;
  const gap = (12 * 3_600_000) / PER_DAY;
  const advance = () => {
    t += Math.round(gap * 2 * rand() * 0.5 + gap * 0.5);
    const local = (t + TZ * 60_000) % DAY;
    if (local > 21 * 3_600_000) {
      // Closed: jump to 09:00 local the next day.
      t += DAY - local + 9 * 3_600_000;
    }
  };
  const code = () => String(Math.floor(100_000_000_000 + rand() * 899_999_999_999));
  return {
    clock: () => t,
    step(log) {
      advance();
      const hour = new Date(t + TZ * 60_000).getUTCHours();
      const operator = OPERATORS[(hour >= 15 ? 6 : 0) + Math.floor(rand() * 6)]!;
      const card = pick(CARDS);
      const c = code();
      const r = rand();
      const base = { operator_id: operator, code: c, card_id: card };
      if (r < 0.02) {
        log.append({
          action: pick(['sign_in', 'sign_out', 'sign_in_failed']),
          outcome: 'ok',
          operator_id: operator,
          detail: { station: 'counter-1' },
        });
        return 1;
      }
      if (r < 0.025) {
        log.append({
          action: pick(['settings_change', 'export', 'verify']),
          outcome: 'ok',
          operator_id: operator,
          detail: { message: 'by supervisor', field: 'mode' },
        });
        return 1;
      }
      log.append({
        action: 'scan',
        outcome: 'ok',
        ...base,
        detail: { source: pick(['scanner', 'camera', 'manual']) },
      });
      const duration = 40 + Math.floor(rand() * 200);
      if (r < 0.11) {
        const [errcode, errmsg] = pick(REJECTIONS);
        log.append({
          action: 'lookup',
          outcome: 'rejected',
          ...base,
          errcode,
          errmsg,
          duration_ms: duration,
        });
        return 2;
      }
      log.append({
        action: 'lookup',
        outcome: 'ok',
        ...base,
        errcode: 0,
        duration_ms: duration,
        detail: {
          title: pick(TITLES),
          brand: 'Demo Coffee 演示咖啡',
          value: 2000,
          can_consume: true,
        },
      });
      if (r < 0.45) return 2; // check only, customer left
      if (r < 0.46) {
        const intent = log.appendIntent({
          action: 'invalidate',
          ...base,
          detail: { reason: '顾客退款 refund' },
        });
        log.appendResult(intent.nonce!, {
          action: 'invalidate',
          outcome: 'ok',
          errcode: 0,
          duration_ms: duration,
        });
        return 4;
      }
      const intent = log.appendIntent({ action: 'redeem', ...base });
      if (r < 0.465) {
        log.appendResult(intent.nonce!, {
          action: 'redeem',
          outcome: 'unknown',
          errmsg: 'timeout after 8000 ms',
          duration_ms: 8000,
        });
        log.appendResult(intent.nonce!, {
          action: 'redeem',
          outcome: 'settled',
          errcode: 0,
          detail: { message: 'settled by code/get: consumed' },
        });
        return 5;
      }
      if (r < 0.475) {
        const [errcode, errmsg] = pick(REJECTIONS);
        log.appendResult(intent.nonce!, {
          action: 'redeem',
          outcome: 'rejected',
          errcode,
          errmsg,
          duration_ms: duration,
        });
        return 4;
      }
      log.appendResult(intent.nonce!, {
        action: 'redeem',
        outcome: 'ok',
        errcode: 0,
        duration_ms: duration,
      });
      return 4;
    },
  };
}

export const START = Date.UTC(2024, 0, 1, 1, 0, 0); // 09:00 in Shanghai

/** Fills `file` with about `count` records; returns the generator (its clock goes on). */
export async function generate(
  file: string,
  count: number,
  seed: number,
  opts: { start?: number; terminalId?: string } = {},
) {
  const gen = counter(seed, opts.start ?? START);
  const log = openAuditLog(file, { terminalId: opts.terminalId ?? 'T-0001', now: gen.clock });
  log.db.pragma('synchronous = OFF'); // fixture only: the measured appends below use FULL
  let n = 0;
  const batch = log.db.transaction((until: number) => {
    while (n < until) n += gen.step(log);
  });
  const t0 = performance.now();
  while (n < count) {
    batch(Math.min(count, n + 20_000));
    await new Promise((r) => setImmediate(r)); // the search index catches up between batches
  }
  const installId = log.installId;
  const head = log.head()!;
  log.close();
  return { gen, n, ms: performance.now() - t0, installId, head };
}
