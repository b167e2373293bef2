import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createQueue,
  earliestDeadline,
  enqueue,
  head,
  queuedAhead,
  remove,
  requeue,
  type Priority,
  type QueueItem,
} from '../../../src/core/queue/queue.js';
import {
  entersReserve,
  estimateStartMs,
  protectedWaiting,
  reserveShareFor,
} from '../../../src/core/queue/dispatch.js';
import { policiesFor } from '../../../src/core/limiter/policy.js';
import { takeAll } from '../../../src/core/limiter/take-all.js';
import type { BucketState } from '../../../src/core/limiter/bucket.js';

let ids = 0;
const item = (tenant: string, o: Partial<QueueItem> = {}): QueueItem => ({
  id: ++ids,
  tenant,
  priority: 'default',
  weight: 1,
  tokens: 100,
  enqueuedAt: 0,
  deadline: 1e9,
  start: 0,
  finish: 0,
  removed: false,
  ...o,
});

describe('admission queue', () => {
  it('serves higher priorities first', () => {
    const q = createQueue();
    enqueue(q, item('a', { priority: 'batch' }));
    enqueue(q, item('a', { priority: 'default' }));
    enqueue(q, item('a', { priority: 'interactive' }));
    const order: Priority[] = [];
    for (let it = head(q); it; it = head(q)) {
      order.push(it.priority);
      remove(q, it, true);
    }
    expect(order).toEqual(['interactive', 'default', 'batch']);
  });

  it('shares service 1:3 between backlogged tenants of weights 1 and 3 (by tokens)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 10, max: 500 }), { minLength: 200, maxLength: 200 }),
        (sizes) => {
          const q = createQueue();
          sizes.forEach((tokens, i) =>
            enqueue(q, item(i % 2 ? 'heavy' : 'light', { weight: i % 2 ? 3 : 1, tokens })),
          );
          const served = { light: 0, heavy: 0 };
          // Serve half the work while both are still backlogged.
          const total = sizes.reduce((a, b) => a + b, 0);
          let done = 0;
          while (done < total / 3) {
            const it = head(q)!;
            served[it.tenant as 'light' | 'heavy'] += it.tokens;
            done += it.tokens;
            remove(q, it, true);
          }
          const ratio = served.heavy / served.light;
          expect(ratio).toBeGreaterThan(2.2);
          expect(ratio).toBeLessThan(4);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('a newly arriving tenant is not starved by a long backlog', () => {
    const q = createQueue();
    for (let i = 0; i < 100; i++) enqueue(q, item('flood'));
    for (let i = 0; i < 10; i++) remove(q, head(q)!, true);
    enqueue(q, item('late'));
    const next: string[] = [];
    for (let i = 0; i < 3; i++) {
      const it = head(q)!;
      next.push(it.tenant);
      remove(q, it, true);
    }
    expect(next).toContain('late');
  });

  it('requeue moves an item to another class, keeping its id and deadline, and counts stay right', () => {
    const q = createQueue();
    const noisy = item('noisy', { deadline: 500 });
    const quiet = item('quiet', { tokens: 300 });
    enqueue(q, noisy);
    enqueue(q, quiet);
    expect(head(q)).toBe(noisy); // smaller finish tag
    const moved = requeue(q, noisy, 'batch');
    expect(moved).toMatchObject({ id: noisy.id, deadline: 500, priority: 'batch', removed: false });
    expect(head(q)).toBe(quiet);
    expect(earliestDeadline(q)).toBe(moved);
    expect(q.size).toBe(2);
    expect(queuedAhead(q, 'default')).toEqual({ count: 1, tokens: 300 });
    remove(q, quiet, true);
    expect(head(q)).toBe(moved);
  });

  it('removal keeps counts right and the deadline index skips removed items', () => {
    const q = createQueue();
    const a = item('a', { deadline: 50 });
    const b = item('b', { deadline: 80, priority: 'batch', tokens: 7 });
    enqueue(q, a);
    enqueue(q, b);
    expect(queuedAhead(q, 'default')).toEqual({ count: 1, tokens: 100 });
    expect(queuedAhead(q, 'batch')).toEqual({ count: 2, tokens: 107 });
    remove(q, a);
    remove(q, a);
    expect(earliestDeadline(q)).toBe(b);
    expect(q.size).toBe(1);
  });
});

describe('reserved interactive share', () => {
  const policies = policiesFor({ rpm: 6000, tpm: 60_000 }, { headroom: 0, burstSeconds: 2, timeScale: 1 }); // burst 200 req, 2000 tok

  it('batch never takes the reserved share (requests within the unreserved part of the burst)', () => {
    const policies = policiesFor({ tpm: 60_000 }, { headroom: 0, burstSeconds: 2, timeScale: 1 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 200 })), {
          maxLength: 100,
        }),
        (reqs) => {
          let states: BucketState[] = [];
          let t = 0;
          for (const [tokens, gap] of reqs) {
            t += gap;
            const r = takeAll(states, t, { requests: 1, tokens }, policies, reserveShareFor('batch', 0.2));
            states = r.states;
            if (r.allowed) expect(states[0]!.level).toBeGreaterThanOrEqual(0.2 * 2000 - 1e-6);
          }
        },
      ),
    );
  });

  it('interactive may take it', () => {
    const states = [
      { level: 1, at: 0 },
      { level: 300, at: 0 },
    ];
    expect(
      takeAll(states, 0, { requests: 1, tokens: 300 }, policies, reserveShareFor('interactive', 0.2)).allowed,
    ).toBe(true);
    expect(
      takeAll(states, 0, { requests: 1, tokens: 300 }, policies, reserveShareFor('batch', 0.2)).allowed,
    ).toBe(false);
  });
});

