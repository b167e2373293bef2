import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { systemClock } from '../../src/platform/system.js';
import {
  createMemoryRealtimeStore,
  createRealtimeBroker,
  type RateLimitsReport,
  type RealtimeLimits,
  type UsageReport,
} from '../../src/realtime/index.js';
import { startSimulator } from '../../src/simulator/index.js';
import { mount, SERVER_KEY, type Mounted } from './harness.js';

type Sim = Awaited<ReturnType<typeof startSimulator>>;
let sim: Sim;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    seed: 11,
    apiKey: SERVER_KEY,
    mintRpm: 1000,
    ttftMs: 5,
    tokensPerS: 2000,
  });
});
afterAll(async () => {
  await sim.close();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Setup {
  m: Mounted;
  usage: UsageReport[];
  rateLimits: RateLimitsReport[];
  store: ReturnType<typeof createMemoryRealtimeStore>;
}
async function setup(limits: Partial<RealtimeLimits> = {}, https = false): Promise<Setup> {
  const usage: UsageReport[] = [];
  const rateLimits: RateLimitsReport[] = [];
  const store = createMemoryRealtimeStore(systemClock);
  const broker = createRealtimeBroker({
    store,
    upstream: { baseUrl: sim.url, apiKey: SERVER_KEY },
    limits: { upstreamRpm: 1000, userConnectsPerMinute: 100, ...limits },
    onUsage: (u) => usage.push(u),
    onRateLimits: (r) => rateLimits.push(r),
  });
  const m = await mount(broker, { https });
  cleanups.push(() => m.close());
  return { m, usage, rateLimits, store };
}

/** A raw client that collects every event (for what the SDK would hide). */
function rawClient(
  m: Mounted,
  query = 'model=gpt-realtime',
  headers: Record<string, string> = { authorization: 'Bearer vk-acme' },
  protocols?: string[],
) {
  const ws = new WebSocket(`ws://127.0.0.1:${m.port}/v1/realtime?${query}`, protocols, { headers });
  const events: Record<string, unknown>[] = [];
  const waiters: {
    pred: (e: Record<string, unknown>) => boolean;
    resolve: (e: Record<string, unknown>) => void;
  }[] = [];
  ws.on('message', (d) => {
    const e = JSON.parse(d.toString()) as Record<string, unknown>;
    events.push(e);
    for (const w of [...waiters]) {
      if (!w.pred(e)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(e);
    }
  });
  const next = (pred: (e: Record<string, unknown>) => boolean, ms = 5000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const found = events.find(pred);
      if (found) return resolve(found);
      const t = setTimeout(
        () => reject(new Error(`no matching event; saw ${events.map((e) => e.type).join(',')}`)),
        ms,
      );
      waiters.push({ pred, resolve: (e) => (clearTimeout(t), resolve(e)) });
    });
  const closed = new Promise<{ code: number }>((resolve) => ws.on('close', (code) => resolve({ code })));
  cleanups.push(() => ws.terminate());
  return { ws, events, next, closed, send: (e: unknown) => ws.send(JSON.stringify(e)) };
}
const type = (t: string) => (e: Record<string, unknown>) => e.type === t;

describe('GET /v1/realtime relay', () => {
  it('carries a text round-trip of the official SDK client (wss) and reports usage and rate limits', async () => {
    const { m, usage, rateLimits } = await setup({}, true);
    const client = new OpenAI({ apiKey: 'vk-acme', baseURL: m.url });
    const rt = new OpenAIRealtimeWS(
      { model: 'gpt-realtime', options: { rejectUnauthorized: false } },
      client,
    );
    cleanups.push(() => rt.close());
    const errors: unknown[] = [];
    rt.on('error', (e) => errors.push(e));
    const created = await new Promise<{ session: { model?: string } }>((resolve) =>
      rt.on('session.created', (e) => resolve(e as { session: { model?: string } })),
    );
    expect(created.session.model).toContain('gpt-realtime');
    rt.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Say hello.' }] },
    });
    rt.send({ type: 'response.create', response: { output_modalities: ['text'] } });
    let text = '';
    rt.on('response.output_text.delta', (e) => (text += e.delta));
    const done = await new Promise<{ response: { status?: string; usage?: { total_tokens?: number } } }>(
      (resolve) => rt.on('response.done', (e) => resolve(e)),
    );
    expect(done.response.status).toBe('completed');
    expect(text.length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ tenant: 'acme', user: 'key:vk-acme', model: 'gpt-realtime' });
    expect(usage[0]?.usage.total_tokens).toBe(done.response.usage?.total_tokens);
    expect(rateLimits.length).toBeGreaterThan(0);
    expect(rateLimits[0]?.rateLimits.map((r) => r.name)).toContain('tokens');
  });

  it('accepts the browser subprotocol key and answers with the realtime subprotocol', async () => {
    const { m } = await setup();
    const c = rawClient(m, 'model=gpt-realtime', {}, ['realtime', 'openai-insecure-api-key.vk-acme']);
    await c.next(type('session.created'));
    expect(c.ws.protocol).toBe('realtime');
  });

  it('refuses an unknown key before opening anything upstream', async () => {
    const { m } = await setup();
    const ws = new WebSocket(`ws://127.0.0.1:${m.port}/v1/realtime?model=gpt-realtime`, {
      headers: { authorization: 'Bearer wrong' },
    });
    const status = await new Promise<number>((resolve) =>
      ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(401);
  });

  it('rejects an oversized event with an error event and forwards none of it', async () => {
    const { m } = await setup({ maxAppendBytes: 64 * 1024, maxEventBytes: 8 * 1024 });
    const c = rawClient(m);
    await c.next(type('session.created'));
    // 96 KB of base64 audio (72 KB of PCM, 1.5 s): over the relay's limit.
    c.send({
      type: 'input_audio_buffer.append',
      event_id: 'evt_big',
      audio: Buffer.alloc(72_000, 1).toString('base64'),
    });
    const err = (await c.next(type('error'))) as { error: { code: string; event_id: string } };
    expect(err.error.code).toBe('message_too_large');
    expect(err.error.event_id).toBe('evt_big');
    // Had any of it reached the upstream, this commit would succeed.
    c.send({ type: 'input_audio_buffer.commit', event_id: 'evt_commit1' });
    const empty = (await c.next(
      (e) => e.type === 'error' && (e.error as { event_id: string }).event_id === 'evt_commit1',
    )) as { error: { code: string } };
    expect(empty.error.code).toBe('input_audio_buffer_commit_empty');
    // A chunk under the limit goes through whole.
    c.send({ type: 'input_audio_buffer.append', audio: Buffer.alloc(24_000, 1).toString('base64') });
    c.send({ type: 'input_audio_buffer.commit' });
    await c.next(type('input_audio_buffer.committed'));
    // Other events have their own, smaller limit.
    c.send({
      type: 'session.update',
      event_id: 'evt_big2',
      session: { type: 'realtime', instructions: 'x'.repeat(10_000) },
    });
    const err2 = (await c.next(
      (e) => e.type === 'error' && (e.error as { event_id: string }).event_id === 'evt_big2',
    )) as { error: { code: string } };
    expect(err2.error.code).toBe('message_too_large');
    expect(c.events.some((e) => e.type === 'session.updated')).toBe(false);
  });

  it('enforces the session cap (time-scaled): a warning first, then session_expired and close 1001', async () => {
    const { m, store } = await setup({ sessionMaxMs: 1200, sessionWarningMs: 500, heartbeatMs: 100 });
    const c = rawClient(m);
    await c.next(type('session.created'));
    const warning = (await c.next(
      (e) =>
        e.type === 'rate_limits.updated' &&
        (e.rate_limits as { name: string }[])[0]?.name === 'session_seconds',
    )) as {
      rate_limits: { remaining: number }[];
    };
    expect(warning.rate_limits[0]?.remaining).toBeGreaterThan(0);
    expect(warning.rate_limits[0]?.remaining).toBeLessThanOrEqual(0.5);
    const expired = (await c.next(type('error'))) as { error: { code: string; message: string } };
    expect(expired.error.code).toBe('session_expired');
    expect((await c.closed).code).toBe(1001);
    const i = c.events.findIndex((e) => e === warning);
    expect(i).toBeLessThan(c.events.findIndex((e) => e === expired));
    // The tenant's concurrent-session slot is given back on close.
    await new Promise((r) => setTimeout(r, 50));
    expect(
      await store.countSlots(
        '{pacer:rt}:sessions:' + (await import('../../src/realtime/keys.js')).hashParts('acme'),
      ),
    ).toBe(0);
  });

  it('caps concurrent sessions per tenant and frees the slot when a session closes', async () => {
    const { m } = await setup({ tenantMaxSessions: 1 });
    const a = rawClient(m);
    await a.next(type('session.created'));
    const b = new WebSocket(`ws://127.0.0.1:${m.port}/v1/realtime?model=gpt-realtime`, {
      headers: { authorization: 'Bearer vk-acme' },
    });
    const res = await new Promise<{ status: number; retry: string | undefined }>((resolve) =>
      b.on('unexpected-response', (_q, r) =>
        resolve({ status: r.statusCode ?? 0, retry: r.headers['retry-after-ms'] as string | undefined }),
      ),
    );
    expect(res.status).toBe(429);
    expect(Number(res.retry)).toBeGreaterThan(0);
    a.ws.close();
    await a.closed;
    await new Promise((r) => setTimeout(r, 50));
    const c = rawClient(m);
    await c.next(type('session.created'));
  });
});
