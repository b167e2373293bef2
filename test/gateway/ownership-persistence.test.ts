/**
 * Who owns what outlives the gateway: in the key store's SQLite file across a restart, and in
 * Redis across every gateway of a fleet (and their restarts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/gateway/index.js';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { redisUnavailable, startRedis, type RedisServer } from '../helpers/redis.js';
import { startTestSimulator, UPSTREAM_KEY } from './helpers.js';

const ACME = 'pk-acme-persist-0123456789';
const BETA = 'pk-beta-persist-0123456789';
const TENANTS = {
  plans: { mini: { models: ['gpt-4o-mini'] } },
  tenants: { acme: { plan: 'mini', keys: [ACME] }, beta: { keys: [BETA] } },
};

const dir = mkdtempSync(join(tmpdir(), 'pacer-owners-gw-'));
let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

function gateway(config: Record<string, unknown>): Promise<RunningGateway> {
  return startGateway({
    port: 0,
    host: '127.0.0.1',
    upstreamBaseUrl: sim.url,
    upstreamApiKey: UPSTREAM_KEY,
    config: { ledger: 'off', ...TENANTS, ...config },
    env: {},
    log: () => undefined,
  });
}

const client = (gw: RunningGateway, apiKey: string) => new OpenAI({ baseURL: gw.url, apiKey, maxRetries: 0 });

const jsonl = (model: string) =>
  JSON.stringify({
    custom_id: 'r1',
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 },
  }) + '\n';

async function upload(c: OpenAI, model = 'gpt-4o-mini'): Promise<string> {
  return (
    await c.files.create({ file: await toFile(Buffer.from(jsonl(model)), 'in.jsonl'), purpose: 'batch' })
  ).id;
}

async function status(p: Promise<unknown>): Promise<number | undefined> {
  return p.then(
    () => 200,
    (e: { status?: number }) => e.status,
  );
}

describe('single instance, SQLite (keys_db)', () => {
  it('keeps every owner, and the batch input check, across a gateway restart', async () => {
    const config = { keys_db: join(dir, 'keys.sqlite') };
    const first = await gateway(config);
    let fileId: string;
    let disallowed: string;
    let batchId: string;
    let responseId: string;
    try {
      const acme = client(first, ACME);
      fileId = await upload(acme);
      disallowed = await upload(acme, 'o1-pro');
      batchId = (
        await acme.batches.create({
          input_file_id: fileId,
          endpoint: '/v1/chat/completions',
          completion_window: '24h',
        })
      ).id;
      responseId = (await acme.responses.create({ model: 'gpt-4o-mini', input: 'Keep me.' })).id;
    } finally {
      await first.close();
    }
    const second = await gateway(config);
    try {
      const acme = client(second, ACME);
      const beta = client(second, BETA);
      expect((await acme.files.retrieve(fileId)).id).toBe(fileId);
      expect((await acme.batches.retrieve(batchId)).id).toBe(batchId);
      expect((await acme.responses.retrieve(responseId)).id).toBe(responseId);
      expect(await status(beta.files.retrieve(fileId))).toBe(404);
      expect(await status(beta.batches.retrieve(batchId))).toBe(404);
      expect(await status(beta.responses.retrieve(responseId))).toBe(404);
      // What the upload said about the file's lines survived too.
      expect(
        await status(
          acme.batches.create({
            input_file_id: disallowed,
            endpoint: '/v1/chat/completions',
            completion_window: '24h',
          }),
        ),
      ).toBe(403);
    } finally {
      await second.close();
    }
  });
});

describe.skipIf(redisUnavailable !== undefined)('a fleet on one Redis', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.close();
  });

  it('shares owners between two gateways, and keeps them when one is replaced', async () => {
    const config = { redis_url: redis.url, keys_db: ':memory:' };
    const one = await gateway(config);
    const two = await gateway(config);
    let three: RunningGateway | undefined;
    try {
      const acme1 = client(one, ACME);
      const acme2 = client(two, ACME);
      const beta2 = client(two, BETA);
      const fileId = await upload(acme1);
      expect((await acme2.files.retrieve(fileId)).id).toBe(fileId);
      expect(await status(beta2.files.retrieve(fileId))).toBe(404);
      expect((await beta2.files.list()).data.map((f) => f.id)).not.toContain(fileId);
      expect((await acme2.files.list()).data.map((f) => f.id)).toContain(fileId);
      // The upload's model summary is read on the other instance at batch creation.
      const disallowed = await upload(acme1, 'o1-pro');
      const create = (c: OpenAI, id: string) =>
        c.batches.create({ input_file_id: id, endpoint: '/v1/chat/completions', completion_window: '24h' });
      expect(await status(create(acme2, disallowed))).toBe(403);
      const batch = await create(acme2, fileId);
      expect((await acme1.batches.retrieve(batch.id)).id).toBe(batch.id);
      expect(await status(client(one, BETA).batches.cancel(batch.id))).toBe(404);
      const r = await acme2.responses.create({ model: 'gpt-4o-mini', input: 'Shared.' });
      expect((await acme1.responses.retrieve(r.id)).id).toBe(r.id);
      expect(await status(client(one, BETA).responses.retrieve(r.id))).toBe(404);
      await one.close();
      three = await gateway(config);
      expect((await client(three, ACME).responses.retrieve(r.id)).id).toBe(r.id);
      expect(await status(client(three, BETA).files.content(fileId))).toBe(404);
    } finally {
      await one.close();
      await two.close();
      await three?.close();
    }
  });

  it('answers 503 while Redis is away, never a guess, and undoes an upload it could not record', async () => {
    const gw = await gateway({ redis_url: redis.url, keys_db: ':memory:' });
    const upstream = new OpenAI({ baseURL: sim.url, apiKey: UPSTREAM_KEY, maxRetries: 0 });
    try {
      const acme = client(gw, ACME);
      const fileId = await upload(acme);
      const before = (await upstream.files.list()).data.length;
      await redis.stop();
      try {
        for (const c of [acme, client(gw, BETA)]) {
          const e = (await c.files.retrieve(fileId).catch((err: unknown) => err)) as InstanceType<
            typeof OpenAI.APIError
          >;
          expect(e.status).toBe(503);
          expect(e.code).toBe('owner_store_unavailable');
          expect(e.headers?.get('retry-after')).toBe('1');
        }
        expect(await status(upload(acme))).toBe(503);
        // The file the upstream made for that upload was deleted again: nobody could reach it.
        expect((await upstream.files.list()).data.length).toBe(before);
      } finally {
        await redis.start();
      }
    } finally {
      await gw.close();
    }
  });
});
