import { describe, expect, it } from 'vitest';
import { cdfPoints, jainIndex, percentile, summarize } from '../../src/bench/percentiles.js';

describe('percentile', () => {
  it('interpolates between closest ranks (R-7)', () => {
    const v = [1, 2, 3, 4];
    expect(percentile(v, 0)).toBe(1);
    expect(percentile(v, 100)).toBe(4);
    expect(percentile(v, 50)).toBe(2.5);
    expect(percentile(v, 25)).toBeCloseTo(1.75);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 95)).toBeCloseTo(95.05);
    expect(percentile(hundred, 99)).toBeCloseTo(99.01);
  });

  it('handles empty and single-value input and clamps p', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2], 150)).toBe(2);
    expect(percentile([1, 2], -5)).toBe(1);
  });
});

describe('summarize', () => {
  it('sorts unsorted input without changing it', () => {
    const v = [5, 1, 4, 2, 3];
    const s = summarize(v);
    expect(v).toEqual([5, 1, 4, 2, 3]);
    expect(s).toMatchObject({ count: 5, mean: 3, p50: 3, max: 5 });
    expect(s.p95).toBeCloseTo(4.8);
    expect(s.p99).toBeCloseTo(4.96);
  });

  it('gives nulls for no data', () => {
    expect(summarize([])).toEqual({ count: 0, mean: null, p50: null, p95: null, p99: null, max: null });
  });
});

describe('cdfPoints', () => {
  it('is monotone, ends at 1 and is bounded in size', () => {
    const v = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
    const pts = cdfPoints(v, 50);
    expect(pts.length).toBeLessThanOrEqual(51);
    expect(pts[pts.length - 1]).toEqual([999, 1]);
    for (let i = 1; i < pts.length; i++) {
      expect(pts[i]![0]).toBeGreaterThanOrEqual(pts[i - 1]![0]);
      expect(pts[i]![1]).toBeGreaterThan(pts[i - 1]![1]);
    }
    expect(cdfPoints([])).toEqual([]);
  });
});

describe('jainIndex', () => {
  it('is 1 for equal shares and 1/n when one takes all', () => {
    expect(jainIndex([0.5, 0.5, 0.5])).toBeCloseTo(1);
    expect(jainIndex([1, 0, 0, 0])).toBeCloseTo(0.25);
    expect(jainIndex([])).toBeNull();
  });
});
