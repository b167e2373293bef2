import { describe, expect, it } from 'vitest';
import { createDashboardFeed } from '../../src/dashboard/feed.js';
import { createTenantTable, OTHER_TENANT } from '../../src/dashboard/tenants.js';
import { percentile } from '../../src/dashboard/window.js';
import { createEngine, type Lease } from '../../src/engine/index.js';
import { createFakeTime, flush, makeEvent, type FakeTime } from './fakes.js';

const START = 1_700_000_000_000; // a whole second, so windows start on it

async function until<T>(time: FakeTime, p: Promise<T>): Promise<T> {
  let done = false;
  void p.then(() => (done = true));
  for (let i = 0; i < 1000 && !done; i++) {
    await flush();
    if (!done) time.advance(10);
  }
  return p;
}

function setup(opts: { keep?: number; sampleMs?: number } = {}) {
  const time = createFakeTime(START);
  const engine = createEngine(
    { pools: { mini: { models: ['gpt-4o-mini'], rpm: 6000, tpm: 100_000 } }, headroom: 0 },
    { clock: time.clock, timers: time.timers },
  );
  const feed = createDashboardFeed({ engine, clock: time.clock, timers: time.timers, ...opts });
  return { time, engine, feed };
}

describe('percentile', () => {
  it('is nearest-rank and null when empty', () => {
    expect(percentile([], 95)).toBeNull();
    expect(percentile([7], 50)).toBe(7);
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect(percentile(xs.slice(), 50)).toBe(50);
    expect(percentile(xs.slice(), 95)).toBe(95);
    expect(percentile([1, 2, 3, 4], 95)).toBe(4);
  });
});

