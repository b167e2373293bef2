import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSimulator } from '../../simulator/index.js';
import { gaugeOf, readyzOf, startFleet, type GatewayProcess } from './fleet.js';
import { startLoad, type LoadCounters } from './load.js';
import { startBenchRedis, type BenchRedis } from './redis.js';
import type { MultiInstanceScenario } from './scenario.js';

export interface PhaseFigures {
  seconds: number;
  /** Tokens the upstream charged, as % of the token ceiling over the phase. */
  goodputPct: number;
  upstreamRequests: number;
  upstream429: number;
  upstream429Pct: number;
  client: LoadCounters;
}

export interface DrillFigures {
  /** Ms from stopping Redis until every instance's /readyz said degraded (null: never). */
  degradedAfterMs: number | null;
  /** The metric pacer_store_degraded read 1 on every instance while down. */
  metricFlipped: boolean;
  /** Ms from restarting Redis until every instance said ok again (null: never). */
  recoveredAfterMs: number | null;
  metricCleared: boolean;
  /** /readyz answered 200 on every sample while degraded. */
  readyWhileDegraded: boolean;
  outage: PhaseFigures;
  recovery: PhaseFigures;
}

export interface MultiInstanceReport {
  scenario: string;
  instances: number;
  ceilingTokensPerS: number;
  demand: number;
  steady: PhaseFigures;
  drill: DrillFigures | { skipped: string };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runMultiInstance(
  sc: MultiInstanceScenario,
  opts: { log?: (line: string) => void; reportDir?: string; durationS?: number } = {},
): Promise<{ report: MultiInstanceReport; file: string }> {
  const log = opts.log ?? (() => undefined);
  const durationS = opts.durationS ?? sc.duration_s;
  const external = process.env['PACER_REDIS_URL'];
  const redis: BenchRedis | undefined = external ? undefined : await startBenchRedis();
  const redisUrl = external ?? redis!.url;
  const sim = await startSimulator({
    port: 0,
    host: '127.0.0.1',
    rpm: sc.simulator.rpm,
    tpm: sc.simulator.tpm,
    ttftMs: sc.simulator.ttft_ms,
    tokensPerS: sc.simulator.tokens_per_s,
    timeScale: sc.simulator.time_scale,
    seed: sc.seed,
    settleUsage: true,
  });
  let fleet: GatewayProcess[] = [];
  try {
    log(`multi-instance: redis ${redisUrl}${external ? ' (PACER_REDIS_URL)' : ''}, simulator ${sim.url}`);
    fleet = await startFleet({
      size: sc.instances,
      redisUrl,
      upstreamUrl: sim.url,
      timeScale: sc.simulator.time_scale,
      env: { PACER_DEFAULT_DEADLINE_MS: String(sc.gateway.default_deadline_ms) },
    });
    log(`multi-instance: ${fleet.length} gateways: ${fleet.map((g) => g.url).join(' ')}`);
    const ceilingPerS = (sc.simulator.tpm * sc.simulator.time_scale) / 60;
    const load = startLoad({
      gateways: fleet,
      ceilingPerS,
      demand: sc.load.demand,
      promptText: Array.from({ length: sc.load.prompt_words }, (_, i) => `word${i % 17}`).join(' '),
      maxTokens: sc.load.max_tokens,
      model: sc.model,
      guessTokens: sc.load.prompt_words * 2 + sc.load.max_tokens / 2,
    });
    const phase = startPhase(sim, load.counters, ceilingPerS);
    await sleep(sc.warmup_s * 1000);
    log(`multi-instance: warm-up done, measuring ${Math.max(1, durationS - sc.warmup_s)} s of steady state`);
    const steadyPhase = phase();
    await sleep(Math.max(1, durationS - sc.warmup_s) * 1000);
    const steady = steadyPhase();

    let drill: MultiInstanceReport['drill'];
    if (!sc.drill.enabled) drill = { skipped: 'disabled in the scenario' };
    else if (!redis) drill = { skipped: 'PACER_REDIS_URL is an external server the bench does not own' };
    else drill = await runDrill(sc, fleet, redis, phase, log);
    await load.stop();

    const report: MultiInstanceReport = {
      scenario: sc.name,
      instances: fleet.length,
      ceilingTokensPerS: ceilingPerS,
      demand: sc.load.demand,
      steady,
      drill,
    };
    const dir = opts.reportDir ?? 'reports/multi-instance';
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'report.json');
    writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
    return { report, file };
  } finally {
    await Promise.all(fleet.map((g) => g.stop()));
    await sim.close();
    await redis?.stop();
  }
}

type Phase = () => () => PhaseFigures;

