/**
 * npm run bench:client — the WeChat client's cost over a bare HTTP round trip, and its token
 * fetches when many calls cross a token expiry. Runs against the sandbox with a fixed added
 * latency L on every call.
 *
 * 1. Overhead: code/get through the client vs the same request with node:http and a
 *    keep-alive agent (body read and JSON-parsed), alternating, one at a time. overhead_ratio
 *    is client p50 / raw p50 (goal < 1.05) and overhead_ms the same difference in
 *    milliseconds per call (goal < 0.5 ms), beside it because a ratio hides a fixed cost as
 *    L grows.
 * 2. Token fetches: 1,000 code/get calls by 50 concurrent callers (a busy counter's bursts:
 *    the goal's figure), while the sandbox clock moves 15 s per call, so the calls span two
 *    token lifetimes (7200 s each). Once with the provider on the sandbox's clock (it sees the
 *    expiry coming and renews ahead), once on the wall clock (it learns of the expiry from
 *    42001 answers). Expiries are counted from the sandbox's own record of the tokens it
 *    issued: a token whose 7200 s ran out on the sandbox clock during the run (not one a
 *    force_refresh replaced first). token_fetches_per_expiry is the worse of the two (goal 1).
 *
 * Exits 1 when any call failed or no expiry was crossed (nothing measured). The last line
 * printed is one JSON object with the figures.
 */
import http from 'node:http';
import { percentile } from './stats';
import { startSandbox, type RunningSandbox } from '../../electron/sandbox';
import {
  createMemoryTokenCache,
  createSandboxTokenProvider,
  createWeChatClient,
  type TokenProvider,
} from '../../electron/wechat';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 20);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 400);
const WARMUP = 20;
const CROSSING_CALLS = 1_000;
const CONCURRENCY = 50;
const CLOCK_STEP_MS = 15_000;
const STABLE = '/cgi-bin/stable_token';

const round = (n: number) => Math.round(n * 1000) / 1000;

function provider(sb: RunningSandbox, now: () => number): TokenProvider {
  return createSandboxTokenProvider({
    baseUrl: sb.url,
    appid: sb.app.appid,
    secret: sb.app.secret,
    cache: createMemoryTokenCache(),
    now,
  });
}

function firstRedeemableCode(sb: RunningSandbox): string {
  const code = sb.sim.codes({ status: 'NORMAL' }).find((c) => {
    const card = sb.sim.card(c.card_id);
    return c.can_consume && card !== undefined && !card.use_custom_code;
  });
  if (!code) throw new Error('the demo seed has no redeemable code');
  return code.code;
}

