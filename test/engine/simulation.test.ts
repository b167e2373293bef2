import { describe, expect, it } from 'vitest';
import { createSeededRng } from '../../src/core/clock.js';
import { createEngine } from '../../src/engine/index.js';
import type { EngineOptions, Priority } from '../../src/engine/types.js';
import { createFakeTime } from './fake-timers.js';
import { createUpstreamModel } from './upstream-model.js';

interface RunResult {
  requestCeiling: number;
  ceiling: number;
  charged: number;
  rejected: number;
  admitted: number;
  shed: number;
}

const STRICT: EngineOptions = { burstSeconds: 2, reservedInteractiveShare: 0.2 };

/** Drives the engine at `demand` x the token ceiling against the upstream model, in simulated time. */
async function run(opts: {
  minutes: number;
  demand: number;
  settleUpstream: boolean;
  engine: EngineOptions;
  configured: boolean;
  seed: number;
  rpm?: number;
  tpm?: number;
  meanTokens?: number;
  /** Token slice of the model upstream: 2 s (strict) unless 60 (a minute bucket only). */
  sliceSeconds?: number;
}): Promise<RunResult> {
  const rpm = opts.rpm ?? 600;
  const tpm = opts.tpm ?? 100_000;
  const time = createFakeTime(0);
  const rng = createSeededRng(opts.seed);
  // An upstream that slices tokens at 2 s (stricter than the real API is known to be) is
  // configured for, as an operator would: a 2 s burst and a smaller reserve, since refunds
  // above a 2 s bucket are lost and a high reserve keeps the bucket fuller.
  const engine = createEngine(
    {
      ...(opts.sliceSeconds === 60 ? {} : STRICT),
      ...opts.engine,
      pools: opts.configured ? { up: { models: ['m'], rpm, tpm } } : {},
    },
    { clock: time.clock, timers: time.timers, rng },
  );
  const upstream = createUpstreamModel(rpm, tpm, {
    sliceSeconds: opts.sliceSeconds ?? 2,
    settle: opts.settleUpstream,
  });
  const meanTokens = opts.meanTokens ?? 1600;
  // Demand is measured in what the upstream finally charges (actual usage when it settles).
  const netPerRequest = opts.settleUpstream ? meanTokens * 0.65 : meanTokens;
  // ... in the dimension that binds.
  const perMs = (opts.demand * Math.min(tpm / netPerRequest, rpm)) / 60_000;
  const end = opts.minutes * 60_000;
  let admitted = 0;
  let shed = 0;
  const priorities: Priority[] = ['interactive', 'default', 'batch'];

  const arrive = (): void => {
    const tokens = Math.max(1, Math.floor(meanTokens * (0.0625 + rng.next() * 1.875)));
    const priority = priorities[Math.floor(rng.next() * 3)]!;
    void engine
      .acquire({ pool: 'up', tenant: `t${Math.floor(rng.next() * 4)}`, priority, tokens, deadlineMs: 15_000 })
      .then((r) => {
        if (!r.ok) {
          shed++;
          return;
        }
        const sentAt = time.clock.now();
        const res = upstream.admit(sentAt, tokens);
        const latency = 150 + rng.next() * 2500;
        time.timers.setTimeout(() => {
          const now = time.clock.now();
          if (res.ok) {
            admitted++;
            engine.observe({ pool: 'up', status: 200, headers: res.headers, sentAt, receivedAt: now });
            const actual = Math.floor(tokens * (0.3 + rng.next() * 0.7));
            upstream.settle(now, tokens, actual);
            r.lease.settle(actual);
          } else {
            engine.observe({
              pool: 'up',
              status: 429,
              headers: res.headers,
              sentAt,
              receivedAt: now,
              rateLimitType: res.type!,
            });
            r.lease.settle(tokens);
          }
        }, latency);
      });
    const gap = -Math.log(1 - rng.next()) / perMs;
    if (time.clock.now() + gap < end) time.timers.setTimeout(arrive, gap);
  };
  time.timers.setTimeout(arrive, 0);
  await time.advance(end);
  if (process.env['SIM_DEBUG'])
    console.log(
      JSON.stringify({
        ...engine.snapshot()[0],
        ratio: upstream.charged / (tpm * opts.minutes),
        rejected: upstream.rejected,
        admitted,
        shed,
      }),
    );
  engine.close();
  return {
    ceiling: tpm * opts.minutes,
    charged: upstream.charged,
    rejected: upstream.rejected,
    admitted,
    shed,
    requestCeiling: rpm * opts.minutes,
  };
}

describe('simulation: engine against a model upstream at 2x demand', () => {
  it('admits >= 97 % of the token ceiling and is never rejected (upstream settles usage, engine refunds)', async () => {
    const r = await run({
      minutes: 3,
      demand: 2,
      settleUpstream: true,
      engine: { refundUnused: true },
      configured: true,
      seed: 11,
    });
    expect(r.rejected).toBe(0);
    expect(r.charged / r.ceiling).toBeGreaterThanOrEqual(0.97);
    expect(r.charged / r.ceiling).toBeLessThanOrEqual(1.0);
    expect(r.shed).toBeGreaterThan(0); // demand really exceeded the ceiling
  });

  it('default knobs against an upstream that limits tokens by the minute only (the documented rule)', async () => {
    const r = await run({
      minutes: 3,
      demand: 2,
      settleUpstream: true,
      engine: {},
      configured: true,
      seed: 15,
      sliceSeconds: 60,
    });
    // Above 100 % is possible here: the upstream starts with a full minute's bucket.
    expect(r.rejected).toBe(0);
    expect(r.charged / r.ceiling).toBeGreaterThanOrEqual(0.97);
  });

  it('same when the upstream keeps reservations and the limits are learned from headers (cold start)', async () => {
    const r = await run({
      minutes: 3,
      demand: 2,
      settleUpstream: false,
      engine: { refundUnused: false },
      configured: false,
      seed: 12,
    });
    expect(r.rejected).toBe(0);
    expect(r.charged / r.ceiling).toBeGreaterThanOrEqual(0.97);
  });

  it('request-bound: >= 97 % of the RPM ceiling, never tripping the per-second request slices', async () => {
    const r = await run({
      minutes: 3,
      demand: 2,
      settleUpstream: true,
      engine: {},
      configured: true,
      seed: 14,
      rpm: 500,
      tpm: 10_000_000,
      meanTokens: 200,
    });
    expect(r.rejected).toBe(0);
    expect(r.admitted / r.requestCeiling).toBeGreaterThanOrEqual(0.97);
  });

  it('misconfigured (engine refunds, upstream keeps reservations): remaining headers keep 429s rare', async () => {
    const r = await run({
      minutes: 3,
      demand: 2,
      settleUpstream: false,
      engine: { refundUnused: true },
      configured: true,
      seed: 13,
    });
    expect(r.rejected / (r.admitted + r.rejected)).toBeLessThan(0.05);
    expect(r.charged / r.ceiling).toBeGreaterThanOrEqual(0.93);
  });
});
