import type { Rng } from '../core/clock.js';
import { breakerMode } from '../core/retry/breaker.js';
import { spendRetry } from '../core/retry/budget.js';
import { decideRetry } from '../core/retry/decide.js';
import type { PoolRuntime } from './pool.js';
import type { EngineSettings } from './settings.js';
import type { RetryContext, RetryDecision } from './types.js';

/**
 * Whether one upstream attempt may be retried: the retry policy (status, headers, first byte
 * sent), then the pool's breaker and its retry budget, which a granted retry spends.
 */
export function decidePoolRetry(
  pool: PoolRuntime,
  now: number,
  rng: Rng,
  settings: EngineSettings,
  a: {
    attempt: number;
    status: number;
    headers: Record<string, string | undefined>;
    context: RetryContext;
  },
): RetryDecision {
  const { attempt, status, headers, context } = a;
  const v = decideRetry(
    { attempt, status, headers, errorCode: context.errorCode, firstByteSent: context.firstByteSent, now },
    rng,
    settings.retry,
  );
  if (!v.retry) return v;
  if (breakerMode(pool.breaker, now) === 'open')
    return { retry: false, delayMs: Math.max(0, pool.breaker.openUntil - now), reason: 'breaker_open' };
  const spent = spendRetry(pool.budget, now, settings.budget);
  pool.budget = spent.state;
  if (!spent.allowed) return { retry: false, delayMs: 0, reason: 'retry_budget' };
  return v;
}
