import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createShareTracker, isOverShare, recordUse } from '../../../src/core/queue/fair-share.js';

const KNOBS = { halfLifeMs: 10_000, slack: 0.25 };

describe('fair share tracker', () => {
  it('a lone tenant is never over its share, however much it uses', () => {
    const s = createShareTracker(0);
    for (let t = 0; t < 100; t++) recordUse(s, 'solo', 1, 5_000, t * 100, KNOBS);
    expect(isOverShare(s, 'solo', KNOBS)).toBe(false);
  });

  it('one tenant at 80 % next to two at 10 % is over; the quiet ones are not', () => {
    const s = createShareTracker(0);
    for (let i = 0; i < 100; i++) {
      const t = i * 50;
      recordUse(s, 'noisy', 1, 800, t, KNOBS);
      recordUse(s, 'quiet-a', 1, 100, t, KNOBS);
      recordUse(s, 'quiet-b', 1, 100, t, KNOBS);
    }
    expect(isOverShare(s, 'noisy', KNOBS)).toBe(true);
    expect(isOverShare(s, 'quiet-a', KNOBS)).toBe(false);
    expect(isOverShare(s, 'quiet-b', KNOBS)).toBe(false);
  });

  it('weights set the share: 1:3 weights using 25 % / 75 % are both within it', () => {
    const s = createShareTracker(0);
    for (let i = 0; i < 50; i++) {
      recordUse(s, 'small', 1, 250, i * 100, KNOBS);
      recordUse(s, 'big', 3, 750, i * 100, KNOBS);
    }
    expect(isOverShare(s, 'small', KNOBS)).toBe(false);
    expect(isOverShare(s, 'big', KNOBS)).toBe(false);
    recordUse(s, 'small', 1, 20_000, 5_000, KNOBS);
    expect(isOverShare(s, 'small', KNOBS)).toBe(true);
  });

  it('old use fades: a tenant that stopped flooding is within its share again', () => {
    const s = createShareTracker(0);
    for (let i = 0; i < 20; i++) recordUse(s, 'noisy', 1, 10_000, i * 100, KNOBS);
    recordUse(s, 'other', 1, 100, 2_000, KNOBS);
    expect(isOverShare(s, 'noisy', KNOBS)).toBe(true);
    // Ten half-lives later the flood weighs ~1/1000 of what it did; the other tenant keeps going.
    for (let i = 0; i < 100; i++) recordUse(s, 'other', 1, 1_000, 2_000 + i * 1_000, KNOBS);
    recordUse(s, 'noisy', 1, 100, 102_000, KNOBS);
    expect(isOverShare(s, 'noisy', KNOBS)).toBe(false);
  });

  it('forgets idle tenants: memory stays bounded under many one-off tenants', () => {
    const s = createShareTracker(0);
    for (let i = 0; i < 20_000; i++) recordUse(s, `t${i}`, 1, 100, i * 10, KNOBS);
    expect(s.tenants.size).toBeLessThan(2_000);
  });

  it('never are all active tenants over their share at once (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            tenant: fc.constantFrom('a', 'b', 'c', 'd'),
            tokens: fc.integer({ min: 0, max: 5_000 }),
            gap: fc.integer({ min: 0, max: 3_000 }),
          }),
          { minLength: 1, maxLength: 200 },
        ),
        (events) => {
          const s = createShareTracker(0);
          const weight = (t: string) => (t === 'a' ? 3 : 1);
          let now = 0;
          for (const e of events) {
            now += e.gap;
            recordUse(s, e.tenant, weight(e.tenant), e.tokens, now, KNOBS);
          }
          const over = [...s.tenants.keys()].filter((t) => isOverShare(s, t, KNOBS));
          expect(over.length).toBeLessThan(Math.max(1, s.tenants.size));
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });
});
