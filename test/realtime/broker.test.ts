import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createMemoryRealtimeStore,
  createRealtimeBroker,
  createRedisRealtimeStore,
  type RealtimeBroker,
  type RealtimeStore,
} from '../../src/realtime/index.js';
import { systemClock } from '../../src/platform/system.js';
import { createManualClock } from '../../src/core/clock.js';
import { startSimulator } from '../../src/simulator/index.js';
import { redisUnavailable, startRedis, type RedisServer } from '../helpers/redis.js';
import { mount, OFFER, SERVER_KEY, type Mounted } from './harness.js';

type Sim = Awaited<ReturnType<typeof startSimulator>>;
let sim: Sim;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 7, apiKey: SERVER_KEY, mintRpm: 1000 });
});
afterAll(async () => {
  await sim.close();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function brokerOn(
  store: RealtimeStore,
  limits: Partial<Parameters<typeof createRealtimeBroker>[0]['limits']> = {},
): RealtimeBroker {
  return createRealtimeBroker({
    store,
    upstream: { baseUrl: sim.url, apiKey: SERVER_KEY },
    limits: { upstreamRpm: 1000, userConnectsPerMinute: 100, ...limits },
    sessionDefaults: { type: 'realtime', model: 'gpt-realtime', instructions: 'Be brief.' },
  });
}
async function mounted(broker: RealtimeBroker): Promise<Mounted> {
  const m = await mount(broker);
  cleanups.push(() => m.close());
  return m;
}
const sdk = (m: Mounted, user?: string) =>
  new OpenAI({
    apiKey: 'vk-acme',
    baseURL: m.url,
    maxRetries: 0,
    ...(user ? { defaultHeaders: { 'x-pacer-user': user } } : {}),
  });
const minted = () => sim.stats().client_secrets_minted;

describe('POST /v1/realtime/client_secrets', () => {
  it('mints through the official SDK with the server key, then reuses for the same user and config', async () => {
    const m = await mounted(brokerOn(createMemoryRealtimeStore(systemClock)));
    const before = minted();
    const a = await sdk(m, 'alice').realtime.clientSecrets.create({
      session: { type: 'realtime', model: 'gpt-realtime' },
    });
    expect(a.value).toMatch(/^ek_/);
    expect(a.expires_at).toBeGreaterThan(Date.now() / 1000);
    const again = await sdk(m, 'alice')
      .realtime.clientSecrets.create({ session: { type: 'realtime', model: 'gpt-realtime' } })
      .withResponse();
    expect(again.data.value).toBe(a.value);
    expect(again.response.headers.get('x-pacer-reused')).toBe('1');
    expect(minted() - before).toBe(1);
  });

  it('never hands one user the secret of another, even for the same config', async () => {
    const m = await mounted(brokerOn(createMemoryRealtimeStore(systemClock)));
    const body = { session: { type: 'realtime' as const, model: 'gpt-realtime' } };
    const alice = await sdk(m, 'alice').realtime.clientSecrets.create(body);
    const [bob, bob2] = await Promise.all([
      sdk(m, 'bob').realtime.clientSecrets.create(body),
      sdk(m, 'bob').realtime.clientSecrets.create(body),
    ]);
    expect(bob.value).not.toBe(alice.value);
    expect(bob2.value).toBe(bob.value);
    // A different tenant with the same user name is someone else too.
    const other = new OpenAI({
      apiKey: 'vk-globex',
      baseURL: m.url,
      maxRetries: 0,
      defaultHeaders: { 'x-pacer-user': 'alice' },
    });
    expect((await other.realtime.clientSecrets.create(body)).value).not.toBe(alice.value);
  });

  it('does not reuse a secret with less than the minimum life left, nor one for another config', async () => {
    const m = await mounted(brokerOn(createMemoryRealtimeStore(systemClock), { minReuseSeconds: 30 }));
    const short1 = await sdk(m, 'carol').realtime.clientSecrets.create({
      expires_after: { anchor: 'created_at', seconds: 20 },
      session: { type: 'realtime', model: 'gpt-realtime' },
    });
    const short2 = await sdk(m, 'carol').realtime.clientSecrets.create({
      expires_after: { anchor: 'created_at', seconds: 20 },
      session: { type: 'realtime', model: 'gpt-realtime' },
    });
    expect(short2.value).not.toBe(short1.value);
    const v1 = await sdk(m, 'carol').realtime.clientSecrets.create({
      session: { type: 'realtime', model: 'gpt-realtime', instructions: 'A' },
    });
    const v2 = await sdk(m, 'carol').realtime.clientSecrets.create({
      session: { type: 'realtime', model: 'gpt-realtime', instructions: 'B' },
    });
    expect(v2.value).not.toBe(v1.value);
  });

  it('answers a user over their connection rate with an OpenAI-shaped 429 and exposed retry headers', async () => {
    const m = await mounted(brokerOn(createMemoryRealtimeStore(systemClock), { userConnectsPerMinute: 2 }));
    const post = () =>
      fetch(`${m.url}/realtime/client_secrets`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer vk-acme',
          'x-pacer-user': 'dave',
          'content-type': 'application/json',
        },
        body: '{}',
      });
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(200);
    const res = await post();
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after-ms'))).toBeGreaterThan(0);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(res.headers.get('access-control-expose-headers')).toContain('retry-after-ms');
    const body = (await res.json()) as {
      error: { type: string; code: string; message: string; param: null };
    };
    expect(body.error.code).toBe('rate_limit_exceeded');
    expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  });

  it('rejects unknown keys and bad bodies without spending a mint', async () => {
    const m = await mounted(brokerOn(createMemoryRealtimeStore(systemClock)));
    const before = minted();
    const bad = await fetch(`${m.url}/realtime/client_secrets`, {
      method: 'POST',
      headers: { authorization: 'Bearer nope' },
      body: '{}',
    });
    expect(bad.status).toBe(401);
    const badBody = await fetch(`${m.url}/realtime/client_secrets`, {
      method: 'POST',
      headers: { authorization: 'Bearer vk-acme' },
      body: '{"expires_after":{"seconds":5}}',
    });
    expect(badBody.status).toBe(400);
    expect(((await badBody.json()) as { error: { param: string } }).error.param).toBe(
      'expires_after.seconds',
    );
    expect(minted()).toBe(before);
  });

  it('paces mints to the upstream limit: waits within the deadline, 429 + retry-after beyond it', async () => {
    // Burst of 2, refills 1 per 6 s: the third caller cannot fit a 100 ms deadline.
    const m = await mounted(
      brokerOn(createMemoryRealtimeStore(systemClock), {
        upstreamRpm: 10,
        upstreamBurst: 2,
        upstreamHeadroom: 0,
        mintReservesSession: false,
        maxQueueMs: 100,
      }),
    );
    const ask = (user: string) =>
      fetch(`${m.url}/realtime/client_secrets`, {
        method: 'POST',
        headers: { authorization: 'Bearer vk-acme', 'x-pacer-user': user },
        body: '{}',
      });
    const statuses = [(await ask('u1')).status, (await ask('u2')).status];
    const third = await ask('u3');
    expect(statuses).toEqual([200, 200]);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after-ms'))).toBeGreaterThan(4000);
  });
});

