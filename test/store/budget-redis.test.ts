import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOf, monthOf } from '../../src/core/tenancy/index.js';
import { createRedisQuotaStore, type RedisQuotaStore } from '../../src/store/quota/index.js';
import { readQuotaScripts } from '../../src/store/quota/scripts.js';
import { redisUnavailable, startRedis, type RedisServer } from '../helpers/redis.js';
import { defineBudgetStoreContract, run, type Step } from './budget-contract.js';

const suite = redisUnavailable ? describe.skip : describe;

suite('redis tenant budgets (lua/budget-*.lua)', () => {
  let server: RedisServer;
  let admin: Redis;
  const opened: RedisQuotaStore[] = [];
  let n = 0;

  beforeAll(async () => {
    server = await startRedis();
    admin = new Redis(server.url);
  });
  afterAll(async () => {
    for (const s of opened) await s.close();
    admin?.disconnect();
    await server?.close();
  });

  async function open(prefix = `b${n++}`): Promise<RedisQuotaStore> {
    const store = createRedisQuotaStore({ redis: server.url, prefix });
    opened.push(store);
    await store.ready();
    return store;
  }

  defineBudgetStoreContract('redis', async () => ({ store: await open(), slackMs: 200 }));

  it('computes the UTC day, month and the ms to the next of each like JavaScript Date', async () => {
    const lua = readQuotaScripts()['budget-dates'];
    const dates = async (ms: number) =>
      (await admin.eval(lua, 1, '{x}', String(ms))) as [string, string, string, string];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.integer({ min: 0, max: Date.UTC(2200, 0, 1) }),
          // Around month ends and leap days, where a calendar routine goes wrong.
          fc
            .record({ y: fc.integer({ min: 1970, max: 2199 }), m: fc.integer({ min: 0, max: 11 }) })
            .chain(({ y, m }) =>
              fc.integer({ min: Date.UTC(y, m + 1, 1) - 2 * 86_400_000, max: Date.UTC(y, m + 1, 1) + 1000 }),
            ),
        ),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        async (ms, frac) => {
          const at = ms + frac;
          const d = new Date(at);
          const [day, month, toDay, toMonth] = await dates(at);
          expect(day).toBe(dayOf(at));
          expect(month).toBe(monthOf(at));
          expect(Number(toDay)).toBeCloseTo(86_400_000 - (at % 86_400_000), 6);
          expect(Number(toMonth)).toBeCloseTo(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - at, 6);
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });

  it('answers like the pure steps on random plans and sequences', async () => {
    const store = await open('prop');
    const limit = (min: number, max: number) => fc.option(fc.integer({ min, max }), { nil: undefined });
    const planArb = fc.record({
      rpm: limit(1, 20),
      tpm: limit(100, 5000),
      burst: fc.option(fc.double({ min: 0.05, max: 1.5, noNaN: true }), { nil: undefined }),
      requestsPerDay: limit(1, 30),
      tokensPerDay: limit(100, 20_000),
      usdPerDay: fc.option(fc.double({ min: 0.01, max: 3, noNaN: true }), { nil: undefined }),
      usdPerMonth: fc.option(fc.double({ min: 0.01, max: 5, noNaN: true }), { nil: undefined }),
    });
    const stepArb: fc.Arbitrary<Step> = fc.oneof(
      fc.integer({ min: 0, max: 6000 }).map((charge) => ({ charge })),
      fc
        .tuple(fc.integer({ min: -3000, max: 3000 }), fc.double({ min: 0, max: 1, noNaN: true }))
        .map((settle) => ({ settle })),
    );
    let i = 0;
    await fc.assert(
      fc.asyncProperty(planArb, fc.array(stepArb, { minLength: 1, maxLength: 12 }), async (p, steps) => {
        const plan = Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined));
        await run(store, `t${i++}`, { weight: 1, ...plan }, steps);
      }),
      { numRuns: 150, seed: 7 },
    );
  });

  it('keeps one hash-tagged hash per tenant with a 35-day TTL, on server time', async () => {
    const store = await open('ttl');
    const [s, us] = await admin.time();
    const before = Number(s) * 1000 + Number(us) / 1000;
    await store.chargeBudget('acme{x}', { weight: 1, rpm: 10, usdPerMonth: 5 }, 3);
    expect(await admin.keys('{ttl:*')).toEqual(['{ttl:tenant:acme_x_}']);
    const ttl = await admin.pttl('{ttl:tenant:acme_x_}');
    expect(ttl).toBeGreaterThan(34 * 86_400_000);
    expect(ttl).toBeLessThanOrEqual(35 * 86_400_000);
    const at = Number(await admin.hget('{ttl:tenant:acme_x_}', 'rt'));
    expect(at).toBeGreaterThanOrEqual(before);
  });

  it('two stores on one Redis admit a tenant its budget once, not twice', async () => {
    const a = await open('fleet');
    const b = await open('fleet');
    const plan = { weight: 1, rpm: 20 };
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).chargeBudget('t', plan, 1)),
    );
    expect(results.filter((r) => r.decision.ok)).toHaveLength(20);
    expect((await a.readBudget('t')).state!.dayRequests).toBe(20);
  });
});
