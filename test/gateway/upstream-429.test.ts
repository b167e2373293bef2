import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, UPSTREAM_KEY } from './helpers.js';
import type { Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('an upstream 429 as api.openai.com sends it (retry-after seconds, no retry-after-ms)', () => {
  it('pauses the pool for retry-after, then the gateway retry gets through: one upstream 429, no client error', async () => {
    // Time scale 20: a minute lasts 3 s, and retry-after is whole simulated seconds in wall seconds.
    h = await startHarness({ timeScale: 20, tpm: 1000, rpm: 6000 }, { timeScale: 20 });
    // Another app on the same upstream key spends the token bucket behind Pacer's back.
    const other = new OpenAI({ baseURL: h.sim.url, apiKey: UPSTREAM_KEY, maxRetries: 0 });
    await other.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      max_completion_tokens: 990,
    });
    const started = Date.now();
    const { data, response } = await h
      .client()
      .chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
        max_completion_tokens: 500,
      })
      .withResponse();
    const elapsed = Date.now() - started;
    expect(data.object).toBe('chat.completion');
    expect(response.headers.get('x-pacer-retries')).toBe('1');
    expect(h.sim.stats().rejected_429).toBe(1);
    // About 500 of 1000 tokens a 3 s minute: ~1.5 s, as the 429's retry-after said (not a fixed backoff).
    expect(elapsed).toBeGreaterThanOrEqual(1400);
    expect(elapsed).toBeLessThan(6000);
  });
});
