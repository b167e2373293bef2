import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createSeededRng } from '../../src/core/clock.js';
import { createEngine, createMemoryStore, type QuotaStore } from '../../src/engine/index.js';
import type { StartWaitResult } from '../../src/core/limiter/start-wait.js';
import type { TakeAllResult } from '../../src/core/limiter/take-all.js';
import type { BucketState } from '../../src/core/limiter/bucket.js';
import { systemTimers } from '../../src/engine/timers.js';
import type { AcquireResult, EngineOptions, Lease } from '../../src/engine/types.js';
import { createFakeTime, flush } from './fake-timers.js';

const POOL = 'p';
// The mechanics below are written in round numbers: a 2 s burst (2,000 tokens) and a 20 % reserve.
const KNOBS = { headroom: 0, burstSeconds: 2, reservedInteractiveShare: 0.2 };
function setup(options: EngineOptions = {}) {
  const time = createFakeTime(1_000_000);
  const engine = createEngine(
    { pools: { [POOL]: { models: ['m1', 'm1-2024-01-01'], tpm: 60_000 } }, ...KNOBS, ...options },
    { clock: time.clock, timers: time.timers, rng: createSeededRng(1) },
  );
  return { time, engine };
}
const req = (tokens: number, o: Record<string, unknown> = {}) => ({
  pool: POOL,
  tenant: 't',
  priority: 'default' as const,
  tokens,
  ...o,
});
const lease = (r: AcquireResult): Lease => {
  if (!r.ok) throw new Error(`shed: ${r.reason}`);
  return r.lease;
};
const tokensAvail = (e: ReturnType<typeof setup>['engine'], pool = POOL) =>
  e.snapshot().find((s) => s.pool === pool)!.available.tokens;

