import { describe, expect, it } from 'vitest';
import { createSeededRng, forkRng } from '../../src/core/clock.js';
import { createEngine } from '../../src/engine/index.js';
import type { EngineOptions, Priority } from '../../src/engine/types.js';
import { createFakeTime } from './fake-timers.js';

/**
 * The fairness goals of the benches, on the engine alone in simulated time (no CPU noise): the
 * same arrivals of the protected tenants with and without a flood next to them. Sizes as in
 * scenarios/mixed-priority.yaml: prompts 150 or 800 tokens, output 100 (x2) or 500, against
 * 20,000 TPM, so one request is 250-1,300 tokens.
 */
interface Stream {
  tenant: string;
  priority: Priority;
  weight: number;
  /** Share of the pool's token rate this stream demands. */
  demand: number;
}

const TPM = 20_000;
const MEAN = (150 + 800) / 2 + (100 + 100 + 500) / 3;
const MINUTES = 10;

async function queueWaits(streams: Stream[], seed: number, knobs: EngineOptions = {}) {
  const time = createFakeTime(0);
  const engine = createEngine(
    { pools: { up: { models: ['m'], tpm: TPM, rpm: 500 } }, ...knobs },
    { clock: time.clock, timers: time.timers, rng: createSeededRng(seed) },
  );
  const waits = new Map<string, number[]>();
  const served = new Map<string, number>();
  const end = MINUTES * 60_000;
  for (const s of streams) {
    // One rng per stream: a tenant's arrivals are the same whether or not the others run.
    const rng = forkRng(seed, s.tenant);
    const perMs = (s.demand * TPM) / MEAN / 60_000;
    const list: number[] = [];
    waits.set(s.tenant, list);
    const arrive = (): void => {
      const tokens = (rng.next() < 0.5 ? 150 : 800) + (rng.next() < 2 / 3 ? 100 : 500);
      const held = 300 + rng.next() * 3_000;
      const t0 = time.clock.now();
      void engine
        .acquire({
          pool: 'up',
          tenant: s.tenant,
          priority: s.priority,
          weight: s.weight,
          tokens,
          deadlineMs: 600_000,
        })
        .then((r) => {
          if (!r.ok) return;
          if (t0 >= 60_000) list.push(time.clock.now() - t0); // after the first minute
          served.set(s.tenant, (served.get(s.tenant) ?? 0) + tokens);
          time.timers.setTimeout(() => r.lease.settle(tokens), held);
        });
      const gap = -Math.log(1 - rng.next()) / perMs;
      if (time.clock.now() + gap < end) time.timers.setTimeout(arrive, gap);
    };
    time.timers.setTimeout(arrive, 0);
  }
  await time.advance(end);
  engine.close();
  return Object.assign(waits, { served });
}

/**
 * Queue waits compare within a 20 ms floor: the benches run at time scale 20, where 20 ms of pool
 * time is the 1 ms resolution of x-pacer-queue-ms.
 */
const FLOOR_MS = 20;

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(0.95 * s.length))] ?? 0;
}

describe('fairness in simulated time (default knobs)', () => {
  it('mixed-priority: a batch flood leaves interactive p95 queue wait where it is alone', async () => {
    const interactive: Stream = { tenant: 'interactive', priority: 'interactive', weight: 4, demand: 0.3 };
    const batch: Stream = { tenant: 'batch', priority: 'batch', weight: 1, demand: 1.2 };
    for (const seed of [1, 2, 3, 4]) {
      const alone = (await queueWaits([interactive], seed)).get('interactive')!;
      const flooded = (await queueWaits([interactive, batch], seed)).get('interactive')!;
      expect(flooded.length).toBe(alone.length);
      expect(p95(flooded)).toBeLessThanOrEqual(p95(alone) * 1.1 + FLOOR_MS);
    }
  });

  it('noisy-tenant: quiet tenants keep their p95 queue wait next to a tenant at ten times its share', async () => {
    const quiet: Stream[] = [
      { tenant: 'quiet-a', priority: 'default', weight: 1, demand: 0.15 },
      { tenant: 'quiet-b', priority: 'default', weight: 1, demand: 0.15 },
    ];
    const noisy: Stream = { tenant: 'noisy', priority: 'default', weight: 1, demand: 1.2 };
    for (const seed of [1, 2, 3, 4]) {
      const alone = await queueWaits(quiet, seed);
      const loud = await queueWaits([...quiet, noisy], seed);
      for (const q of quiet) {
        const a = alone.get(q.tenant)!;
        const b = loud.get(q.tenant)!;
        expect(b.length).toBe(a.length);
        expect(p95(b)).toBeLessThanOrEqual(Math.max(2 * p95(a), p95(a) + FLOOR_MS));
      }
      // ... and the noisy tenant still gets the capacity nobody else uses: everything served adds
      // up to nearly the pool's rate over the run (2 % headroom, the first bucket on top).
      let total = 0;
      for (const v of loud.served.values()) total += v;
      expect(total / (TPM * MINUTES)).toBeGreaterThan(0.95);
    }
  });

  it('the old knobs (2 s burst, 20 % reserve) fail the same check: the test can tell', async () => {
    const interactive: Stream = { tenant: 'interactive', priority: 'interactive', weight: 4, demand: 0.3 };
    const batch: Stream = { tenant: 'batch', priority: 'batch', weight: 1, demand: 1.2 };
    const old = { burstSeconds: 2, reservedInteractiveShare: 0.2 };
    const alone = (await queueWaits([interactive], 1, old)).get('interactive')!;
    const flooded = (await queueWaits([interactive, batch], 1, old)).get('interactive')!;
    expect(p95(flooded)).toBeGreaterThan(p95(alone) * 1.1 + FLOOR_MS);
  });
});