/** Returns a starter: each call marks a start and gives a function that closes the phase. */
function startPhase(
  sim: { stats(): { requests: number; rejected_429: number; tokens_charged: number } },
  counters: () => LoadCounters,
  ceilingPerS: number,
): Phase {
  return () => {
    const t0 = performance.now();
    const s0 = sim.stats();
    const c0 = counters();
    return () => {
      const seconds = (performance.now() - t0) / 1000;
      const s1 = sim.stats();
      const c1 = counters();
      const upstreamRequests = s1.requests - s0.requests;
      const upstream429 = s1.rejected_429 - s0.rejected_429;
      return {
        seconds: round(seconds, 1),
        goodputPct: round((100 * (s1.tokens_charged - s0.tokens_charged)) / (ceilingPerS * seconds), 1),
        upstreamRequests,
        upstream429,
        upstream429Pct: round(upstreamRequests > 0 ? (100 * upstream429) / upstreamRequests : 0, 2),
        client: {
          sent: c1.sent - c0.sent,
          ok: c1.ok - c0.ok,
          shed: c1.shed - c0.shed,
          failed: c1.failed - c0.failed,
          tokens: c1.tokens - c0.tokens,
        },
      };
    };
  };
}

async function runDrill(
  sc: MultiInstanceScenario,
  fleet: GatewayProcess[],
  redis: BenchRedis,
  phase: Phase,
  log: (line: string) => void,
): Promise<DrillFigures> {
  const states = async (): Promise<{ code: number; state: unknown }[]> =>
    Promise.all(
      fleet.map(async (g) => readyzOf(g).then((r) => ({ code: r.code, state: r.body['store_status'] }))),
    );
  const gauges = async (): Promise<number[]> =>
    Promise.all(fleet.map((g) => gaugeOf(g, 'pacer_store_degraded')));

  log('multi-instance: drill: stopping redis-server');
  const outagePhase = phase();
  const down = performance.now();
  await redis.stop();
  let degradedAfterMs: number | null = null;
  let metricFlipped = false;
  let readyWhileDegraded = true;
  while (performance.now() - down < sc.drill.down_s * 1000) {
    const s = await states();
    if (s.some((x) => x.state === 'degraded' && x.code !== 200)) readyWhileDegraded = false;
    if (degradedAfterMs === null && s.every((x) => x.state === 'degraded')) {
      degradedAfterMs = Math.round(performance.now() - down);
      metricFlipped = (await gauges()).every((v) => v === 1);
    }
    await sleep(200);
  }
  const outage = outagePhase();
  log('multi-instance: drill: starting redis-server again');
  const recoveryPhase = phase();
  await redis.start();
  const up = performance.now();
  let recoveredAfterMs: number | null = null;
  while (performance.now() - up < Math.max(sc.drill.after_s, 15) * 1000) {
    if (recoveredAfterMs === null && (await states()).every((x) => x.state === 'ok')) {
      recoveredAfterMs = Math.round(performance.now() - up);
    }
    if (recoveredAfterMs !== null && performance.now() - up >= sc.drill.after_s * 1000) break;
    await sleep(200);
  }
  const metricCleared = (await gauges()).every((v) => v === 0);
  return {
    degradedAfterMs,
    metricFlipped,
    recoveredAfterMs,
    metricCleared,
    readyWhileDegraded,
    outage,
    recovery: recoveryPhase(),
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function formatMultiInstance(r: MultiInstanceReport): string {
  const row = (name: string, p: PhaseFigures): string =>
    `${name.padEnd(10)} ${String(p.seconds).padStart(6)} s  goodput ${String(p.goodputPct).padStart(6)} % of ceiling  ` +
    `upstream 429 ${p.upstream429}/${p.upstreamRequests} (${p.upstream429Pct} %)  ` +
    `client ok ${p.client.ok} shed ${p.client.shed} failed ${p.client.failed}`;
  const lines = [
    `multi-instance: ${r.instances} gateway processes, 1 redis-server, 1 simulator; ceiling ${Math.round(r.ceilingTokensPerS)} tokens/s, demand ${r.demand}x`,
    row('steady', r.steady),
  ];
  if ('skipped' in r.drill) lines.push(`drill      skipped: ${r.drill.skipped}`);
  else {
    const d = r.drill;
    lines.push(row('redis down', d.outage), row('redis back', d.recovery));
    lines.push(
      `drill      degraded on all after ${d.degradedAfterMs ?? 'never'} ms (metric ${d.metricFlipped ? '1 on all' : 'NOT 1 on all'}, /readyz ${d.readyWhileDegraded ? '200' : 'not 200'} while degraded); ` +
        `recovered after ${d.recoveredAfterMs ?? 'never'} ms (metric ${d.metricCleared ? '0 on all' : 'NOT 0 on all'})`,
    );
  }
  const ok = r.steady.goodputPct >= 95 && r.steady.upstream429Pct <= 1;
  lines.push(
    `goal       >= 95 % of the ceiling and <= 1 % upstream 429s in steady state: ${ok ? 'MET' : 'NOT MET'}`,
  );
  return lines.join('\n');
}
