import { describe, expect, it } from 'vitest';
import { PoolLimiter } from '../../src/simulator/limits/pool-limiter.js';

describe('PoolLimiter', () => {
  it('refills continuously and reports reset as (limit - remaining) * window / limit', () => {
    const p = new PoolLimiter('gpt-4o-mini', { rpm: 500, tpm: 1000 }, 1, 0);
    expect(p.admit(600, 0, 'org')).toEqual({ ok: true });
    const h = p.headers(0);
    expect(h['x-ratelimit-remaining-tokens']).toBe('400');
    expect(h['x-ratelimit-reset-tokens']).toBe('36s');
    expect(h['x-ratelimit-reset-requests']).toBe('120ms');
    const denied = p.admit(600, 1000, 'org');
    expect(denied.ok).toBe(false);
    if (!denied.ok) {
      expect(denied.type).toBe('tokens');
      // Level 416.67 at t=1s; 183.33 missing at 1000/60 s per token -> 11s.
      expect(denied.retryAfterMs).toBe(11_000);
      expect(denied.message).toContain('Please try again in 11s.');
    }
    expect(p.admit(600, 12_000, 'org')).toEqual({ ok: true });
  });

  it('admits at most ceil(rpm/60) requests per 1/60 of the window', () => {
    const p = new PoolLimiter('m', { rpm: 120, tpm: 1_000_000 }, 1, 0);
    expect(p.admit(1, 0, 'o').ok).toBe(true);
    expect(p.admit(1, 10, 'o').ok).toBe(true);
    const third = p.admit(1, 20, 'o');
    expect(third.ok).toBe(false);
    if (!third.ok) expect(third.retryAfterMs).toBe(980);
    expect(p.admit(1, 1000, 'o').ok).toBe(true);
  });

  it('enforces daily limits with the RPD message', () => {
    const p = new PoolLimiter('m', { rpm: 1000, tpm: 1_000_000, rpd: 2 }, 1, 0);
    expect(p.admit(1, 0, 'o').ok).toBe(true);
    expect(p.admit(1, 100, 'o').ok).toBe(true);
    const d = p.admit(1, 200, 'o');
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.message).toContain('on requests per day (RPD): Limit 2');
  });
});

describe('context admitMint (--mint-rpm)', () => {
  it('admits mintRpm per (scaled) minute, then says how long to wait', async () => {
    const { createSimContext } = await import('../../src/simulator/context.js');
    const { createManualClock } = await import('../../src/core/clock.js');
    const clock = createManualClock(1_000_000);
    const ctx = createSimContext({ mintRpm: 2, timeScale: 10 }, { clock });
    expect(ctx.admitMint()).toEqual({ ok: true });
    expect(ctx.admitMint()).toEqual({ ok: true });
    const denied = ctx.admitMint();
    expect(denied.ok).toBe(false);
    // 2 per 6 s (a minute at time-scale 10): one more after 3 s.
    if (!denied.ok) expect(denied.retryAfterMs).toBe(3000);
    clock.advance(3000);
    expect(ctx.admitMint()).toEqual({ ok: true });
  });
});

describe('stats timeline', () => {
  it('has one entry per wall-clock second, quiet seconds as zeros', async () => {
    const { createStats } = await import('../../src/simulator/stats.js');
    const { createManualClock } = await import('../../src/core/clock.js');
    const clock = createManualClock(10_000);
    const stats = createStats(clock);
    stats.accepted(5);
    clock.advance(2500);
    stats.rejected429();
    stats.accepted(7);
    clock.advance(1000);
    expect(stats.snapshot().timeline).toEqual([
      { t: 10, accepted: 1, rejected_429: 0, tokens_charged: 5 },
      { t: 11, accepted: 0, rejected_429: 0, tokens_charged: 0 },
      { t: 12, accepted: 1, rejected_429: 1, tokens_charged: 7 },
      { t: 13, accepted: 0, rejected_429: 0, tokens_charged: 0 },
    ]);
    expect(stats.snapshot()).toMatchObject({ accepted: 2, rejected_429: 1, tokens_charged: 12 });
  });
});
