/**
 * Two gateway instances on one real redis-server, one tenant with a small rpm: together they
 * admit its minute budget once (not once each), and the instance that did not see the earlier
 * requests answers 429 rate_limit_exceeded with retry-after. Skipped loudly without redis-server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/gateway/index.js';
import type { RunningSimulator } from '../../src/simulator/types.js';
import { redisUnavailable, startRedis, type RedisServer } from '../helpers/redis.js';
import { startTestSimulator, UPSTREAM_KEY } from './helpers.js';

const KEY = 'pk-shared-budget-0123456789';
const ADMIN = 'admin-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'pacer-shared-budgets-'));

describe.skipIf(redisUnavailable !== undefined)(
  'tenant budgets shared by two gateways',
  { timeout: 30_000 },
  () => {
    let redis: RedisServer;
    let sim: RunningSimulator;
    const gws: RunningGateway[] = [];

    beforeAll(async () => {
      redis = await startRedis();
      sim = await startTestSimulator();
      const config = {
        redis_url: redis.url,
        keys_db: join(dir, 'keys.sqlite'),
        ledger: 'off',
        admin: { token: ADMIN },
        plans: { small: { rpm: 3 }, daily: { requests_per_day: 2 } },
        tenants: {
          acme: { plan: 'small', keys: [KEY] },
          daily: { plan: 'daily', keys: [`${KEY}-daily`] },
        },
      };
      for (let i = 0; i < 2; i++)
        gws.push(
          await startGateway({
            port: 0,
            host: '127.0.0.1',
            upstreamBaseUrl: sim.url,
            upstreamApiKey: UPSTREAM_KEY,
            config,
            log: () => undefined,
          }),
        );
    });

    afterAll(async () => {
      await Promise.all(gws.map((g) => g.close()));
      await sim?.close();
      await redis?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const ask = (gw: RunningGateway, key = KEY) =>
      new OpenAI({ baseURL: gw.url, apiKey: key, maxRetries: 0 }).chat.completions
        .create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'hi' }],
          max_completion_tokens: 5,
        })
        .withResponse();

    it('admits the minute budget once across both, then the other instance answers 429 with retry-after', async () => {
      const [a, b] = gws as [RunningGateway, RunningGateway];
      const remaining: string[] = [];
      for (const gw of [a, b, a]) {
        const r = await ask(gw);
        remaining.push(r.response.headers.get('x-ratelimit-remaining-requests') ?? '');
      }
      // Each instance's headers are the fleet's view: b saw a's request, a saw b's.
      expect(remaining).toEqual(['2', '1', '0']);
      const err = await ask(b).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(OpenAI.RateLimitError);
      const e = err as InstanceType<typeof OpenAI.APIError>;
      expect(e.code).toBe('rate_limit_exceeded');
      expect(Number(e.headers?.get('retry-after'))).toBeGreaterThan(0);
      const ms = Number(e.headers?.get('retry-after-ms'));
      expect(ms).toBeGreaterThan(15_000); // 3 rpm: the next request fits in ~20 s
      expect(ms).toBeLessThanOrEqual(20_000);
      expect(e.headers?.get('x-ratelimit-remaining-requests')).toBe('0');

      // Under concurrency too: nothing more gets through on either instance.
      const more = await Promise.allSettled([a, b, a, b].map((gw) => ask(gw)));
      expect(more.every((r) => r.status === 'rejected')).toBe(true);
    });

    it('counts day budgets across instances and shows the shared counters in /admin/state', async () => {
      const [a, b] = gws as [RunningGateway, RunningGateway];
      await ask(a, `${KEY}-daily`);
      await ask(b, `${KEY}-daily`);
      const err = (await ask(a, `${KEY}-daily`).then(
        () => undefined,
        (e: unknown) => e,
      )) as InstanceType<typeof OpenAI.APIError>;
      expect(err.status).toBe(429);
      expect(err.code).toBe('insufficient_quota');

      const r = await fetch(b.url.replace('/v1', '/admin/state'), {
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      const body = (await r.json()) as {
        store: { kind: string; budgets: string };
        tenants: { tenant: string; budgets: { day: { requests: number } | null } }[];
      };
      expect(body.store).toMatchObject({ kind: 'redis', budgets: 'redis' });
      const byName = Object.fromEntries(body.tenants.map((t) => [t.tenant, t.budgets.day?.requests]));
      expect(byName).toEqual({ acme: 3, daily: 2 });
    });
  },
);