describe('engine', () => {
  it('names pools: configured, from the model catalog, or the model id', () => {
    const { engine } = setup();
    expect(engine.poolFor('m1')).toBe(POOL);
    expect(engine.poolFor('gpt-realtime-mini')).toBe('realtime');
    expect(engine.poolFor('gpt-4o-mini-2024-07-18')).toBe('gpt-4o-mini');
    expect(engine.poolFor('my-model')).toBe('my-model');
  });

  it('admits at once while the burst lasts, then queues and dispatches on the timer', async () => {
    const { time, engine } = setup(); // burst 2000 tokens, 1 token/ms
    const a = await engine.acquire(req(1500));
    expect(a).toMatchObject({ ok: true, queuedMs: 0 });
    let b: AcquireResult | undefined;
    void engine.acquire(req(1000)).then((r) => (b = r));
    await flush();
    expect(b).toBeUndefined();
    expect(engine.snapshot()[0]!.queued.default).toBe(1);
    await time.advance(499);
    expect(b).toBeUndefined();
    await time.advance(1);
    expect(b).toMatchObject({ ok: true, queuedMs: 500 });
  });

  it('sheds at once when the deadline cannot be met, with retryAfterMs = when it would fit', async () => {
    const { time, engine } = setup();
    await engine.acquire(req(2000));
    const r = await engine.acquire(req(800, { deadlineMs: 100 }));
    expect(r).toMatchObject({ ok: false, reason: 'deadline', retryAfterMs: 800 });
    await time.advance(800);
    expect(await engine.acquire(req(800, { deadlineMs: 0 }))).toMatchObject({ ok: true });
  });

  it('sheds a waiting request when higher priorities push it past its deadline', async () => {
    const { time, engine } = setup();
    await engine.acquire(req(2000));
    let slow: AcquireResult | undefined;
    void engine.acquire(req(500, { priority: 'batch', deadlineMs: 1000 })).then((r) => (slow = r));
    for (let i = 0; i < 3; i++) void engine.acquire(req(400, { priority: 'interactive', deadlineMs: 5000 }));
    await time.advance(999);
    expect(slow).toBeUndefined();
    await time.advance(1);
    expect(slow).toMatchObject({ ok: false, reason: 'deadline' });
    expect((slow as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
  });

  it('a NaN estimate does not poison the buckets', async () => {
    const { engine } = setup();
    expect(await engine.acquire(req(Number.NaN))).toMatchObject({ ok: true });
    expect(tokensAvail(engine)).toBe(2000);
  });

  it('rejects a request larger than the limit as too_large', async () => {
    const { engine } = setup();
    expect(await engine.acquire(req(60_001))).toMatchObject({ ok: false, reason: 'too_large' });
    // Larger than the burst but within the limit: admitted from a full bucket.
    expect(await engine.acquire(req(30_000))).toMatchObject({ ok: true });
  });

  it('an aborted request leaves the queue at once and frees its place', async () => {
    const { time, engine } = setup();
    await engine.acquire(req(2000));
    const ac = new AbortController();
    let first: AcquireResult | undefined;
    let second: AcquireResult | undefined;
    void engine.acquire(req(1000, { signal: ac.signal })).then((r) => (first = r));
    void engine.acquire(req(1000)).then((r) => (second = r));
    await flush();
    ac.abort();
    await flush();
    expect(first).toMatchObject({ ok: false, reason: 'aborted' });
    await time.advance(1000);
    expect(second).toMatchObject({ ok: true, queuedMs: 1000 });
    expect(engine.snapshot()[0]!.queued.default).toBe(0);
    const pre = new AbortController();
    pre.abort();
    expect(await engine.acquire(req(1, { signal: pre.signal }))).toMatchObject({
      ok: false,
      reason: 'aborted',
    });
  });

  it('settle refunds or charges the difference, cancel refunds all; sums balance', async () => {
    const { engine } = setup({ burstSeconds: 60 }); // capacity = 60 000: no refill cap in play
    const start = tokensAvail(engine) ?? 0;
    const reserved = [3000, 500, 12_000, 800];
    const actual = [1200, 900, 12_000, 0];
    const leases: Lease[] = [];
    for (const t of reserved) leases.push(lease(await engine.acquire(req(t))));
    leases.forEach((l, i) => l.settle(actual[i]!));
    leases[0]!.settle(99_999); // idempotent
    expect(tokensAvail(engine)).toBe(start - actual.reduce((a, b) => a + b, 0));
    const c = lease(await engine.acquire(req(5000)));
    c.cancel();
    c.cancel();
    expect(tokensAvail(engine)).toBe(start - actual.reduce((a, b) => a + b, 0));
    expect(engine.snapshot()[0]!.inFlight).toBe(0);
  });

  it('refundUnused: false keeps the reservation but still charges overruns', async () => {
    const { engine } = setup({ burstSeconds: 60, refundUnused: false });
    const start = tokensAvail(engine) ?? 0;
    lease(await engine.acquire(req(1000))).settle(10);
    lease(await engine.acquire(req(1000))).settle(1500);
    expect(tokensAvail(engine)).toBe(start - 1000 - 1500);
  });

  it('serves batch only beyond the interactive reserve', async () => {
    const { time, engine } = setup(); // reserve 20 % of 2000 = 400 tokens
    await engine.acquire(req(1700)); // 300 left
    let batch: AcquireResult | undefined;
    void engine.acquire(req(100, { priority: 'batch' })).then((r) => (batch = r));
    await flush();
    expect(batch).toBeUndefined();
    expect(await engine.acquire(req(250, { priority: 'interactive' }))).toMatchObject({ ok: true });
    await time.advance(449);
    expect(batch).toBeUndefined();
    await time.advance(1); // 50 + 450 = 500 = reserve + cost
    expect(batch).toMatchObject({ ok: true });
  });

  it('holds a tenant over its fair share out of the reserve; a tenant within it may use it', async () => {
    const { time, engine } = setup(); // reserve 20 % of 2000 = 400 tokens, 1 token/ms
    await engine.acquire(req(100, { tenant: 'quiet' }));
    await engine.acquire(req(1600, { tenant: 'noisy' })); // noisy: 94 % of recent use; 300 left
    let noisy: AcquireResult | undefined;
    void engine.acquire(req(100, { tenant: 'noisy' })).then((r) => (noisy = r));
    await flush();
    expect(noisy).toBeUndefined(); // 300 - 100 would dip below the 400 reserve
    expect(await engine.acquire(req(250, { tenant: 'quiet' }))).toMatchObject({ ok: true, queuedMs: 0 });
    await time.advance(449);
    expect(noisy).toBeUndefined();
    await time.advance(1); // 50 + 450 = 500 = reserve + cost
    expect(noisy).toMatchObject({ ok: true, queuedMs: 450 });
  });

  it('an over-share request that could start only by entering the reserve yields to a protected one', async () => {
    const { time, engine } = setup(); // 2 000 tokens, reserve 400: 1 600 above the line
    await engine.acquire(req(100, { tenant: 'quiet' }));
    await engine.acquire(req(1500, { tenant: 'noisy' })); // noisy: 94 % of recent use
    await time.advance(2000); // full again
    const now = time.clock.now();
    // Hold the queue for 500 ms so both requests wait for the same full bucket.
    engine.observe({
      pool: POOL,
      status: 429,
      headers: { 'retry-after-ms': '500' },
      sentAt: now,
      receivedAt: now,
      rateLimitType: 'requests',
    });
    let noisy: AcquireResult | undefined;
    let quiet: AcquireResult | undefined;
    void engine.acquire(req(1800, { tenant: 'noisy' })).then((r) => (noisy = r)); // first in line
    void engine.acquire(req(1900, { tenant: 'quiet' })).then((r) => (quiet = r));
    await time.advance(500);
    // 1 800 > 1 600: noisy could only start by taking the bucket below the line; quiet goes first.
    expect(quiet).toMatchObject({ ok: true, queuedMs: 500 });
    expect(noisy).toBeUndefined();
    await time.advance(1899);
    expect(noisy).toBeUndefined();
    await time.advance(1); // full again, nobody protected waiting: now it may
    expect(noisy).toMatchObject({ ok: true, queuedMs: 2400 });
  });

  it('a batch request larger than the part above the line waits for a full bucket and for nothing above it', async () => {
    const { time, engine } = setup();
    await engine.acquire(req(1000)); // 1 000 left
    let batch: AcquireResult | undefined;
    let interactive: AcquireResult | undefined;
    void engine.acquire(req(1700, { priority: 'batch' })).then((r) => (batch = r));
    await time.advance(500);
    void engine.acquire(req(1400, { priority: 'interactive' })).then((r) => (interactive = r));
    await flush(); // 1 500 in the bucket: the interactive one goes at once, ahead of the batch one
    expect(interactive).toMatchObject({ ok: true, queuedMs: 0 });
    expect(batch).toBeUndefined();
    await time.advance(1899);
    expect(batch).toBeUndefined();
    await time.advance(1); // full, and nothing waits above it
    expect(batch).toMatchObject({ ok: true, queuedMs: 2400 });
  });

  it('a lone tenant is never over its share: it may use the whole bucket', async () => {
    const { engine } = setup();
    await engine.acquire(req(1600, { tenant: 'solo' }));
    expect(await engine.acquire(req(350, { tenant: 'solo' }))).toMatchObject({ ok: true, queuedMs: 0 });
  });

  it('cold start: one request at a time until the limits are seen, then learned limits apply', async () => {
    const { engine } = setup();
    const a = lease(await engine.acquire({ pool: 'cold', tenant: 't', priority: 'default', tokens: 10 }));
    let b: AcquireResult | undefined;
    void engine.acquire({ pool: 'cold', tenant: 't', priority: 'default', tokens: 10 }).then((r) => (b = r));
    await flush();
    expect(b).toBeUndefined();
    expect(engine.snapshot().find((s) => s.pool === 'cold')).toMatchObject({ learned: false, inFlight: 1 });
    engine.observe({
      pool: 'cold',
      status: 200,
      headers: {
        'x-ratelimit-limit-requests': '60',
        'x-ratelimit-remaining-requests': '59',
        'x-ratelimit-limit-tokens': '6000',
        'x-ratelimit-remaining-tokens': '5990',
      },
      sentAt: 1_000_000,
      receivedAt: 1_000_000,
    });
    await flush();
    expect(b).toMatchObject({ ok: true });
    a.settle(10);
    const snap = engine.snapshot().find((s) => s.pool === 'cold')!;
    expect(snap).toMatchObject({ learned: true, limits: { rpm: 60, tpm: 6000 } });
    expect(
      await engine.acquire({ pool: 'cold', tenant: 't', priority: 'default', tokens: 6001 }),
    ).toMatchObject({ ok: false, reason: 'too_large' });
  });

  it('a 429 pauses the pool until retry-after-ms', async () => {
    const { time, engine } = setup();
    const now = time.clock.now();
    engine.observe({
      pool: POOL,
      status: 429,
      headers: { 'retry-after-ms': '700' },
      sentAt: now - 50,
      receivedAt: now,
      rateLimitType: 'requests',
    });
    expect(engine.snapshot()[0]!.pausedUntil).toBe(now + 700);
    let r: AcquireResult | undefined;
    void engine.acquire(req(1)).then((x) => (r = x));
    await time.advance(699);
    expect(r).toBeUndefined();
    await time.advance(1);
    expect(r).toMatchObject({ ok: true, queuedMs: 700 });
  });

  it('a 429 as api.openai.com sends it (retry-after seconds, no -ms) pauses the pool for exactly that', async () => {
    for (const [value, ms, timeScale] of [
      ['1', 1000, 1],
      ['0.05', 50, 20], // a time-scaled simulator's whole simulated second
    ] as const) {
      const { time, engine } = setup({ timeScale });
      const now = time.clock.now();
      engine.observe({
        pool: POOL,
        status: 429,
        headers: {
          'retry-after': value,
          'x-ratelimit-limit-tokens': '60000',
          'x-ratelimit-remaining-tokens': '0',
          'x-ratelimit-reset-tokens': '1m0s',
        },
        sentAt: now - 10,
        receivedAt: now,
        rateLimitType: 'requests',
      });
      expect(engine.snapshot()[0]!.pausedUntil).toBe(now + ms);
      let r: AcquireResult | undefined;
      void engine.acquire(req(1)).then((x) => (r = x));
      await time.advance(ms - 1);
      expect(r).toBeUndefined();
      await time.advance(1);
      expect(r).toMatchObject({ ok: true, queuedMs: ms });
      engine.close();
    }
  });

  it('remaining headers tighten the buckets, stale ones are ignored', async () => {
    const { time, engine } = setup();
    const now = time.clock.now();
    const h = (rem: number) => ({
      'x-ratelimit-limit-tokens': '60000',
      'x-ratelimit-remaining-tokens': String(rem),
    });
    engine.observe({ pool: POOL, status: 200, headers: h(500), sentAt: now - 10, receivedAt: now });
    expect(tokensAvail(engine)).toBe(500);
    engine.observe({ pool: POOL, status: 200, headers: h(100), sentAt: now - 30, receivedAt: now - 20 });
    expect(tokensAvail(engine)).toBe(500);
    // Sent after the answer's request: not yet visible upstream, so it is discounted.
    await engine.acquire(req(100));
    engine.observe({ pool: POOL, status: 200, headers: h(300), sentAt: now - 1, receivedAt: now });
    expect(tokensAvail(engine)).toBe(200);
  });

  it('the breaker opens after consecutive failures, sheds, probes once and closes', async () => {
    const { time, engine } = setup({ breaker: { threshold: 2, cooldownMs: 1000 } });
    const obs = (status: number) =>
      engine.observe({
        pool: POOL,
        status,
        headers: {},
        sentAt: time.clock.now(),
        receivedAt: time.clock.now(),
      });
    obs(500);
    obs(0);
    expect(engine.snapshot()[0]!.breaker).toBe('open');
    expect(await engine.acquire(req(1))).toMatchObject({
      ok: false,
      reason: 'breaker_open',
      retryAfterMs: 1000,
    });
    expect(engine.retryDecision(POOL, 1, 503, {})).toMatchObject({ retry: false, reason: 'breaker_open' });
    await time.advance(1000);
    expect(engine.snapshot()[0]!.breaker).toBe('half_open');
    const probe = lease(await engine.acquire(req(1)));
    let other: AcquireResult | undefined;
    void engine.acquire(req(1)).then((r) => (other = r));
    await flush();
    expect(other).toBeUndefined();
    obs(200);
    probe.settle(1);
    await flush();
    expect(other).toMatchObject({ ok: true });
    expect(engine.snapshot()[0]!.breaker).toBe('closed');
  });

  it('retryDecision spends the budget and honours the policy', () => {
    const { engine } = setup();
    expect(engine.retryDecision(POOL, 1, 400, {})).toMatchObject({ retry: false });
    expect(engine.retryDecision(POOL, 1, 503, {}, { firstByteSent: true })).toMatchObject({
      retry: false,
      reason: 'stream_started',
    });
    expect(engine.retryDecision(POOL, 1, 429, {}, { errorCode: 'insufficient_quota' })).toMatchObject({
      retry: false,
    });
    let granted = 0;
    for (let i = 0; i < 50; i++) if (engine.retryDecision(POOL, 1, 503, {}).retry) granted++;
    expect(granted).toBe(3); // the initial credit; no traffic deposited more
    expect(engine.retryDecision(POOL, 1, 503, {}).reason).toBe('retry_budget');
  });

  it('close sheds everyone waiting and refuses new work; timers are cleared', async () => {
    const { time, engine } = setup();
    await engine.acquire(req(2000));
    const waiting = engine.acquire(req(1000));
    await flush();
    expect(time.pending()).toBe(1);
    engine.close();
    expect(await waiting).toMatchObject({ ok: false, reason: 'closed' });
    expect(await engine.acquire(req(1))).toMatchObject({ ok: false, reason: 'closed' });
    expect(time.pending()).toBe(0);
  });

  it('does not keep the process alive with real timers', async () => {
    const handles: NodeJS.Timeout[] = [];
    const timers = {
      setTimeout: (fn: () => void, ms: number) => {
        const h = systemTimers.setTimeout(fn, ms) as NodeJS.Timeout;
        handles.push(h);
        return h;
      },
      clearTimeout: systemTimers.clearTimeout,
    };
    const engine = createEngine({ pools: { x: { models: ['x'], tpm: 600 } }, ...KNOBS }, { timers });
    await engine.acquire({ pool: 'x', tenant: 't', priority: 'default', tokens: 20 });
    const pending = engine.acquire({
      pool: 'x',
      tenant: 't',
      priority: 'default',
      tokens: 20,
      deadlineMs: 60_000,
    });
    expect(handles.length).toBe(1);
    expect(handles[0]!.hasRef()).toBe(false);
    engine.close();
    expect(await pending).toMatchObject({ ok: false, reason: 'closed' });
  });
});

describe('engine: accounting', () => {
  it('property: after any mix of settles (refunds and overruns) and cancels, consumed = sum of actual', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 15_000 }), fc.boolean()),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        async (ops) => {
          const time = createFakeTime(0);
          const engine = createEngine(
            { pools: { [POOL]: { models: [], tpm: 10_000_000 } }, headroom: 0, burstSeconds: 60 },
            { clock: time.clock, timers: time.timers },
          );
          const start = tokensAvail(engine) ?? 0;
          const leases: [Lease, number, boolean][] = [];
          for (const [reserved, actual, cancel] of ops)
            leases.push([lease(await engine.acquire(req(reserved))), actual, cancel]);
          let expected = 0;
          for (const [l, actual, cancel] of leases.reverse()) {
            if (cancel) l.cancel();
            else {
              l.settle(actual);
              expected += actual;
            }
          }
          expect(tokensAvail(engine)).toBe(start - expected);
          expect(engine.snapshot()[0]!.inFlight).toBe(0);
          engine.close();
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('engine: fairness and stores', () => {
  it('shares a backlogged pool 1:3 between tenants of weights 1 and 3', async () => {
    const { time, engine } = setup();
    const served = { light: 0, heavy: 0 };
    const submit = (tenant: 'light' | 'heavy', weight: number): void => {
      void engine
        .acquire({ pool: POOL, tenant, weight, priority: 'default', tokens: 200, deadlineMs: 600_000 })
        .then((r) => {
          if (!r.ok) return;
          served[tenant] += 200;
          r.lease.settle(200);
          submit(tenant, weight); // stay backlogged
        });
    };
    for (let i = 0; i < 20; i++) {
      submit('light', 1);
      submit('heavy', 3);
    }
    await time.advance(30_000);
    engine.close();
    const ratio = served.heavy / served.light;
    expect(ratio).toBeGreaterThan(2.7);
    expect(ratio).toBeLessThan(3.3);
  });

  it('works with a store that answers with promises (as a shared store would)', async () => {
    const time = createFakeTime(0);
    const mem = createMemoryStore();
    const later = <T>(v: T): Promise<T> => Promise.resolve().then(() => v);
    const store: QuotaStore = {
      take: (...a) => later(mem.take(...a) as TakeAllResult),
      startWait: (...a) => later(mem.startWait(...a) as StartWaitResult),
      adjust: (...a) => later(mem.adjust(...a) as BucketState[]),
      tighten: (...a) => later(mem.tighten(...a) as BucketState[]),
      read: (...a) => later(mem.read(...a) as (BucketState | undefined)[]),
    };
    const engine = createEngine(
      { pools: { [POOL]: { models: [], tpm: 60_000 } }, ...KNOBS },
      { clock: time.clock, timers: time.timers, store },
    );
    const a = await engine.acquire(req(1500));
    expect(a.ok).toBe(true);
    let b: AcquireResult | undefined;
    void engine.acquire(req(1000)).then((r) => (b = r));
    await flush();
    expect(b).toBeUndefined();
    await time.advance(500);
    await flush();
    expect(b).toMatchObject({ ok: true });
    lease(a).settle(0);
    await flush();
    expect(engine.snapshot()[0]!.available.tokens).toBe(1500);
  });
});
