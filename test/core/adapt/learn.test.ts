import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readRateHeaders, readRetryAfterMs, readShouldRetry } from '../../../src/core/adapt/headers.js';
import { applyObservation, initialAdaptState, type Observation } from '../../../src/core/adapt/learn.js';

const headers = (
  limit: number,
  remaining: number,
  extra: Record<string, string> = {},
): Record<string, string> => ({
  'x-ratelimit-limit-requests': '500',
  'x-ratelimit-remaining-requests': '499',
  'x-ratelimit-limit-tokens': String(limit),
  'x-ratelimit-remaining-tokens': String(remaining),
  'x-ratelimit-reset-tokens': '9ms',
  ...extra,
});

describe('headers', () => {
  it('reads the x-ratelimit-* headers with Go durations', () => {
    expect(readRateHeaders(headers(160000, 159976))).toEqual({
      limitRequests: 500,
      remainingRequests: 499,
      limitTokens: 160000,
      remainingTokens: 159976,
      resetTokensMs: 9,
    });
    expect(
      readRateHeaders({ 'x-ratelimit-limit-tokens': 'nope', 'x-ratelimit-reset-requests': '6m0s' }),
    ).toEqual({ resetRequestsMs: 360_000 });
  });

  it('reads retry-after-ms first, then retry-after seconds, then an HTTP date', () => {
    expect(readRetryAfterMs({ 'retry-after-ms': '120', 'retry-after': '1' }, 0)).toBe(120);
    expect(readRetryAfterMs({ 'retry-after': '2' }, 0)).toBe(2000);
    expect(
      readRetryAfterMs(
        { 'retry-after': 'Wed, 21 Oct 2015 07:28:05 GMT' },
        Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'),
      ),
    ).toBe(5000);
    expect(readRetryAfterMs({ 'retry-after': 'soon' }, 0)).toBeUndefined();
    expect(readRetryAfterMs({}, 0)).toBeUndefined();
    expect(readShouldRetry({ 'x-should-retry': 'false' })).toBe(false);
  });
});

describe('applyObservation', () => {
  const obs = (o: Partial<Observation>): Observation => ({
    status: 200,
    headers: {},
    sentAt: 0,
    receivedAt: 0,
    ...o,
  });

  it('learns the limits and marks the pool as seen', () => {
    const out = applyObservation(initialAdaptState(), obs({ headers: headers(200000, 199000) }), 0);
    expect(out.state.learned).toEqual({ rpm: 500, tpm: 200000 });
    expect(out.state.seen).toBe(true);
    expect(out.limitsChanged).toBe(true);
    expect(out.ceilings).toEqual({ requests: 499, tokens: 199000 });
    expect(
      applyObservation(out.state, obs({ headers: headers(200000, 1), receivedAt: 1 }), 1).limitsChanged,
    ).toBe(false);
  });

  it('projects remaining to now by the upstream refill (limit per minute)', () => {
    const s = applyObservation(initialAdaptState(), obs({ headers: headers(60000, 0) }), 0).state;
    const out = applyObservation(
      s,
      obs({ headers: headers(60000, 1000), sentAt: 900, receivedAt: 1000 }),
      1500,
    );
    expect(out.ceilings?.tokens).toBeCloseTo(1500);
    // Under a time scale of 10 the minute lasts 6 s.
    expect(
      applyObservation(s, obs({ headers: headers(60000, 1000), receivedAt: 1000 }), 1500, 10).ceilings
        ?.tokens,
    ).toBeCloseTo(6000);
  });

  it('a network error or 5xx does not count as seeing the limits', () => {
    expect(applyObservation(initialAdaptState(), obs({ status: 0 }), 0).state.seen).toBe(false);
    expect(applyObservation(initialAdaptState(), obs({ status: 503 }), 0).state.seen).toBe(false);
  });

  it('pauses on a 429 until retry-after-ms, retry-after or the typed reset', () => {
    const a = applyObservation(
      initialAdaptState(),
      obs({ status: 429, receivedAt: 100, headers: { 'retry-after-ms': '250' } }),
      100,
    );
    expect(a.state.pausedUntil).toBe(350);
    const b = applyObservation(
      initialAdaptState(),
      obs({
        status: 429,
        receivedAt: 100,
        rateLimitType: 'tokens',
        headers: headers(1000, 0, { 'x-ratelimit-reset-tokens': '1.5s' }),
      }),
      100,
    );
    expect(b.state.pausedUntil).toBe(1600);
    expect(b.ceilings?.tokens).toBe(0);
    const c = applyObservation(
      initialAdaptState(),
      obs({ status: 429, receivedAt: 100, rateLimitType: 'insufficient_quota' }),
      100,
    );
    expect(c.state.pausedUntil).toBe(0);
    // A later, shorter pause never shortens an earlier one.
    const d = applyObservation(
      a.state,
      obs({ status: 429, receivedAt: 120, headers: { 'retry-after-ms': '10' } }),
      120,
    );
    expect(d.state.pausedUntil).toBe(350);
  });

  it('out-of-order answers never loosen the state: an older answer yields no ceiling', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            receivedAt: fc.integer({ min: 0, max: 1000 }),
            remaining: fc.integer({ min: 0, max: 60000 }),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        (answers) => {
          let state = initialAdaptState();
          let newest = -Infinity;
          for (const a of answers) {
            const out = applyObservation(
              state,
              obs({
                headers: headers(60000, a.remaining),
                receivedAt: a.receivedAt,
                sentAt: a.receivedAt - 5,
              }),
              1000,
            );
            if (a.receivedAt < newest) expect(out.ceilings).toBeNull();
            else expect(out.ceilings).not.toBeNull();
            newest = Math.max(newest, a.receivedAt);
            expect(out.state.newestReceivedAt).toBe(newest);
            state = out.state;
          }
        },
      ),
    );
  });
});