describe('one honoured retry is enough', () => {
  it('a 429 books the caller a place: retrying at retry-after-ms gets in, even with others arriving', async () => {
    // A pinned clock: one token per 200 ms, burst 1, no queueing, so everyone after the first is told to come back.
    const clock = createManualClock(Date.now());
    const broker = createRealtimeBroker({
      store: createMemoryRealtimeStore(clock),
      clock,
      upstream: { baseUrl: sim.url, apiKey: SERVER_KEY },
      limits: {
        upstreamRpm: 300,
        upstreamBurst: 1,
        upstreamHeadroom: 0,
        maxQueueMs: 0,
        userConnectsPerMinute: 100,
      },
    });
    const m = await mounted(broker);
    const call = (user: string) =>
      fetch(`${m.url}/realtime/calls`, {
        method: 'POST',
        headers: { authorization: 'Bearer vk-acme', 'content-type': 'application/sdp', 'x-pacer-user': user },
        body: OFFER,
      });
    expect((await call('t1')).status).toBe(201);
    const denied = await call('t2');
    expect(denied.status).toBe(429);
    expect(Number(denied.headers.get('retry-after-ms'))).toBe(200);
    // Someone else arrives meanwhile and is booked behind t2.
    const other = await call('t3');
    expect(other.status).toBe(429);
    expect(Number(other.headers.get('retry-after-ms'))).toBe(400);
    clock.advance(200);
    // t3 is early and still waits; t2 comes back on time and gets in.
    expect((await call('t3')).status).toBe(429);
    expect((await call('t2')).status).toBe(201);
    clock.advance(400);
    expect((await call('t3')).status).toBe(201);
  });
});