/** One code/get with node:http and a keep-alive agent: the floor the client is held to. */
function rawCodeGet(agent: http.Agent, sb: RunningSandbox, token: string, body: string) {
  return new Promise<void>((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: sb.port,
        method: 'POST',
        path: `/card/code/get?access_token=${encodeURIComponent(token)}`,
        agent,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
              errcode?: number;
            };
            if (parsed.errcode !== 0) reject(new Error(`raw call answered ${parsed.errcode}`));
            else resolve();
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function measureOverhead(sb: RunningSandbox) {
  const tokens = provider(sb, () => sb.sim.clock.now());
  const client = createWeChatClient({ baseUrl: sb.url, tokens });
  const code = firstRedeemableCode(sb);
  const token = await tokens.getToken();
  const body = JSON.stringify({ code, check_consume: true });
  const agent = new http.Agent({ keepAlive: true });
  const clientMs: number[] = [];
  const rawMs: number[] = [];
  const timeClient = async () => {
    const t = performance.now();
    await client.codeGet({ code, check_consume: true });
    return performance.now() - t;
  };
  const timeRaw = async () => {
    const t = performance.now();
    await rawCodeGet(agent, sb, token, body);
    return performance.now() - t;
  };
  for (let i = 0; i < WARMUP; i++) {
    await timeClient();
    await timeRaw();
  }
  for (let i = 0; i < SAMPLES; i++) {
    // Alternate the order so neither side always runs on a just-woken event loop.
    if (i % 2 === 0) {
      clientMs.push(await timeClient());
      rawMs.push(await timeRaw());
    } else {
      rawMs.push(await timeRaw());
      clientMs.push(await timeClient());
    }
  }
  agent.destroy();
  return {
    client_p50_ms: percentile(clientMs, 50),
    client_p99_ms: percentile(clientMs, 99),
    raw_p50_ms: percentile(rawMs, 50),
    raw_p99_ms: percentile(rawMs, 99),
  };
}

async function measureTokenFetches(sb: RunningSandbox, clock: 'sandbox' | 'wall') {
  const tokens = provider(sb, clock === 'sandbox' ? () => sb.sim.clock.now() : Date.now);
  const client = createWeChatClient({ baseUrl: sb.url, tokens });
  const code = firstRedeemableCode(sb);
  await client.codeGet({ code }); // the first token is not part of the count
  const fetchesBefore = sb.sim.callCount(STABLE);
  const startedAt = sb.sim.clock.now();
  let inFlight = 0;
  let maxInFlight = 0;
  let next = 0;
  let failures = 0;
  const worker = async () => {
    while (next < CROSSING_CALLS) {
      next += 1;
      sb.sim.clock.advance(CLOCK_STEP_MS);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        await client.codeGet({ code });
      } catch (err) {
        failures += 1;
        if (failures <= 3) console.error(`call failed: ${(err as Error).message}`);
      } finally {
        inFlight -= 1;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const fetches = sb.sim.callCount(STABLE) - fetchesBefore;
  const endedAt = sb.sim.clock.now();
  // Natural expiries of this app's tokens, on the sandbox clock, within the run.
  const expiries = sb.sim
    .issuedTokens()
    .filter(
      (t) =>
        t.appid === sb.app.appid &&
        t.kind === 'stable' &&
        t.expiresAt > startedAt &&
        t.expiresAt <= endedAt &&
        (t.invalidAt === undefined || t.invalidAt >= t.expiresAt),
    ).length;
  return { fetches, expiries, failures, maxInFlight };
}

async function main(): Promise<void> {
  const sb = await startSandbox({
    port: 0,
    startTime: Date.UTC(2026, 2, 10, 2, 0, 0),
    frozenClock: true,
  });
  try {
    sb.sim.faults.add({ path: '*', kind: 'latency', ms: LATENCY_MS, probability: 1 });

    const overhead = await measureOverhead(sb);
    const ratio = overhead.client_p50_ms / overhead.raw_p50_ms;
    const overheadMs = overhead.client_p50_ms - overhead.raw_p50_ms;
    console.log(
      `code/get at L=${LATENCY_MS} ms, ${SAMPLES} samples each: ` +
        `client p50 ${overhead.client_p50_ms.toFixed(2)} ms, p99 ${overhead.client_p99_ms.toFixed(2)} ms; ` +
        `raw p50 ${overhead.raw_p50_ms.toFixed(2)} ms, p99 ${overhead.raw_p99_ms.toFixed(2)} ms; ` +
        `overhead ratio ${ratio.toFixed(4)}, ${overheadMs.toFixed(3)} ms a call (goals < 1.05, < 0.5 ms)`,
    );

    const ahead = await measureTokenFetches(sb, 'sandbox');
    console.log(
      `${CROSSING_CALLS} calls, ${CONCURRENCY} at a time, provider on the sandbox clock: ` +
        `${ahead.fetches} token fetches over ${ahead.expiries} expiries, ${ahead.failures} failed calls ` +
        `(${ahead.maxInFlight} in flight at most)`,
    );
    const reactive = await measureTokenFetches(sb, 'wall');
    console.log(
      `${CROSSING_CALLS} calls, ${CONCURRENCY} at a time, provider on the wall clock (42001): ` +
        `${reactive.fetches} token fetches over ${reactive.expiries} expiries, ${reactive.failures} failed calls ` +
        `(${reactive.maxInFlight} in flight at most)`,
    );

    const perExpiry = (r: { fetches: number; expiries: number }) =>
      r.expiries > 0 ? r.fetches / r.expiries : NaN;
    const failed = ahead.failures + reactive.failures;
    const problems: string[] = [];
    if (failed > 0) problems.push(`${failed} calls failed`);
    if (ahead.expiries === 0 || reactive.expiries === 0) problems.push('no token expiry crossed');
    const fetchesPerExpiry = Math.max(perExpiry(ahead), perExpiry(reactive));
    console.log(
      JSON.stringify({
        latency_ms: LATENCY_MS,
        samples: SAMPLES,
        overhead_ratio: round(ratio),
        overhead_ms: round(overheadMs),
        client_p50_ms: round(overhead.client_p50_ms),
        client_p99_ms: round(overhead.client_p99_ms),
        raw_p50_ms: round(overhead.raw_p50_ms),
        raw_p99_ms: round(overhead.raw_p99_ms),
        token_fetches_per_expiry: fetchesPerExpiry,
        token_fetches_per_expiry_ahead: perExpiry(ahead),
        token_fetches_per_expiry_on_42001: perExpiry(reactive),
        crossing_calls: CROSSING_CALLS,
        concurrency: CONCURRENCY,
        expiries_crossed: ahead.expiries + reactive.expiries,
        failed_calls: failed,
        goal_met: ratio < 1.05 && overheadMs < 0.5 && fetchesPerExpiry === 1,
        ok: problems.length === 0,
      }),
    );
    if (problems.length > 0) {
      console.error(`bench:client failed: ${problems.join('; ')}`);
      process.exitCode = 1;
    }
  } finally {
    await sb.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
