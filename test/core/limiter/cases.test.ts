import { describe, expect, it } from 'vitest';
import { take } from '../../../src/core/limiter/bucket.js';
import { TAKE_CASES } from './cases.js';

describe('bucket step: the shared table of cases', () => {
  for (const c of TAKE_CASES) {
    it(c.name, () => {
      const r = take(c.state, c.now, c.cost, c.policy);
      expect(r.allowed).toBe(c.expect.allowed);
      expect(r.tooLarge).toBe(c.expect.tooLarge);
      expect(r.state.level).toBeCloseTo(c.expect.level, 9);
      if (Number.isFinite(c.expect.waitMs)) expect(r.waitMs).toBeCloseTo(c.expect.waitMs, 6);
      else expect(r.waitMs).toBe(Infinity);
    });
  }
});
