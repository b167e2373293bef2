import { describe, expect, it } from 'vitest';
import { formatStormTable, runRealtimeStorm } from '../../src/bench/realtime-storm/index.js';
import { planBrowsers } from '../../src/bench/realtime-storm/plan.js';
import { createSeededRng } from '../../src/core/clock.js';
import { redisUnavailable } from '../helpers/redis.js';

// A time-scaled miniature: 30 browsers in 1 s over 3 instances against a mint limit of 20 per
// (scaled) minute, which an uncontrolled burst overflows.
const MINI = { browsers: 30, windowMs: 1000, instances: 3, mintRpm: 20, timeScale: 10, seed: 3 } as const;

describe('realtime-storm in miniature', () => {
  it('plans the same browsers for a seed, with some users on several tabs', () => {
    const a = planBrowsers(30, 20, 3, 1000, createSeededRng(1));
    expect(planBrowsers(30, 20, 3, 1000, createSeededRng(1))).toEqual(a);
    expect(new Set(a.map((b) => b.user)).size).toBe(20);
    expect(a.every((b) => b.atMs >= 0 && b.atMs < 1000 && b.instance >= 0 && b.instance < 3)).toBe(true);
  });

  it.skipIf(redisUnavailable !== undefined)(
    'pacer on a shared Redis: zero upstream 429s, everyone in a session, at most one retry',
    async () => {
      const pacer = await runRealtimeStorm({ ...MINI, mode: 'pacer' });
      const naive = await runRealtimeStorm({ ...MINI, mode: 'naive' });
      console.log(formatStormTable([naive, pacer]));
      expect(pacer.store).toBe('redis');
      expect(pacer.upstream429).toBe(0);
      expect(pacer.sessionsStarted).toBe(30);
      expect(pacer.browsersRetriedTwice).toBe(0);
      expect(pacer.upstreamSessions).toBe(30);
      // The hand-written pattern does overflow the same limit.
      expect(naive.upstream429).toBeGreaterThan(0);
    },
    30_000,
  );

  it.skipIf(redisUnavailable !== undefined)(
    'the client-secret flow shares one mint per user and still causes no 429',
    async () => {
      // 15 tabs of 6 users: a fresh mint books 2 upstream operations (mint + the session), a shared one 1.
      const r = await runRealtimeStorm({ ...MINI, browsers: 15, users: 6, mode: 'pacer', flow: 'secret' });
      expect(r.upstream429).toBe(0);
      expect(r.sessionsStarted).toBe(15);
      expect(r.upstreamMints).toBeLessThanOrEqual(r.users);
    },
    30_000,
  );
});
