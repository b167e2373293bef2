/**
 * The contract between the pacing engine (src/engine, built on the pure src/core) and its
 * callers (the gateway, the in-process library, the bench). Changing it means changing both sides.
 */
export type Priority = 'interactive' | 'default' | 'batch';
export const PRIORITIES: readonly Priority[] = ['interactive', 'default', 'batch'];

/** Limits of one upstream pool. A field left out is not limited (or not yet learned). */
export interface PoolLimits {
  rpm?: number;
  tpm?: number;
  rpd?: number;
  tpd?: number;
}

export interface PoolConfig extends PoolLimits {
  /** Models that share this pool's limits. */
  models: string[];
}

export interface EngineOptions {
  /** Configured pools; models not listed get a pool of their own named after the model. */
  pools?: Record<string, PoolConfig>;
  /** Fraction of each limit kept unused as a safety margin (default 0.02). */
  headroom?: number;
  /**
   * Longest burst, in seconds of the per-minute rate, a pool may send at once (default 20). Requests
   * are held to the per-second slice rule whatever this says; it bounds token bursts.
   */
  burstSeconds?: number;
  /** Share of each pool's bucket that batch traffic and over-share tenants may not use (default 0.5). */
  reservedInteractiveShare?: number;
  /** Queue deadline when a request names none (default 30 000 ms). */
  defaultDeadlineMs?: number;
  /** Time scale of the upstream (a simulator run with --time-scale); 1 for the real API. */
  timeScale?: number;
  /**
   * Give unused reserved tokens back when the real usage arrives (default true). Set false when the
   * upstream keeps the whole reservation (e.g. the simulator without settleUsage).
   */
  refundUnused?: boolean;
  /** Retry policy (defaults: 3 attempts, 250 ms base, 8 s cap, budget 10 % of requests). */
  retry?: {
    maxAttempts?: number;
    baseMs?: number;
    capMs?: number;
    budgetRatio?: number;
    maxServerDelayMs?: number;
  };
  /** Circuit breaker per pool (defaults: 5 consecutive failures, 10 s cooldown, divided by timeScale). */
  breaker?: { threshold?: number; cooldownMs?: number };
}

export interface AcquireRequest {
  pool: string;
  tenant: string;
  priority: Priority;
  /** Weighted fair share of the tenant (default 1). */
  weight?: number;
  /** Estimated input tokens plus requested output tokens. */
  tokens: number;
  /** Longest time the request may wait in the queue before it is shed. */
  deadlineMs?: number;
  /** Aborted when the client goes away: the request leaves the queue at once. */
  signal?: AbortSignal;
}

export type ShedReason = 'deadline' | 'too_large' | 'aborted' | 'breaker_open' | 'closed';

export type AcquireResult =
  | { ok: true; lease: Lease; queuedMs: number }
  | { ok: false; reason: ShedReason; retryAfterMs: number; message: string };

/** Capacity reserved for one upstream attempt. */
export interface Lease {
  readonly pool: string;
  readonly tokens: number;
  /** The real usage arrived (or the stream was cut): refund or charge the difference. Idempotent. */
  settle(actualTokens: number): void;
  /** Nothing reached the upstream (aborted before dispatch): give the whole reservation back. */
  cancel(): void;
}

/** What one upstream answer taught us. `status` 0 means a network error or timeout. */
export interface UpstreamObservation {
  pool: string;
  status: number;
  /** Response headers, lower-case names. */
  headers: Record<string, string | undefined>;
  /** When the request was sent and the response headers arrived (clock ms). */
  sentAt: number;
  receivedAt: number;
  /** On a 429: the body's error type or code (tokens | requests | insufficient_quota) when known. */
  rateLimitType?: string;
}

/** Optional facts about a failed attempt that headers do not carry. */
export interface RetryContext {
  /** The upstream error code or type (insufficient_quota is never retried). */
  errorCode?: string;
  /** Bytes of the stream already reached the client: never retry then. */
  firstByteSent?: boolean;
}

export interface RetryDecision {
  retry: boolean;
  delayMs: number;
  reason: string;
}

export interface PoolSnapshot {
  pool: string;
  limits: PoolLimits;
  learned: boolean;
  available: { requests: number | null; tokens: number | null };
  /**
   * Ms until each per-minute bucket is full again (0 = full; null = not limited). A pause after an
   * upstream 429 counts: nothing is sent before it ends.
   */
  fullInMs: { requests: number | null; tokens: number | null };
  pausedUntil: number | null;
  breaker: 'closed' | 'open' | 'half_open';
  queued: Record<Priority, number>;
  inFlight: number;
}

export interface PacingEngine {
  /** The pool a model belongs to. */
  poolFor(model: string): string;
  acquire(req: AcquireRequest): Promise<AcquireResult>;
  observe(obs: UpstreamObservation): void;
  /** Whether and when to retry attempt `attempt` (1-based) after `status` (0 = network error). */
  retryDecision(
    pool: string,
    attempt: number,
    status: number,
    headers: Record<string, string | undefined>,
    context?: RetryContext,
  ): RetryDecision;
  snapshot(): PoolSnapshot[];
  close(): void;
}
