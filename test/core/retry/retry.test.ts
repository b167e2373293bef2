import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createSeededRng } from '../../../src/core/clock.js';
import { backoffMs } from '../../../src/core/retry/backoff.js';
import {
  breakerAdmit,
  breakerMode,
  breakerRecord,
  breakerReleaseProbe,
  initialBreaker,
} from '../../../src/core/retry/breaker.js';
import {
  depositRequest,
  initialBudget,
  spendRetry,
  type BudgetPolicy,
} from '../../../src/core/retry/budget.js';
import { decideRetry, DEFAULT_RETRY } from '../../../src/core/retry/decide.js';

describe('backoff', () => {
  it('is full jitter under min(cap, base * 2^(attempt-1))', () => {
    const rng = createSeededRng(7);
    for (let attempt = 1; attempt <= 12; attempt++) {
      for (let i = 0; i < 50; i++) {
        const d = backoffMs(attempt, rng);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(Math.min(8000, 250 * 2 ** (attempt - 1)));
      }
    }
    // Full jitter spreads over the whole range (not just the top quarter).
    const many = Array.from({ length: 500 }, () => backoffMs(6, rng));
    expect(Math.min(...many)).toBeLessThan(1000);
    expect(Math.max(...many)).toBeGreaterThan(7000);
  });
});

describe('decideRetry', () => {
  const rng = createSeededRng(1);
  const d = (status: number, extra: Partial<Parameters<typeof decideRetry>[0]> = {}) =>
    decideRetry({ attempt: 1, status, headers: {}, now: 0, ...extra }, rng);

  it('retries only retryable statuses', () => {
    for (const s of [0, 408, 409, 429, 500, 502, 503, 504]) expect(d(s).retry).toBe(true);
    for (const s of [400, 401, 403, 404, 413, 422, 501]) expect(d(s).retry).toBe(false);
    expect(d(429).reason).toBe('rate_limited');
    expect(d(0).reason).toBe('network_error');
  });

  it('never retries insufficient_quota, a started stream, past max attempts or when told not to', () => {
    expect(d(429, { errorCode: 'insufficient_quota' }).retry).toBe(false);
    expect(d(503, { firstByteSent: true })).toMatchObject({ retry: false, reason: 'stream_started' });
    expect(d(503, { attempt: DEFAULT_RETRY.maxAttempts }).reason).toBe('max_attempts');
    expect(d(503, { headers: { 'x-should-retry': 'false' } }).retry).toBe(false);
    expect(d(400, { headers: { 'x-should-retry': 'true' } }).retry).toBe(true);
  });

  it('honours the server delay when it is within reason', () => {
    expect(d(429, { headers: { 'retry-after-ms': '1234' } })).toMatchObject({ retry: true, delayMs: 1234 });
    expect(d(429, { headers: { 'retry-after': '2' } })).toMatchObject({ retry: true, delayMs: 2000 });
    expect(d(429, { headers: { 'retry-after': '600' } })).toMatchObject({
      retry: false,
      reason: 'retry_after_too_long',
    });
  });
});

describe('retry budget', () => {
  const policy: BudgetPolicy = { ratio: 0.1, floorPerSec: 0.5, maxCredit: 10 };

  it('bounds retries by ratio * requests + floor * seconds + the initial credit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 500 })), { maxLength: 400 }),
        (events) => {
          let s = initialBudget(policy, 0);
          const initial = s.credit;
          let t = 0;
          let requests = 0;
          let retries = 0;
          for (const [isRetry, gap] of events) {
            t += gap;
            if (isRetry) {
              const r = spendRetry(s, t, policy);
              s = r.state;
              if (r.allowed) retries++;
            } else {
              s = depositRequest(s, t, policy);
              requests++;
            }
          }
          expect(retries).toBeLessThanOrEqual(
            initial + policy.ratio * requests + (policy.floorPerSec * t) / 1000 + 1e-9,
          );
        },
      ),
    );
  });

  it('a storm of failures stops retrying', () => {
    let s = initialBudget(policy, 0);
    let allowed = 0;
    for (let i = 0; i < 100; i++) {
      s = depositRequest(s, 0, policy);
      const r = spendRetry(s, 0, policy);
      s = r.state;
      if (r.allowed) allowed++;
    }
    expect(allowed).toBeLessThanOrEqual(3 + 10);
    expect(allowed).toBeGreaterThan(3);
  });
});

describe('circuit breaker', () => {
  const policy = { threshold: 3, cooldownMs: 1000 };

  it('closed -> open after N consecutive failures -> half_open -> one probe -> closed', () => {
    let s = initialBreaker();
    s = breakerRecord(s, 0, 500, policy);
    s = breakerRecord(s, 0, 200, policy); // a success resets the count
    for (let i = 0; i < 2; i++) s = breakerRecord(s, 0, 503, policy);
    expect(breakerMode(s, 0)).toBe('closed');
    s = breakerRecord(s, 10, 0, policy);
    expect(breakerMode(s, 10)).toBe('open');
    expect(breakerAdmit(s, 500)).toMatchObject({ allowed: false, retryAfterMs: 510 });
    expect(breakerMode(s, 1010)).toBe('half_open');
    const probe = breakerAdmit(s, 1010);
    expect(probe.allowed).toBe(true);
    expect(breakerAdmit(probe.state, 1010).allowed).toBe(false); // only one probe
    s = breakerRecord(probe.state, 1100, 200, policy);
    expect(breakerMode(s, 1100)).toBe('closed');
  });

  it('a failed probe opens it again; a cancelled probe lets another one try', () => {
    let s = initialBreaker();
    for (let i = 0; i < 3; i++) s = breakerRecord(s, 0, 502, policy);
    const probe = breakerAdmit(s, 1000).state;
    s = breakerRecord(probe, 1200, 504, policy);
    expect(breakerMode(s, 1200)).toBe('open');
    expect(s.openUntil).toBe(2200);
    const again = breakerAdmit(s, 2200).state;
    expect(breakerAdmit(breakerReleaseProbe(again), 2200).allowed).toBe(true);
  });

  it('429s and 4xx are not failures', () => {
    let s = initialBreaker();
    for (let i = 0; i < 10; i++) s = breakerRecord(s, 0, 429, policy);
    expect(breakerMode(s, 0)).toBe('closed');
  });
});
