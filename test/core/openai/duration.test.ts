import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/core/openai/duration.js';

describe('Go-style durations', () => {
  it('formats the values seen in real x-ratelimit-reset headers', () => {
    expect(formatDuration(12)).toBe('12ms');
    expect(formatDuration(108)).toBe('108ms');
    expect(formatDuration(1000)).toBe('1s');
    expect(formatDuration(33_023)).toBe('33.023s');
    expect(formatDuration(360_000)).toBe('6m0s');
    expect(formatDuration(3_723_500)).toBe('1h2m3.5s');
    expect(formatDuration(0)).toBe('0s');
  });

  it('rounds sub-millisecond waits up so a client never retries too early', () => {
    expect(formatDuration(0.4)).toBe('1ms');
  });

  it('parses what it formats and what OpenAI sends', () => {
    for (const ms of [1, 12, 999, 1000, 1378, 7620, 60_000, 360_000, 3_723_500]) {
      expect(parseDuration(formatDuration(ms))).toBeCloseTo(ms, 6);
    }
    expect(parseDuration('1.378s')).toBeCloseTo(1378, 6);
    expect(parseDuration('6m0s')).toBe(360_000);
    expect(parseDuration('250us')).toBeCloseTo(0.25, 6);
    expect(parseDuration('0')).toBe(0);
  });

  it('rejects garbage instead of guessing', () => {
    for (const bad of ['', 'soon', '5', '1x', 's1', '1s junk']) expect(parseDuration(bad)).toBeUndefined();
  });
});
