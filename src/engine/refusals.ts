import { breakerMode } from '../core/retry/breaker.js';
import { effectiveLimits, type PoolRuntime } from './pool.js';
import type { AcquireRequest, AcquireResult, ShedReason } from './types.js';

/** Refusals of acquire() that need no queue, and their messages. */
export function refusal(reason: ShedReason, retryAfterMs: number, message: string): AcquireResult {
  return { ok: false, reason, retryAfterMs, message };
}

/** The real API's wording for a request larger than a whole limit. */
export function tooLargeMessage(pool: PoolRuntime, tokens: number): string {
  const l = effectiveLimits(pool);
  const limit =
    tokens > (l.tpm ?? Infinity)
      ? `tokens per min (TPM): Limit ${l.tpm}`
      : `tokens per day (TPD): Limit ${l.tpd}`;
  return `Request too large for pool ${pool.name} on ${limit}, Requested ${tokens}. The input or output tokens must be reduced in order to run successfully.`;
}

/** Answers that need no queue: closed, aborted, too large, breaker open. */
export function refuseEarly(
  req: AcquireRequest,
  pool: PoolRuntime,
  tokens: number,
  now: number,
  closed: boolean,
): AcquireResult | null {
  if (closed) return refusal('closed', 0, 'The pacing engine is closed.');
  if (req.signal?.aborted) return refusal('aborted', 0, 'The request was aborted.');
  const limits = effectiveLimits(pool);
  if (tokens > (limits.tpm ?? Infinity) || tokens > (limits.tpd ?? Infinity)) {
    return refusal('too_large', 0, tooLargeMessage(pool, tokens));
  }
  if (breakerMode(pool.breaker, now) === 'open') {
    const ms = Math.ceil(pool.breaker.openUntil - now);
    return refusal(
      'breaker_open',
      ms,
      `The circuit breaker of pool ${pool.name} is open; it probes again in ${ms} ms.`,
    );
  }
  return null;
}