describe('single-flight across two broker instances on one Redis', () => {
  let redis: RedisServer | undefined;
  beforeAll(async () => {
    if (!redisUnavailable) redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.close();
  });

  it.skipIf(redisUnavailable !== undefined)(
    'N concurrent identical requests on two instances cost ONE upstream mint',
    async () => {
      const s1 = createRedisRealtimeStore({ redis: redis!.url });
      const s2 = createRedisRealtimeStore({ redis: redis!.url });
      cleanups.push(
        () => s1.close(),
        () => s2.close(),
      );
      const [m1, m2] = [await mounted(brokerOn(s1)), await mounted(brokerOn(s2))];
      const before = minted();
      const asks = Array.from({ length: 12 }, (_, i) =>
        sdk(i % 2 ? m1 : m2, 'erin').realtime.clientSecrets.create({
          session: { type: 'realtime', model: 'gpt-realtime' },
        }),
      );
      const values = new Set((await Promise.all(asks)).map((r) => r.value));
      expect(values.size).toBe(1);
      expect(minted() - before).toBe(1);
    },
  );
});

describe('POST /v1/realtime/calls (unified flow)', () => {
  it('exchanges an application/sdp offer upstream with the server key: 201, SDP answer, Location', async () => {
    const m = await mounted(brokerOn(createMemoryRealtimeStore(systemClock)));
    const sessions = sim.stats().realtime_sessions;
    const res = await fetch(`${m.url}/realtime/calls`, {
      method: 'POST',
      headers: { authorization: 'Bearer vk-acme', 'content-type': 'application/sdp' },
      body: OFFER,
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/application\/sdp/);
    expect(res.headers.get('location')).toMatch(/^\/v1\/realtime\/calls\/rtc_/);
    const answer = await res.text();
    expect(answer.startsWith('v=0')).toBe(true);
    expect(answer).toContain('opus/48000/2');
    expect(sim.stats().realtime_sessions).toBe(sessions + 1);
  });

  it('takes multipart (sdp + session) too and keeps only allowed session overrides', async () => {
    const m = await mounted(brokerOn(createMemoryRealtimeStore(systemClock)));
    const form = new FormData();
    form.set('sdp', new Blob([OFFER], { type: 'application/sdp' }));
    form.set(
      'session',
      new Blob([JSON.stringify({ type: 'realtime', model: 'gpt-realtime', instructions: 'Speak French.' })], {
        type: 'application/json',
      }),
    );
    const res = await fetch(`${m.url}/realtime/calls`, {
      method: 'POST',
      headers: { authorization: 'Bearer vk-acme' },
      body: form,
    });
    expect(res.status).toBe(201);
    expect((await res.text()).startsWith('v=0')).toBe(true);
  });

  it('rejects a body that is not an SDP offer with a 400', async () => {
    const m = await mounted(brokerOn(createMemoryRealtimeStore(systemClock)));
    const res = await fetch(`${m.url}/realtime/calls`, {
      method: 'POST',
      headers: { authorization: 'Bearer vk-acme', 'content-type': 'application/sdp' },
      body: 'hello',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });
});
