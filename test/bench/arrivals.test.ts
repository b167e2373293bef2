import { describe, expect, it } from 'vitest';
import { createSeededRng, forkRng } from '../../src/core/clock.js';
import { generateArrivals, pickWeighted } from '../../src/bench/arrivals.js';

describe('generateArrivals', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = generateArrivals(20, 10, forkRng(7, 'arrivals'));
    const b = generateArrivals(20, 10, forkRng(7, 'arrivals'));
    const c = generateArrivals(20, 10, forkRng(8, 'arrivals'));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('stays inside [0, duration) and is strictly increasing', () => {
    const a = generateArrivals(50, 3, createSeededRng(1));
    expect(a.length).toBeGreaterThan(0);
    for (let i = 0; i < a.length; i++) {
      expect(a[i]).toBeGreaterThanOrEqual(0);
      expect(a[i]).toBeLessThan(3000);
      if (i > 0) expect(a[i]).toBeGreaterThan(a[i - 1] as number);
    }
  });

  it('has the Poisson mean count and exponential gaps (mean and CV near 1)', () => {
    const rate = 100;
    const duration = 200;
    const a = generateArrivals(rate, duration, createSeededRng(42));
    // 20,000 expected, sd ~141: 5 sd bounds.
    expect(Math.abs(a.length - rate * duration)).toBeLessThan(5 * Math.sqrt(rate * duration));
    const gaps = a.slice(1).map((t, i) => t - (a[i] as number));
    const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / gaps.length);
    expect(mean).toBeCloseTo(1000 / rate, 0);
    expect(sd / mean).toBeGreaterThan(0.95);
    expect(sd / mean).toBeLessThan(1.05);
    // Counts per second: Poisson, so variance ~ mean (index of dispersion near 1).
    const counts = new Array<number>(duration).fill(0);
    for (const t of a) counts[Math.floor(t / 1000)]! += 1;
    const cm = counts.reduce((s, c) => s + c, 0) / duration;
    const cv = counts.reduce((s, c) => s + (c - cm) ** 2, 0) / duration;
    expect(cv / cm).toBeGreaterThan(0.7);
    expect(cv / cm).toBeLessThan(1.3);
  });

  it('returns nothing for a zero rate or duration', () => {
    expect(generateArrivals(0, 10, createSeededRng(1))).toEqual([]);
    expect(generateArrivals(10, 0, createSeededRng(1))).toEqual([]);
  });
});

describe('pickWeighted', () => {
  it('follows the weights and never picks a zero weight', () => {
    const rng = createSeededRng(3);
    const hits = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) hits[pickWeighted([1, 0, 3], rng)]! += 1;
    expect(hits[1]).toBe(0);
    expect((hits[2] as number) / (hits[0] as number)).toBeGreaterThan(2.8);
    expect((hits[2] as number) / (hits[0] as number)).toBeLessThan(3.2);
  });
});
