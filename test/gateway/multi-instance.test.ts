/**
 * Three `pacer serve` processes share one real redis-server and one simulator. Needs `npm run
 * build` (the processes run dist/). Skipped loudly when redis-server is not installed.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gaugeOf, readyzOf, startFleet, type GatewayProcess } from '../../src/bench/multi-instance/fleet.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { RunningSimulator } from '../../src/simulator/types.js';
import { redisUnavailable, startRedis, type RedisServer } from '../helpers/redis.js';

const TIME_SCALE = 20;
// 6000 TPM at time scale 20 = 2000 tokens per wall second; a request reserves ~210 tokens and uses ~140.
const TPM = 6000;

async function until(what: string, check: () => Promise<boolean>, ms = 12_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Fires `perSecond` requests a second for `seconds`, round-robin over the gateways. */
async function load(clients: OpenAI[], perSecond: number, seconds: number): Promise<Record<string, number>> {
  const outcomes: Record<string, number> = {};
  const calls: Promise<void>[] = [];
  const total = Math.round(perSecond * seconds);
  for (let i = 0; i < total; i++) {
    const client = clients[i % clients.length]!;
    calls.push(
      client.chat.completions
        .create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: `hello ${i}` }],
          max_tokens: 200,
        })
        .then(
          () => void (outcomes['200'] = (outcomes['200'] ?? 0) + 1),
          (err: { status?: number }) => {
            const k = String(err.status ?? 'network');
            outcomes[k] = (outcomes[k] ?? 0) + 1;
          },
        ),
    );
    await new Promise((r) => setTimeout(r, 1000 / perSecond));
  }
  await Promise.all(calls);
  return outcomes;
}

describe.skipIf(redisUnavailable !== undefined)(
  'multi-instance gateways on one Redis',
  { timeout: 90_000 },
  () => {
    let redis: RedisServer;
    let sim: RunningSimulator;
    let fleet: GatewayProcess[] = [];
    let clients: OpenAI[];

    beforeAll(async () => {
      redis = await startRedis();
      sim = await startSimulator({
        port: 0,
        host: '127.0.0.1',
        tpm: TPM,
        rpm: 1000,
        timeScale: TIME_SCALE,
        ttftMs: 50,
        tokensPerS: 2000,
        settleUsage: true,
        seed: 7,
      });
      fleet = await startFleet({
        size: 3,
        redisUrl: redis.url,
        upstreamUrl: sim.url,
        timeScale: TIME_SCALE,
        // Excess demand is shed by the gateways quickly instead of queueing for 30 s.
        env: { PACER_DEFAULT_DEADLINE_MS: '1500' },
      });
      clients = fleet.map(
        (g) => new OpenAI({ baseURL: g.url, apiKey: 'pacer-demo-key', maxRetries: 0, timeout: 20_000 }),
      );
    }, 60_000);

    afterAll(async () => {
      await Promise.all(fleet.map((g) => g.stop()));
      await sim?.close();
      await redis?.close();
    });

    it('registers every instance and reports the redis store as ready', async () => {
      for (const g of fleet) {
        await until('3 live instances', async () => (await readyzOf(g)).body['instances'] === 3);
        const r = await readyzOf(g);
        expect(r.code).toBe(200);
        expect(r.body).toMatchObject({ status: 'ready', store: 'redis', store_status: 'ok', instances: 3 });
        expect(await gaugeOf(g, 'pacer_store_degraded')).toBe(0);
        expect(await gaugeOf(g, 'pacer_store_instances')).toBe(3);
      }
    });

    it('keeps upstream 429s near zero at ~2.5x the ceiling spread over three instances', async () => {
      // ~2000 tokens/s ceiling, ~85 tokens used a request (~210 reserved): 60 req/s is ~2.5x the
      // pool in real usage; three instances pacing alone would each admit their whole third. The
      // excess over 4 s (~12k tokens) is more than the upstream's full minute bucket (6k) holds,
      // so some requests must be shed whatever the timing (at 1.7x a fast gateway fit them all).
      const before = sim.stats();
      const started = Date.now();
      const outcomes = await load(clients, 60, 4);
      const elapsedS = (Date.now() - started) / 1000;
      const after = sim.stats();
      const upstream = after.requests - before.requests;
      const rejected = after.rejected_429 - before.rejected_429;
      const charged = after.tokens_charged - before.tokens_charged;
      const ceiling = (TPM * TIME_SCALE) / 60;
      expect(outcomes['200'] ?? 0).toBeGreaterThan(20);
      // The excess was shed by the gateways (429 with retry-after), not sent upstream.
      expect(outcomes['429'] ?? 0).toBeGreaterThan(0);
      expect(rejected).toBeLessThanOrEqual(Math.max(1, Math.floor(upstream * 0.02)));
      // What reached the upstream is the pool's ceiling (plus one burst), not the demand.
      expect(charged).toBeLessThan(ceiling * elapsedS * 1.1 + ceiling * 2);
    });

    it('turns degraded while Redis is down, keeps serving, and recovers by itself', async () => {
      await redis.stop();
      // A request (or the next heartbeat, every 2 s) finds Redis gone.
      await load(clients, 3, 1);
      for (const g of fleet) {
        await until('degraded', async () => (await readyzOf(g)).body['store_status'] === 'degraded');
        const r = await readyzOf(g);
        expect(r.code).toBe(200);
        expect(r.body['status']).toBe('degraded');
        expect(typeof r.body['store_reason']).toBe('string');
        expect(await gaugeOf(g, 'pacer_store_degraded')).toBe(1);
      }
      const degraded = await load(clients, 6, 2);
      expect(degraded['200'] ?? 0).toBeGreaterThanOrEqual(6);

      await redis.start();
      for (const g of fleet) {
        await until('recovered', async () => (await readyzOf(g)).body['store_status'] === 'ok');
        expect(await gaugeOf(g, 'pacer_store_degraded')).toBe(0);
      }
      const recovered = await load(clients, 6, 1);
      expect(recovered['200'] ?? 0).toBeGreaterThanOrEqual(3);
    });
  },
);