describe('estimateStartMs', () => {
  const policies = policiesFor({ tpm: 60_000 }, { headroom: 0, burstSeconds: 2, timeScale: 1 }); // 1 token/ms, burst 2000

  it('is exact for an empty queue and counts work ahead', () => {
    expect(
      estimateStartMs({ requests: 0, tokens: 0 }, { requests: 1, tokens: 500 }, [100], policies, 0, 0, 0),
    ).toBeCloseTo(400);
    expect(
      estimateStartMs({ requests: 3, tokens: 1000 }, { requests: 1, tokens: 500 }, [100], policies, 0, 0, 0),
    ).toBeCloseTo(1400);
    // Larger than the burst: it waits for a full bucket only.
    expect(
      estimateStartMs({ requests: 0, tokens: 0 }, { requests: 1, tokens: 5000 }, [0], policies, 0, 0, 0),
    ).toBeCloseTo(2000);
    // A pause dominates.
    expect(
      estimateStartMs({ requests: 0, tokens: 0 }, { requests: 1, tokens: 1 }, [2000], policies, 0, 0, 700),
    ).toBe(700);
  });
});

describe('the reserve rule (decision 008)', () => {
  const policies = policiesFor({ tpm: 60_000 }, { headroom: 0, burstSeconds: 2, timeScale: 1 }); // 2 000

  it('a held-out cost enters the reserve when it is above the part of a bucket over the line', () => {
    expect(entersReserve({ requests: 1, tokens: 1600 }, policies, 0.2)).toBe(false);
    expect(entersReserve({ requests: 1, tokens: 1601 }, policies, 0.2)).toBe(true);
    expect(entersReserve({ requests: 1, tokens: 50_000 }, policies, 0)).toBe(false); // not held out
  });

  it('protected requests are interactive or default ones of tenants not held out, other than the asker', () => {
    const q = createQueue();
    const heldOut = (t: string) => t === 'noisy';
    const a = item('noisy');
    enqueue(q, a);
    enqueue(q, item('quiet', { priority: 'batch' }));
    expect(protectedWaiting(q, 'noisy', heldOut)).toBe(false);
    const b = item('quiet', { priority: 'interactive' });
    enqueue(q, b);
    expect(protectedWaiting(q, 'noisy', heldOut)).toBe(true);
    expect(protectedWaiting(q, 'quiet', heldOut)).toBe(false);
    remove(q, b);
    expect(protectedWaiting(q, 'noisy', heldOut)).toBe(false);
    requeue(q, a, 'batch');
    expect(q.classes.default.waiting.size).toBe(0);
    expect(q.classes.batch.waiting.get('noisy')).toBe(1);
  });
});
