/**
 * Tenant budgets when Redis goes away: each instance falls back to local budgets with 1/N of the
 * minute budget (N from the heartbeat registry), day counters starting from the last shared
 * answer; when Redis returns, the usage counted locally is merged back into the shared counters.
 */
import { afterAll, beforeAll, expect, it, describe } from 'vitest';
import type { BudgetDecision } from '../../src/core/tenancy/index.js';
import {
  createDegradableQuotaStore,
  createRedisQuotaStore,
  type DegradableQuotaStore,
} from '../../src/store/quota/index.js';
import { redisUnavailable, startRedis, type RedisServer } from '../helpers/redis.js';

const suite = redisUnavailable ? describe.skip : describe;
const plan = { weight: 1, rpm: 10, requestsPerDay: 11 };

async function until(what: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !(await what());) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function charge(store: DegradableQuotaStore, n: number): Promise<BudgetDecision[]> {
  const out: BudgetDecision[] = [];
  for (let i = 0; i < n; i++) out.push((await store.chargeBudget('t', plan, 1)).decision);
  return out;
}

suite('tenant budgets in degraded mode', () => {
  let server: RedisServer;
  const closers: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    for (const c of closers) await c();
    await server?.close();
  });

  function instance(id: string): DegradableQuotaStore {
    const redis = createRedisQuotaStore({ redis: server.url, prefix: 'bdeg' });
    const store = createDegradableQuotaStore({
      primary: redis,
      registry: redis,
      instanceId: id,
      heartbeatMs: 100,
      probeIntervalMs: 50,
    });
    closers.push(() => store.close());
    return store;
  }

  it('paces on a 1/N share with the last known day counters, and merges back on recovery', async () => {
    const a = instance('a');
    const b = instance('b');
    await until(() => a.instances() === 2 && b.instances() === 2);

    expect((await charge(a, 4)).every((d) => d.ok)).toBe(true);
    expect((await charge(b, 4)).every((d) => d.ok)).toBe(true);

    await server.stop();
    // a: half of the 10-request minute bucket, then a wait at half the refill rate (12 s).
    const onA = await charge(a, 6);
    expect(a.status().state).toBe('degraded');
    expect(onA.filter((d) => d.ok)).toHaveLength(5);
    const refused = onA[5]!;
    expect(refused.ok === false && refused.kind).toBe('rate');
    expect(refused.ok === false && refused.retryAfterMs).toBeGreaterThan(11_000);
    // b last saw 8 of the day's 11 requests: 3 more, then the day budget, not the minute one.
    const onB = await charge(b, 4);
    expect(onB.map((d) => d.ok)).toEqual([true, true, true, false]);
    expect(onB[3]!.ok === false && onB[3]!.kind).toBe('quota');
    expect((await b.readBudget('t')).share).toBe(0.5);

    // Redis comes back empty (no persistence): the usage counted locally is merged into it.
    await server.start();
    await until(() => a.status().state === 'ok' && b.status().state === 'ok');
    await until(async () => (await a.readBudget('t')).state?.dayRequests === 8);
    expect((await b.readBudget('t')).share).toBe(1);
  });
});
