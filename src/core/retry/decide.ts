import type { Rng } from '../clock.js';
import { readRetryAfterMs, readShouldRetry } from '../adapt/headers.js';
import { backoffMs, type BackoffPolicy } from './backoff.js';

export interface RetryPolicy extends BackoffPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** A server-requested delay above this is not waited for: the client is told instead. */
  maxServerDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  baseMs: 250,
  capMs: 8000,
  maxAttempts: 3,
  maxServerDelayMs: 20_000,
};

export interface RetryInput {
  /** 1-based number of the attempt that just failed. */
  attempt: number;
  /** 0 = network error or timeout. */
  status: number;
  headers: Record<string, string | undefined>;
  /** The upstream error code or type when known (insufficient_quota is never retried). */
  errorCode?: string | undefined;
  /** Bytes of a stream already reached the client: a retry would corrupt it. */
  firstByteSent?: boolean | undefined;
  now: number;
}

export interface RetryVerdict {
  retry: boolean;
  delayMs: number;
  reason: string;
}

const RETRYABLE = new Set([0, 408, 409, 429, 500, 502, 503, 504]);

/** The policy part of a retry decision; budget and breaker are applied by the caller. */
export function decideRetry(input: RetryInput, rng: Rng, policy: RetryPolicy = DEFAULT_RETRY): RetryVerdict {
  if (input.firstByteSent) return { retry: false, delayMs: 0, reason: 'stream_started' };
  if (input.attempt >= policy.maxAttempts) return { retry: false, delayMs: 0, reason: 'max_attempts' };
  const should = readShouldRetry(input.headers);
  if (should === false) return { retry: false, delayMs: 0, reason: 'upstream_forbids' };
  if (input.errorCode === 'insufficient_quota')
    return { retry: false, delayMs: 0, reason: 'insufficient_quota' };
  if (should !== true && !RETRYABLE.has(input.status))
    return { retry: false, delayMs: 0, reason: 'not_retryable' };
  const server = readRetryAfterMs(input.headers, input.now);
  if (server !== undefined) {
    if (server > policy.maxServerDelayMs)
      return { retry: false, delayMs: server, reason: 'retry_after_too_long' };
    return { retry: true, delayMs: server, reason: reasonOf(input.status) };
  }
  return { retry: true, delayMs: backoffMs(input.attempt, rng, policy), reason: reasonOf(input.status) };
}

/** Low-cardinality reason, used as a metric label. */
export function reasonOf(status: number): string {
  if (status === 0) return 'network_error';
  if (status === 408) return 'timeout';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limited';
  return status >= 500 ? 'server_error' : 'forced';
}
