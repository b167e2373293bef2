import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPacer } from '../../src/index.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { RunningSimulator } from '../../src/simulator/index.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, host: '127.0.0.1', seed: 3, ttftMs: 0, tokensPerS: 50_000 });
});
afterAll(async () => {
  await sim?.close();
});

const inFlight = (p: ReturnType<typeof createPacer>): number =>
  p.engine.snapshot().reduce((n, s) => n + s.inFlight, 0);
const poolOf = (p: ReturnType<typeof createPacer>, name: string) =>
  p.engine.snapshot().find((s) => s.pool === name)!;
const hi = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user' as const, content: 'hi' }],
  max_completion_tokens: 5,
};

describe('createPacer (in-process library)', () => {
  it('paces SDK calls and settles leases from JSON bodies and streams, including a cancelled stream', async () => {
    const pacer = createPacer({ pools: { mini: { tpm: 1_000_000, models: ['gpt-4o-mini'] } } });
    const client = new OpenAI({ baseURL: sim.url, apiKey: 'sk-local', fetch: pacer.fetch, maxRetries: 0 });
    const r = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      max_completion_tokens: 10,
    });
    expect(r.object).toBe('chat.completion');
    expect(inFlight(pacer)).toBe(0);
    const stream = await client.responses.create({
      model: 'gpt-4o-mini',
      input: 'hello',
      max_output_tokens: 30,
      stream: true,
    });
    for await (const _e of stream) {
      /* drain */
    }
    expect(inFlight(pacer)).toBe(0);
    const cut = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'long story' }],
      max_completion_tokens: 500,
      stream: true,
    });
    for await (const _c of cut) break;
    expect(inFlight(pacer)).toBe(0);
    const emb = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' });
    expect(emb.data[0]?.embedding.length).toBe(1536);
    expect(inFlight(pacer)).toBe(0);
    pacer.close();
  });

  it('a shed request is a 429 with retry-after-ms that the SDK retries', async () => {
    const pacer = createPacer({ timeScale: 60, pools: { mini: { rpm: 60, models: ['gpt-4o-mini'] } } });
    const strict = new OpenAI({ baseURL: sim.url, apiKey: 'sk-local', fetch: pacer.fetch, maxRetries: 0 });
    const headers = { 'x-pacer-deadline-ms': '0' };
    const settled = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        strict.chat.completions.create(
          { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 5 },
          { headers },
        ),
      ),
    );
    const shed = settled.find((s) => s.status === 'rejected');
    expect(shed).toBeDefined();
    const err = (shed as PromiseRejectedResult).reason as { status: number; headers: Headers };
    expect(err.status).toBe(429);
    expect(err.headers.get('retry-after-ms')).not.toBeNull();
    const patient = new OpenAI({ baseURL: sim.url, apiKey: 'sk-local', fetch: pacer.fetch, maxRetries: 5 });
    const ok = await Promise.all(
      Array.from({ length: 4 }, () =>
        patient.chat.completions.create(
          { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 5 },
          { headers },
        ),
      ),
    );
    expect(ok).toHaveLength(4);
    pacer.close();
  });

  describe('estimation', () => {
    /** A pacer whose acquisitions are recorded, in front of a fake upstream answering `answer`. */
    function recorded(
      answer: (body: Record<string, unknown>) => unknown,
      opts: Parameters<typeof createPacer>[0] = {},
    ) {
      const tokens: number[] = [];
      let sent = 0;
      const fakeFetch = async (_input: string | URL | Request, init?: RequestInit): Promise<Response> => {
        sent++;
        const body = JSON.parse(String(init?.body)) as Record<string, unknown>;
        return new Response(JSON.stringify(answer(body)), {
          headers: { 'content-type': 'application/json' },
        });
      };
      const base = createPacer({
        pools: { all: { tpm: 10_000_000, models: [] } },
        fetch: fakeFetch,
        ...opts,
      });
      const engine = new Proxy(base.engine, {
        get(target, key) {
          if (key === 'acquire')
            return (req: { tokens: number }) => {
              tokens.push(req.tokens);
              return target.acquire(req as never);
            };
          const v = Reflect.get(target, key) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
        },
      });
      const pacer = createPacer({ engine, fetch: fakeFetch, ...opts });
      const call = async (path: string, body: unknown): Promise<Response> => {
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        const res = await pacer.fetch(`http://upstream.test/v1${path}`, { method: 'POST', body: text });
        return new Response(await res.text(), { status: res.status });
      };
      return { tokens, call, sent: () => sent, close: () => base.close() };
    }

    it('reserves defaultMaxOutputTokens per model, with a fallback', async () => {
      const r = recorded(() => ({ usage: { prompt_tokens: 1, completion_tokens: 1 } }), {
        defaultMaxOutputTokens: { 'gpt-4o-mini': 111, default: 222 },
      });
      const msg = { messages: [{ role: 'user', content: 'hi' }] };
      await r.call('/chat/completions', { model: 'gpt-4o-mini', ...msg, max_tokens: 1 });
      await r.call('/chat/completions', { model: 'gpt-4o-mini', ...msg });
      await r.call('/chat/completions', { model: 'gpt-4o', ...msg, max_tokens: 1 });
      await r.call('/chat/completions', { model: 'gpt-4o', ...msg });
      const [miniCapped, miniDefault, fourCapped, fourDefault] = r.tokens as [number, number, number, number];
      expect(miniDefault - miniCapped).toBe(111 - 1);
      expect(fourDefault - fourCapped).toBe(222 - 1);
      r.close();
    });

    it('rejects a bad defaultMaxOutputTokens with the entry and the reason', () => {
      expect(() => createPacer({ defaultMaxOutputTokens: { o3: -1 } })).toThrow(
        /defaultMaxOutputTokens\.o3: must be at least 1/,
      );
      expect(() => createPacer({ defaultMaxOutputTokens: 0 })).toThrow(
        /defaultMaxOutputTokens: expected a whole number/,
      );
    });

    it('reserves the history of a previous response it relayed', async () => {
      const r = recorded((body) => ({
        id: body['previous_response_id'] === undefined ? 'resp_pacer_fetch_1' : 'resp_pacer_fetch_2',
        object: 'response',
        usage: { input_tokens: 1000, output_tokens: 234, total_tokens: 1234 },
      }));
      const turn = { model: 'gpt-4o-mini', input: 'and then?', max_output_tokens: 10 };
      await r.call('/responses', { model: 'gpt-4o-mini', input: 'start', max_output_tokens: 10 });
      await r.call('/responses', turn);
      await r.call('/responses', { ...turn, previous_response_id: 'resp_pacer_fetch_1' });
      expect(r.tokens[2]! - r.tokens[1]!).toBe(1234);
      r.close();
    });

    it('answers a body nested too deeply with a 400, without sending it', async () => {
      const r = recorded(() => ({}));
      const nested = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
      const bad = await r.call(
        '/responses',
        `{"model":"gpt-4o-mini","input":[{"type":"odd","v":${nested}}]}`,
      );
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { type: string; param: string } }).error).toMatchObject({
        type: 'invalid_request_error',
        param: 'input[0]',
      });
      expect(r.sent()).toBe(0);
      r.close();
    });
  });

  it("the caller's own aborts free the reservation and never open the breaker", async () => {
    // A slow upstream (about 3 s to answer) so every call is aborted while in flight.
    const slow = await startSimulator({ port: 0, host: '127.0.0.1', seed: 3, ttftMs: 3000 });
    try {
      const pacer = createPacer({
        pools: { mini: { tpm: 60_000, models: ['gpt-4o-mini'] } },
        breaker: { threshold: 2, cooldownMs: 60_000 },
      });
      const client = new OpenAI({ baseURL: slow.url, apiKey: 'sk-local', fetch: pacer.fetch, maxRetries: 0 });
      const full = poolOf(pacer, 'mini').available.tokens;
      const calls = Array.from({ length: 6 }, async () => {
        const ac = new AbortController();
        const call = client.chat.completions.create(hi, { signal: ac.signal });
        setTimeout(() => ac.abort(), 50);
        return call;
      });
      const settled = await Promise.allSettled(calls);
      for (const r of settled) {
        expect(r.status).toBe('rejected');
        expect((r as PromiseRejectedResult).reason).toBeInstanceOf(OpenAI.APIUserAbortError);
      }
      const snap = poolOf(pacer, 'mini');
      expect(snap.breaker).toBe('closed');
      expect(snap.inFlight).toBe(0);
      expect(snap.available.tokens).toBe(full); // every reservation given back
      pacer.close();
    } finally {
      await slow.close();
    }
  });

  it('real network errors still count as upstream failures and open the breaker', async () => {
    const pacer = createPacer({
      pools: { mini: { tpm: 60_000, models: ['gpt-4o-mini'] } },
      breaker: { threshold: 2, cooldownMs: 60_000 },
    });
    // Port 1 on loopback: connection refused.
    const client = new OpenAI({
      baseURL: 'http://127.0.0.1:1/v1',
      apiKey: 'sk-local',
      fetch: pacer.fetch,
      maxRetries: 0,
    });
    for (let i = 0; i < 2; i++)
      await expect(client.chat.completions.create(hi)).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
    expect(poolOf(pacer, 'mini')).toMatchObject({ breaker: 'open', inFlight: 0 });
    pacer.close();
  });

  it('an invalid x-pacer-* header is a 400 naming it, as at the gateway', async () => {
    const pacer = createPacer({ pools: { mini: { tpm: 60_000, models: ['gpt-4o-mini'] } } });
    const client = new OpenAI({ baseURL: sim.url, apiKey: 'sk-local', fetch: pacer.fetch, maxRetries: 0 });
    const err = await client.chat.completions
      .create(hi, { headers: { 'x-pacer-deadline-ms': 'soon' } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('x-pacer-deadline-ms');
    expect(inFlight(pacer)).toBe(0);
    pacer.close();
  });
});
