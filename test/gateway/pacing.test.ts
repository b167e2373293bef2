import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness } from './helpers.js';
import type { Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const chat = (content: string, max: number) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user' as const, content }],
  max_completion_tokens: max,
});

describe('pacing through the gateway', () => {
  it('a deadline 429 carries retry-after(-ms) that the SDK honours', async () => {
    // 120 RPM on a 60x time scale: one request every ~8 ms of wall time, bursts of 2 s (scaled).
    h = await startHarness(
      { timeScale: 60 },
      { timeScale: 60, config: { pools: { mini: { rpm: 120, models: ['gpt-4o-mini'] } } } },
    );
    const client = h.client({ maxRetries: 0 });
    const headers = { 'x-pacer-deadline-ms': '0' };
    let shed: { status: number; headers: Headers; error: { type: string; code: string } } | undefined;
    for (let i = 0; i < 20 && !shed; i++) {
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, () => client.chat.completions.create(chat('hi', 5), { headers })),
      );
      for (const r of results) if (r.status === 'rejected') shed = r.reason as typeof shed;
    }
    expect(shed, 'some request was shed').toBeDefined();
    expect(shed?.status).toBe(429);
    expect(shed?.error.type).toBe('rate_limit_exceeded');
    expect(Number(shed?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(shed?.headers.get('retry-after-ms'))).toBeGreaterThanOrEqual(0);
  });

  it("the SDK's own retry honours the shed's retry-after-ms and gets through", async () => {
    // 60 RPM in real time: one request a second, so back-to-back requests with no queueing
    // allowance (deadline 0) must be shed and retried after the advertised wait.
    h = await startHarness({}, { config: { pools: { mini: { rpm: 60, models: ['gpt-4o-mini'] } } } });
    let attempts = 0;
    // Each shed's advertised wait and when it arrived, and the gaps the SDK actually left.
    let lastShed: { at: number; waitMs: number } | undefined;
    const gaps: { waited: number; advertised: number }[] = [];
    const patient = new OpenAI({
      baseURL: h.gw.url,
      apiKey: 'pacer-demo-key',
      maxRetries: 3,
      fetch: async (url, init) => {
        attempts++;
        const sentAt = Date.now();
        if (lastShed) gaps.push({ waited: sentAt - lastShed.at, advertised: lastShed.waitMs });
        lastShed = undefined;
        const res = await fetch(url, init);
        if (res.status === 429)
          lastShed = { at: Date.now(), waitMs: Number(res.headers.get('retry-after-ms')) };
        return res;
      },
    });
    const headers = { 'x-pacer-deadline-ms': '0' };
    for (let i = 0; i < 4; i++) {
      const r = await patient.chat.completions.create(chat('hi', 5), { headers });
      expect(r.object).toBe('chat.completion');
    }
    expect(attempts, 'the SDK retried after a shed').toBeGreaterThan(4);
    expect(gaps.length).toBe(attempts - 4);
    // The SDK waited what retry-after-ms said (its own backoff would be 0.375-1 s, not this).
    for (const g of gaps) expect(g.waited).toBeGreaterThanOrEqual(g.advertised - 5);
  });

  it('a client disconnect mid-stream frees the reservation', async () => {
    // 1 000 TPM: a 900-token reservation puts the pool ~55 s into debt unless it is settled;
    // settled with what streamed, the next 900-token request fits within a few seconds.
    h = await startHarness(
      { tokensPerS: 20 },
      { config: { pools: { mini: { tpm: 1000, models: ['gpt-4o-mini'] } } } },
    );
    const client = h.client();
    const ac = new AbortController();
    const stream = await client.chat.completions.create(
      { ...chat('Write a long story', 900), stream: true },
      { signal: ac.signal },
    );
    for await (const _chunk of stream) break; // first chunk arrived: hang up
    const engine = h.gw.gateway.context.engine;
    for (let i = 0; i < 100 && (engine.snapshot().find((p) => p.pool === 'mini')?.inFlight ?? 1) > 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(engine.snapshot().find((p) => p.pool === 'mini')?.inFlight).toBe(0);
    const next = await client.chat.completions.create(chat('hi', 900), {
      headers: { 'x-pacer-deadline-ms': '3000' },
    });
    expect(next.object).toBe('chat.completion');
    await new Promise((r) => setTimeout(r, 50));
    const logged = h.logs.map((l) => JSON.parse(l) as { status: number });
    expect(logged.some((l) => l.status === 499)).toBe(true);
  });
});
