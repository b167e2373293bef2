import { breakerReleaseProbe } from '../core/retry/breaker.js';
import type { Cost } from '../core/limiter/take-all.js';
import type { PoolRuntime } from './pool.js';
import type { Lease } from './types.js';

export interface LeaseHooks {
  /** Give units back (positive) or charge more (negative) in the pool's buckets. */
  adjust(pool: PoolRuntime, delta: Cost): void;
  /** Capacity or the cold-start slot was freed: try the queue again. */
  wake(pool: PoolRuntime): void;
}

/** One upstream attempt's reservation. settle/cancel are idempotent; only the first counts. */
export function createLease(pool: PoolRuntime, tokens: number, probe: boolean, hooks: LeaseHooks): Lease {
  let done = false;
  const finish = (): void => {
    done = true;
    pool.inFlight--;
    if (probe) pool.breaker = breakerReleaseProbe(pool.breaker);
  };
  return {
    pool: pool.name,
    tokens,
    settle(actualTokens: number) {
      if (done) return;
      finish();
      const actual = Number.isFinite(actualTokens) && actualTokens >= 0 ? actualTokens : tokens;
      const delta = actual - tokens;
      if (tokens > 0) pool.usageRatio += 0.05 * (Math.min(1, actual / tokens) - pool.usageRatio);
      // Overruns are always charged; unused reservations only refunded where the upstream settles.
      if (delta > 0 || (delta < 0 && pool.refunds)) hooks.adjust(pool, { requests: 0, tokens: -delta });
      hooks.wake(pool);
    },
    cancel() {
      if (done) return;
      finish();
      hooks.adjust(pool, { requests: 1, tokens });
      hooks.wake(pool);
    },
  };
}
