import { describe, expect, it } from 'vitest';
import { createDrainWindow, MAX_DRAIN_EXTENSION_MS } from '../../src/bench/drain.js';

describe('createDrainWindow', () => {
  it('lasts drain_s after the load, or after the latest retry a client was told to make', () => {
    const d = createDrainWindow(5000);
    expect(d.until()).toBe(Infinity);
    d.told(1000, 2000); // due at 3000, before the load ends: no extension
    d.loadEnded(10_000);
    expect(d.until()).toBe(15_000);
    d.told(10_500, 7000); // due at 17 500
    expect(d.until()).toBe(22_500);
    d.told(11_000, 1000); // an earlier due time does not shorten it
    expect(d.until()).toBe(22_500);
  });

  it('is capped, so a run always ends', () => {
    const d = createDrainWindow(5000);
    d.loadEnded(0);
    d.told(0, 10 * 60_000);
    expect(d.until()).toBe(5000 + MAX_DRAIN_EXTENSION_MS);
  });
});