describe('createDashboardFeed', { timeout: 5000 }, () => {
  it('aggregates the requests of one second into one sample', () => {
    const { time, feed } = setup();
    time.advance(100);
    for (let i = 1; i <= 20; i++) {
      feed.record(
        makeEvent({
          ts: time.clock.now(),
          ttftMs: i === 20 ? null : i * 10, // 10..190: p50 = 100, p95 = 190
          durationMs: i * 100,
          status: i <= 2 ? 429 : i === 3 ? 502 : 200,
          upstream429: i === 1,
          retries: i === 1 ? 2 : 0,
          priority: i <= 10 ? 'interactive' : 'batch',
          queueMs: i,
          costUsd: 0.1,
        }),
      );
    }
    expect(feed.data().samples).toEqual([]); // the window is still open
    time.advance(900);
    const [s] = feed.data().samples;
    expect(s).toMatchObject({
      t: START,
      requests: 20,
      errors: 3,
      upstream429: 1,
      retries: 2,
      tokensIn: 2000,
      tokensOut: 1000,
      costUsd: 2,
      ttftP50: 100,
      ttftP95: 190,
      durationP50: 1000,
      durationP95: 1900,
      queueP95: { interactive: 10, default: null, batch: 20 },
    });
    // The next window starts empty.
    time.advance(1000);
    expect(feed.data().samples[1]).toMatchObject({
      t: START + 1000,
      requests: 0,
      ttftP50: null,
      durationP95: null,
    });
    expect(feed.data().totals).toEqual({
      requests: 20,
      errors: 3,
      upstream429: 1,
      retries: 2,
      tokensIn: 2000,
      tokensOut: 1000,
      costUsd: 2,
    });
    feed.close();
  });

  it('samples each pool: limits, buckets, in flight, queue per priority, breaker, tokens per minute', async () => {
    const { time, engine, feed } = setup();
    // The engine paces requests in time: step the fake clock until each acquire settles.
    const leases: Lease[] = [];
    for (const tokens of [500, 500, 500, 50_000]) {
      const r = await until(
        time,
        engine.acquire({ pool: 'mini', tenant: 'acme', priority: 'default', tokens }),
      );
      if (r.ok) leases.push(r.lease);
    }
    expect(leases).toHaveLength(4);
    // The big one left the token bucket in debt, so this one waits in the queue.
    const queued = engine.acquire({
      pool: 'mini',
      tenant: 'acme',
      priority: 'batch',
      tokens: 500,
      deadlineMs: 600_000,
    });
    await flush();
    feed.record(makeEvent({ tokensIn: 700, tokensOut: 300 }));
    const toNextWindow = () => 1000 - ((time.clock.now() - START) % 1000);
    time.advance(toNextWindow());
    let pool = feed
      .data()
      .samples.at(-1)!
      .pools.find((p) => p.pool === 'mini')!;
    expect(pool).toMatchObject({
      pool: 'mini',
      limits: { rpm: 6000, tpm: 100_000 },
      breaker: 'closed',
      paused: false,
      inFlight: 4,
      queued: { interactive: 0, default: 0, batch: 1 },
      tokens: 1000,
      tokensPerMin: 1000,
    });
    expect(pool.available.tokens).toBeLessThan(0);
    // 30 s later, another 500: the minute holds both.
    time.advance(29_000);
    feed.record(makeEvent({ tokensIn: 500, tokensOut: 0 }));
    time.advance(1000);
    pool = feed.data().samples.at(-1)!.pools[0]!;
    expect(pool.tokensPerMin).toBe(1500);
    // A minute after the first window, only the second one is left in it.
    time.advance(30_000);
    expect(feed.data().samples.at(-1)!.pools[0]!.tokensPerMin).toBe(500);
    time.advance(30_000);
    expect(feed.data().samples.at(-1)!.pools[0]!.tokensPerMin).toBe(0);
    for (const l of leases) l.settle(l.tokens);
    feed.close();
    engine.close();
    await queued;
  });

  it('shows a paused pool and an open breaker', () => {
    const { time, engine, feed } = setup();
    engine.snapshot(); // no pools yet until used
    engine.observe({
      pool: 'mini',
      status: 429,
      headers: { 'retry-after-ms': '5000' },
      sentAt: time.clock.now(),
      receivedAt: time.clock.now(),
    });
    for (let i = 0; i < 6; i++)
      engine.observe({
        pool: 'mini',
        status: 503,
        headers: {},
        sentAt: time.clock.now(),
        receivedAt: time.clock.now(),
      });
    time.advance(1000);
    const pool = feed
      .data()
      .samples.at(-1)!
      .pools.find((p) => p.pool === 'mini')!;
    expect(pool.paused).toBe(true);
    expect(pool.pausedUntil).toBeGreaterThan(time.clock.now());
    expect(pool.breaker).toBe('open');
    feed.close();
    engine.close();
  });

  it('keeps a ring of `keep` samples, fills windows a late timer skipped, and filters by since', () => {
    const { time, feed } = setup({ keep: 5 });
    feed.record(makeEvent());
    time.clock.advance(3500); // the timer is late: three windows ended at once
    time.advance(0);
    let samples = feed.data().samples;
    expect(samples.map((s) => s.t)).toEqual([START, START + 1000, START + 2000]);
    expect(samples.map((s) => s.requests)).toEqual([1, 0, 0]);
    time.advance(10_000);
    samples = feed.data().samples;
    expect(samples).toHaveLength(5);
    expect(samples.at(-1)!.t).toBe(START + 12_000);
    expect(feed.data(START + 10_000).samples.map((s) => s.t)).toEqual([START + 11_000, START + 12_000]);
    // A jump far past the ring does not loop over every skipped window.
    time.clock.advance(1e12);
    time.advance(0);
    expect(feed.data().samples).toHaveLength(5);
    feed.close();
  });

  it('tallies tenants by name with a recent p95, most requests first', () => {
    const { time, feed } = setup();
    for (let i = 1; i <= 40; i++) feed.record(makeEvent({ tenant: 'acme', durationMs: i, ts: START + i }));
    feed.record(
      makeEvent({
        tenant: 'beta',
        status: 500,
        costUsd: 0.25,
        tokensIn: 1,
        tokensOut: 2,
        durationMs: 9000,
        ts: START + 99,
      }),
    );
    time.advance(1000);
    expect(feed.data().tenants).toEqual([
      {
        tenant: 'acme',
        requests: 40,
        errors: 0,
        tokensIn: 4000,
        tokensOut: 2000,
        costUsd: 0.04,
        durationP95: 38,
        lastSeen: START + 40,
      },
      {
        tenant: 'beta',
        requests: 1,
        errors: 1,
        tokensIn: 1,
        tokensOut: 2,
        costUsd: 0.25,
        durationP95: 9000,
        lastSeen: START + 99,
      },
    ]);
    feed.close();
  });

  it('stops sampling and recording on close, leaving no timer behind', () => {
    const { time, feed } = setup();
    expect(time.pending()).toBeGreaterThan(0);
    feed.close();
    expect(time.pending()).toBe(0);
    feed.record(makeEvent());
    time.advance(5000);
    expect(feed.data().samples).toEqual([]);
    expect(feed.data().totals.requests).toBe(0);
  });
});

describe('createTenantTable', () => {
  it('folds tenants past the cap into one row', () => {
    const table = createTenantTable(3);
    for (const t of ['a', 'b', 'c', 'd', 'e']) table.add(makeEvent({ tenant: t }));
    const rows = table.rows();
    expect(rows.map((r) => r.tenant).sort()).toEqual(['(other)', 'a', 'b'].sort());
    expect(rows.find((r) => r.tenant === OTHER_TENANT)!.requests).toBe(3);
  });
});
