import fc from 'fast-check';
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

  it('reads plain "12ms" and "1.5s" without its regex exactly as with it', () => {
    // The general parser, as it was before the fast path: the reference.
    const UNIT: Record<string, number> = {
      h: 3_600_000,
      m: 60_000,
      s: 1000,
      ms: 1,
      us: 0.001,
      µs: 0.001,
      ns: 1e-6,
    };
    const reference = (text: string): number | undefined => {
      const t = text.trim();
      if (t === '') return undefined;
      if (t === '0') return 0;
      const re = /(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/gy;
      let total = 0;
      let matched = 0;
      for (let m = re.exec(t); m !== null; m = re.exec(t)) {
        total += Number(m[1]) * (UNIT[m[2] ?? ''] as number);
        matched = re.lastIndex;
      }
      return matched === t.length ? total : undefined;
    };
    const piece = fc.stringMatching(/^[0-9.]{0,5}(ms|s|m|us|h|)$/);
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 3 }), (parts) => {
        const text = parts.join('');
        expect(parseDuration(text)).toBe(reference(text));
      }),
      { numRuns: 2000, seed: 7 },
    );
    for (const t of ['12ms', '0.5ms', '33.023s', '.5s', '1.s', '1..2s', 's', 'ms', '12.ms'])
      expect(parseDuration(t)).toBe(reference(t));
  });
});
