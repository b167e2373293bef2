import { describe, expect, it } from 'vitest';
import { simRetryAfterHeaders } from '../../src/simulator/retry-after.js';

describe('simRetryAfterHeaders: the retry hint of a simulator 429', () => {
  it('at scale 1: whole seconds, at least 1, and no retry-after-ms (as api.openai.com)', () => {
    const o = { timeScale: 1, retryAfterMs: false };
    expect(simRetryAfterHeaders(0, o)).toEqual({ 'retry-after': '1' });
    expect(simRetryAfterHeaders(108, o)).toEqual({ 'retry-after': '1' });
    expect(simRetryAfterHeaders(1000, o)).toEqual({ 'retry-after': '1' });
    expect(simRetryAfterHeaders(1000.2, o)).toEqual({ 'retry-after': '2' });
    expect(simRetryAfterHeaders(59_001, o)).toEqual({ 'retry-after': '60' });
  });

  it('under a time scale: whole simulated seconds in wall seconds, never shorter than the wait', () => {
    const o = { timeScale: 20, retryAfterMs: false };
    expect(simRetryAfterHeaders(10, o)).toEqual({ 'retry-after': '0.05' });
    expect(simRetryAfterHeaders(51, o)).toEqual({ 'retry-after': '0.1' });
    expect(simRetryAfterHeaders(3000, o)).toEqual({ 'retry-after': '3' });
    const third = Number(simRetryAfterHeaders(10, { timeScale: 3, retryAfterMs: false })['retry-after']);
    expect(third).toBe(0.334);
    for (const ms of [1, 49, 50, 333, 999, 1234, 60_000])
      for (const timeScale of [1, 3, 10, 20, 60])
        expect(
          Number(simRetryAfterHeaders(ms, { timeScale, retryAfterMs: false })['retry-after']) * 1000,
        ).toBeGreaterThanOrEqual(ms);
  });

  it('adds the exact retry-after-ms when enabled', () => {
    expect(simRetryAfterHeaders(1234.5, { timeScale: 1, retryAfterMs: true })).toEqual({
      'retry-after': '2',
      'retry-after-ms': '1235',
    });
  });
});
