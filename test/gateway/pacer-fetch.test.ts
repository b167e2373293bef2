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
});
