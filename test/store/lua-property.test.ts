import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adjust, startWait, takeAll, tighten, type DimensionPolicy } from '../../src/core/limiter/index.js';
import { createQuotaKeys, createRedisQuotaStore, type RedisQuotaStore } from '../../src/store/quota/index.js';
import { redisUnavailable, startRedis, type RedisServer } from '../helpers/redis.js';

const suite = redisUnavailable ? describe.skip : describe;

// Rates so slow that the few ms between seeding and the script move a level by < 1e-3.
const RATE_MAX = 5e-6;
const SLACK_MS = 200;

const policyArb = (dim: 'rpm' | 'tpm', unit: 'requests' | 'tokens') =>
  fc
    .record({
      capacity: fc.double({ min: 1, max: 1000, noNaN: true }),
      extra: fc.double({ min: 0, max: 5000, noNaN: true }),
      rate: fc.double({ min: 0, max: RATE_MAX, noNaN: true }),
    })
    .map(({ capacity, extra, rate }): DimensionPolicy => ({
      dim,
      unit,
      policy: { limit: capacity + extra, capacity, rate },
    }));

const stateArb = fc.option(
  fc.record({
    fill: fc.double({ min: -2, max: 1, noNaN: true }),
    elapsed: fc.integer({ min: -10_000, max: 1_000_000 }),
  }),
  { nil: undefined },
);

suite('the bucket Lua scripts against core/limiter on random cases', () => {
  let server: RedisServer;
  let admin: Redis;
  let store: RedisQuotaStore;
  const keys = createQuotaKeys('prop');
  beforeAll(async () => {
    server = await startRedis();
    admin = new Redis(server.url);
    store = createRedisQuotaStore({ redis: server.url, prefix: 'prop' });
    await store.ready();
  });
  afterAll(async () => {
    await store?.close();
    admin?.disconnect();
    await server?.close();
  });

  it('decides like the pure function', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        policyArb('rpm', 'requests'),
        policyArb('tpm', 'tokens'),
        fc.tuple(stateArb, stateArb),
        fc.record({
          requests: fc.integer({ min: 0, max: 3 }),
          tokens: fc.double({ min: 0, max: 7000, noNaN: true }),
        }),
        fc.constantFrom(0, 0.2, 0.5),
        async (rpm, tpm, seeds, cost, share) => {
          const policies = [rpm, tpm];
          const pool = `p${n++}`;
          const [sec, us] = await admin.time();
          const now = Number(sec) * 1000 + Number(us) / 1000;
          const states = seeds.map((s, i) =>
            s ? { level: s.fill * policies[i]!.policy.capacity, at: now - s.elapsed } : undefined,
          );
          const want = takeAll(states, now, cost, policies, share);
          // Skip cases within the slack of a boundary: real time passes between seed and script.
          fc.pre(want.waitMs === 0 || want.waitMs === Infinity || want.waitMs > SLACK_MS + 50);
          for (const [i, s] of states.entries()) {
            if (s)
              await admin.hset(keys.bucket(pool, policies[i]!.dim), 'l', String(s.level), 't', String(s.at));
          }
          const got = await store.takeAll(pool, policies, cost, share);
          expect(got.allowed).toBe(want.allowed);
          expect(got.tooLarge).toBe(want.tooLarge);
          expect(got.limitedBy).toBe(want.limitedBy);
          if (want.waitMs === Infinity) expect(got.waitMs).toBe(Infinity);
          else expect(Math.abs(got.waitMs - want.waitMs)).toBeLessThanOrEqual(SLACK_MS);
          got.levels.forEach((level, i) =>
            expect(Math.abs(level - want.states[i]!.level)).toBeLessThan(1e-3),
          );
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  it('start-wait.lua answers like startWait and writes nothing', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        policyArb('rpm', 'requests'),
        policyArb('tpm', 'tokens'),
        fc.tuple(stateArb, stateArb),
        fc.record({
          requests: fc.integer({ min: 0, max: 20 }),
          tokens: fc.double({ min: 0, max: 20_000, noNaN: true }),
        }),
        fc.record({
          requests: fc.integer({ min: 0, max: 3 }),
          tokens: fc.double({ min: 0, max: 7000, noNaN: true }),
        }),
        fc.constantFrom(0, 0.2, 0.5),
        async (rpm, tpm, seeds, ahead, cost, share) => {
          const policies = [rpm, tpm];
          const pool = `s${n++}`;
          const [sec, us] = await admin.time();
          const now = Number(sec) * 1000 + Number(us) / 1000;
          const states = seeds.map((s, i) =>
            s ? { level: s.fill * policies[i]!.policy.capacity, at: now - s.elapsed } : undefined,
          );
          const want = startWait(states, now, ahead, cost, policies, share);
          for (const [i, s] of states.entries()) {
            if (s)
              await admin.hset(keys.bucket(pool, policies[i]!.dim), 'l', String(s.level), 't', String(s.at));
          }
          const got = await store.startWait(pool, policies, ahead, cost, share);
          if (want.waitMs === Infinity) expect(got.waitMs).toBe(Infinity);
          else expect(Math.abs(got.waitMs - want.waitMs)).toBeLessThanOrEqual(SLACK_MS);
          got.levels.forEach((level, i) =>
            expect(Math.abs(level - want.states[i]!.level)).toBeLessThan(1e-3),
          );
          const stored = await Promise.all(policies.map((p) => admin.hget(keys.bucket(pool, p.dim), 'l')));
          expect(stored).toEqual(states.map((s) => (s ? String(s.level) : null)));
        },
      ),
      { numRuns: 200, seed: 13 },
    );
  });

  it('adjusts and tightens like the pure functions', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        policyArb('tpm', 'tokens'),
        stateArb,
        fc.double({ min: -5000, max: 5000, noNaN: true }),
        fc.boolean(),
        async (tpm, seed, amount, isAdjust) => {
          const pool = `q${n++}`;
          const [sec, us] = await admin.time();
          const now = Number(sec) * 1000 + Number(us) / 1000;
          const state = seed ? { level: seed.fill * tpm.policy.capacity, at: now - seed.elapsed } : undefined;
          if (state)
            await admin.hset(keys.bucket(pool, 'tpm'), 'l', String(state.level), 't', String(state.at));
          const change = [{ dim: 'tpm' as const, policy: tpm.policy, amount }];
          const want = isAdjust
            ? adjust(state, now, amount, tpm.policy)
            : tighten(state, now, amount, tpm.policy);
          const [got] = isAdjust ? await store.adjust(pool, change) : await store.tighten(pool, change);
          expect(Math.abs(got! - want.level)).toBeLessThan(1e-3);
        },
      ),
      { numRuns: 200, seed: 11 },
    );
  });
});
