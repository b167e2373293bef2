import { describe, expect, it } from 'vitest';
import { createSeededRng } from '../../src/core/clock.js';
import { parseDuration } from '../../src/core/openai/duration.js';
import { createEngine } from '../../src/engine/index.js';
import { poolRateHeaders } from '../../src/gateway/rate-headers.js';
import { createFakeTime } from '../engine/fake-timers.js';

// 60 RPM: the request bucket holds 1.02 requests (per-second slice rule) and refills 0.98 a minute.
function setup() {
  const time = createFakeTime(0);
  const engine = createEngine(
    { pools: { p: { models: ['m'], rpm: 60, tpm: 60_000 } } },
    { clock: time.clock, timers: time.timers, rng: createSeededRng(1) },
  );
  return { time, engine };
}
const req = (tokens: number, deadlineMs?: number) => ({
  pool: 'p',
  tenant: 't',
  priority: 'default' as const,
  tokens,
  ...(deadlineMs !== undefined ? { deadlineMs } : {}),
});
const ms = (h: Record<string, string>, k: string) => parseDuration(h[k] ?? '') ?? NaN;

describe('fallback x-ratelimit-* from the pool', () => {
  it("a shed 429's reset agrees with its retry-after-ms: the bucket's own refill, not a minute", async () => {
    const { engine } = setup();
    expect((await engine.acquire(req(10))).ok).toBe(true);
    const shed = await engine.acquire(req(10, 0));
    if (shed.ok) throw new Error('expected a shed');
    expect(shed.retryAfterMs).toBeGreaterThanOrEqual(1000); // one request refills in 1 s
    expect(shed.retryAfterMs).toBeLessThanOrEqual(1001);
    const h = poolRateHeaders(engine, 'p');
    expect(h).toMatchObject({ 'x-ratelimit-limit-requests': '60', 'x-ratelimit-remaining-requests': '0' });
    // Full again (1.02 requests) 20 ms after the request fits; the minute formula said 1m0s.
    expect(h['x-ratelimit-reset-requests']).toBe('1.02s');
    expect(ms(h, 'x-ratelimit-reset-requests')).toBeGreaterThanOrEqual(shed.retryAfterMs);
    // Tokens: 19 590 of a 19 600-token burst left, full again in 10 ms.
    expect(h).toMatchObject({ 'x-ratelimit-limit-tokens': '60000', 'x-ratelimit-remaining-tokens': '19590' });
    expect(h['x-ratelimit-reset-tokens']).toBe('10ms');
  });

  it('a full pool says so: its whole burst remaining, reset 0s', () => {
    const { engine } = setup();
    const h = poolRateHeaders(engine, 'p');
    expect(h).toMatchObject({
      'x-ratelimit-remaining-requests': '1',
      'x-ratelimit-reset-requests': '0s',
      'x-ratelimit-remaining-tokens': '19600',
      'x-ratelimit-reset-tokens': '0s',
    });
  });

  it('while the pool is paused after an upstream 429: nothing remaining until the pause ends', async () => {
    const { time, engine } = setup();
    const now = time.clock.now();
    engine.observe({
      pool: 'p',
      status: 429,
      headers: { 'retry-after-ms': '5000' },
      sentAt: now,
      receivedAt: now,
      rateLimitType: 'tokens',
    });
    const h = poolRateHeaders(engine, 'p');
    expect(h['x-ratelimit-remaining-tokens']).toBe('0');
    expect(h['x-ratelimit-remaining-requests']).toBe('0');
    expect(ms(h, 'x-ratelimit-reset-tokens')).toBeGreaterThanOrEqual(5000);
    const shed = await engine.acquire(req(10, 0));
    if (shed.ok) throw new Error('expected a shed');
    expect(ms(h, 'x-ratelimit-reset-requests')).toBeGreaterThanOrEqual(shed.retryAfterMs);
  });
});
