import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock } from '../platform/system.js';
import type { Clock } from '../core/clock.js';
import { createDrainWindow } from './drain.js';
import { computeStrategyReport, type RunRecord } from './metrics.js';
import { emptyAttempt, toOutcome, type Outcome } from './outcome.js';
import type { Progress } from './progress.js';
import type { StrategyReport } from './report-schema.js';
import type { Scenario, StrategyName } from './scenario.js';
import { createStrategy } from './strategies/index.js';
import {
  openTarget,
  simulatorOptions,
  startFreshSimulator,
  startGatewayFor,
  tenantKey,
  type GatewayHandle,
  type Upstream,
} from './upstream.js';
import type { PlannedRequest } from './workload.js';

export interface RunOptions {
  scenario: Scenario;
  requests: PlannedRequest[];
  durationS: number;
  timeScale: number;
  seed: number;
  steady: [number, number];
  /** Use this upstream instead of a fresh simulator. */
  target?: string;
  targetApiKey?: string;
  progress: Progress;
  clock?: Clock;
}

/** Runs one strategy end to end: upstream (and gateway), open-loop load, drain, stats, figures. */
export async function runStrategy(name: StrategyName, o: RunOptions): Promise<StrategyReport> {
  const upstream: Upstream = o.target
    ? await openTarget(o.target, o.targetApiKey ?? 'sk-pacer-bench')
    : await startFreshSimulator(simulatorOptions(o.scenario, o.timeScale, o.seed));
  let gateway: GatewayHandle | null = null;
  try {
    if (name === 'pacer')
      gateway = await startGatewayFor(upstream, o.timeScale, o.scenario.tenants, o.scenario.gateway);
    const record = await drive(name, upstream, gateway, o);
    record.stats = await upstream.stats();
    return computeStrategyReport(record, {
      scenario: o.scenario,
      requests: o.requests,
      timeScale: o.timeScale,
      steady: o.steady,
    });
  } finally {
    await gateway?.close().catch(() => undefined);
    await upstream.close().catch(() => undefined);
  }
}

async function drive(
  name: StrategyName,
  upstream: Upstream,
  gateway: GatewayHandle | null,
  o: RunOptions,
): Promise<RunRecord> {
  const clock = o.clock ?? systemClock;
  // Whole-second start, so client bins line up with the simulator's per-second timeline.
  const runStart = Math.ceil((clock.now() + 100) / 1000) * 1000;
  const attempts: RunRecord['attempts'] = [];
  const drain = createDrainWindow(o.scenario.drain_s * 1000);
  const strategy = createStrategy(
    name,
    {
      baseUrl: gateway ? gateway.url : upstream.url,
      apiKey: gateway ? tenantKey(o.scenario.tenants[0]?.name ?? 'default') : upstream.apiKey,
      timeScale: o.timeScale,
      now: () => clock.now(),
      onAttempt: (status, at, hints) => {
        attempts.push({ atMs: at - runStart, status, pacerErrorCode: hints?.pacerErrorCode ?? null });
        if (hints?.retryAfterMs != null) drain.told(at, hints.retryAfterMs);
      },
    },
    o.seed,
  );
  const cut = new AbortController();
  // Every in-flight request listens on the one cut signal.
  setMaxListeners(0, cut.signal);
  const outcomes: Outcome[] = [];
  const pending = new Set<Promise<void>>();
  const inflight = new Map<number, PlannedRequest>();
  let ok = 0;
  let errors = 0;

  const fire = (r: PlannedRequest): void => {
    const arrivalAt = runStart + r.atMs;
    const p = strategy
      .send(r, { signal: cut.signal, arrivalAt })
      .catch(() => emptyAttempt('connection'))
      .then((a) => {
        // Already written off as cut when it outlived the drain.
        if (!inflight.delete(r.i)) return;
        const out = toOutcome(r, a, runStart, clock.now());
        outcomes.push(out);
        if (out.ok) ok++;
        else errors++;
      })
      .finally(() => pending.delete(p));
    pending.add(p);
    inflight.set(r.i, r);
  };

  const state = (draining: boolean) => ({
    strategy: name,
    elapsedS: Math.max(0, (clock.now() - runStart) / 1000),
    totalS: o.durationS,
    sent: outcomes.length + pending.size,
    ok,
    errors,
    inflight: pending.size,
    draining,
  });
  let draining = false;
  const ticker = setInterval(() => o.progress.update(state(draining)), 250);
  ticker.unref();

  await sleep(Math.max(0, runStart - clock.now()));
  await schedule(o.requests, runStart, clock, fire);

  // Drain: give in-flight requests drain_s (after the last retry a client was told to make, if
  // later), then cut them; cut ones are reported as unfinished.
  draining = true;
  drain.loadEnded(clock.now());
  while (pending.size > 0 && clock.now() < drain.until()) await Promise.race([sleep(50), ...pending]);
  cut.abort();
  const cutDeadline = clock.now() + 2000;
  while (pending.size > 0 && clock.now() < cutDeadline) await Promise.race([sleep(50), ...pending]);
  for (const r of inflight.values()) {
    outcomes.push(toOutcome(r, emptyAttempt('cut'), runStart, clock.now()));
    errors++;
  }
  inflight.clear();
  clearInterval(ticker);
  o.progress.done(state(true));
  await strategy.close().catch(() => undefined);

  return {
    name,
    upstream: upstream.url,
    gateway: gateway?.url ?? null,
    outcomes,
    attempts,
    stats: null,
    runStartMs: runStart,
    wallS: (clock.now() - runStart) / 1000,
  };
}

/** Fires each request at its planned time; timers only, no busy loop. */
async function schedule(
  requests: PlannedRequest[],
  runStart: number,
  clock: Clock,
  fire: (r: PlannedRequest) => void,
): Promise<void> {
  let i = 0;
  while (i < requests.length) {
    const t = clock.now() - runStart;
    let next = requests[i];
    while (next && next.atMs <= t) {
      fire(next);
      next = requests[++i];
    }
    if (next) await sleep(Math.max(1, next.atMs - t));
  }
}
