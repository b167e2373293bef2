import { describe, expect, it } from 'vitest';
import { parseHistogram, quantileBetween } from '../../src/bench/prom-histogram.js';

const scrape = (counts: [string, number][]) =>
  [
    '# HELP h_seconds x',
    '# TYPE h_seconds histogram',
    ...counts.map(([le, n]) => `h_seconds_bucket{le="${le}"} ${n}`),
    `h_seconds_sum 1`,
    `h_seconds_count ${counts[counts.length - 1]![1]}`,
    'other_bucket{le="0.1"} 99',
  ].join('\n');

describe('histogram quantiles between two scrapes', () => {
  it('reads cumulative buckets, +Inf included, and ignores other metrics', () => {
    const b = parseHistogram(
      scrape([
        ['0.0001', 3],
        ['0.001', 10],
        ['+Inf', 12],
      ]),
      'h_seconds',
    );
    expect([...b.entries()]).toEqual([
      [0.0001, 3],
      [0.001, 10],
      [Infinity, 12],
    ]);
  });

  it('answers with the bucket bound that holds the quantile of the new observations only', () => {
    const before = parseHistogram(
      scrape([
        ['0.0001', 100],
        ['0.001', 100],
        ['+Inf', 100],
      ]),
      'h_seconds',
    );
    // 100 new observations: 90 under 100 µs, 9 under 1 ms, 1 above.
    const after = parseHistogram(
      scrape([
        ['0.0001', 190],
        ['0.001', 199],
        ['+Inf', 200],
      ]),
      'h_seconds',
    );
    expect(quantileBetween(before, after, 0.5)).toBe(0.0001);
    expect(quantileBetween(before, after, 0.95)).toBe(0.001);
    expect(quantileBetween(before, after, 0.999)).toBe(Infinity);
    expect(quantileBetween(after, after, 0.5)).toBeNull();
  });
});
