import { initialAdaptState, type AdaptState } from '../core/adapt/learn.js';
import { levelAt, type BucketState } from '../core/limiter/bucket.js';
import { policiesFor, type DimensionPolicy, type Limits, type PacingKnobs } from '../core/limiter/policy.js';
import { reserveShareFor } from '../core/queue/dispatch.js';
import {
  createShareTracker,
  isOverShare,
  type ShareKnobs,
  type ShareTracker,
} from '../core/queue/fair-share.js';
import { createQueue, queuedCounts, type AdmissionQueue, type QueueItem } from '../core/queue/queue.js';
import { breakerMode, initialBreaker, type BreakerState } from '../core/retry/breaker.js';
import { initialBudget, type BudgetPolicy, type BudgetState } from '../core/retry/budget.js';
import type { AcquireResult, PoolLimits, PoolSnapshot } from './types.js';

export interface Waiter {
  item: QueueItem;
  resolve: (r: AcquireResult) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** Shared buckets: its first denied take decides whether it can make its deadline (start-check.ts). */
  checkOnDenial: boolean;
}

/** Everything the engine holds for one upstream pool. */
export interface PoolRuntime {
  name: string;
  configured: PoolLimits;
  policies: DimensionPolicy[];
  /** Last states the store returned, aligned with `policies` (for snapshots and estimates). */
  mirror: (BucketState | undefined)[];
  adapt: AdaptState;
  breaker: BreakerState;
  budget: BudgetState;
  queue: AdmissionQueue;
  /** Recent use per tenant: who is over their weighted share. */
  shares: ShareTracker;
  waiters: Map<number, Waiter>;
  inFlight: number;
  /** Recent dispatches (time, tokens), to discount what the upstream had not yet seen. */
  log: { at: number[]; requests: number[]; tokens: number[]; start: number };
  pumping: boolean;
  wakeAt: number;
  /** Moving average of actual / reserved tokens: queued work ahead shrinks by this once refunded. */
  usageRatio: number;
  /** Unused reservations are given back; turned off when the upstream shows it keeps them. */
  refunds: boolean;
  refundEvidence: number;
  /** The fleet's pause of this pool as last read from the shared store (shared mode only). */
  sharedPause: { until: number; checkedAt: number };
}

export function createPool(
  name: string,
  configured: PoolLimits,
  knobs: PacingKnobs,
  budget: BudgetPolicy,
  now: number,
  refunds: boolean,
): PoolRuntime {
  const pool: PoolRuntime = {
    name,
    configured,
    policies: [],
    mirror: [],
    adapt: initialAdaptState(),
    breaker: initialBreaker(),
    budget: initialBudget(budget, now),
    queue: createQueue(),
    shares: createShareTracker(now),
    waiters: new Map(),
    inFlight: 0,
    log: { at: [], requests: [], tokens: [], start: 0 },
    pumping: false,
    wakeAt: Infinity,
    usageRatio: 1,
    refunds,
    refundEvidence: 0,
    sharedPause: { until: 0, checkedAt: -Infinity },
  };
  rebuildPolicies(pool, knobs);
  return pool;
}

/** Configured limits override learned ones, field by field. */
export function effectiveLimits(pool: PoolRuntime): Limits {
  const out: Limits = {};
  const learned = pool.adapt.learned;
  if (learned.rpm !== undefined) out.rpm = learned.rpm;
  if (learned.tpm !== undefined) out.tpm = learned.tpm;
  for (const k of ['rpm', 'tpm', 'rpd', 'tpd'] as const) {
    const v = pool.configured[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export function rebuildPolicies(pool: PoolRuntime, knobs: PacingKnobs): void {
  const old = new Map(pool.policies.map((p, i) => [p.dim, pool.mirror[i]]));
  pool.policies = policiesFor(effectiveLimits(pool), knobs);
  pool.mirror = pool.policies.map((p) => old.get(p.dim));
}

/** Dispatch is held until this clock ms: our own pause after a 429 or the fleet's. */
export function pausedUntilOf(pool: PoolRuntime): number {
  return Math.max(pool.adapt.pausedUntil, pool.sharedPause.until);
}

/** The share of each bucket a request may not touch: the reserve, for batch and over-share tenants. */
export function reserveShareOf(
  pool: PoolRuntime,
  item: Pick<QueueItem, 'priority' | 'tenant'>,
  reservedShare: number,
  knobs: ShareKnobs,
): number {
  return reserveShareFor(item.priority, reservedShare, isOverShare(pool.shares, item.tenant, knobs));
}

/** Limits are known (configured or announced): until then the pool sends one request at a time. */
export function isKnown(pool: PoolRuntime): boolean {
  const c = pool.configured;
  return (
    pool.adapt.seen ||
    c.rpm !== undefined ||
    c.tpm !== undefined ||
    c.rpd !== undefined ||
    c.tpd !== undefined
  );
}

export function levelsAt(pool: PoolRuntime, now: number): number[] {
  return pool.policies.map((p, i) => {
    const s = pool.mirror[i];
    return s ? levelAt(s, now, p.policy) : p.policy.capacity;
  });
}

export function recordDispatch(pool: PoolRuntime, now: number, tokens: number, keepMs: number): void {
  const log = pool.log;
  log.at.push(now);
  log.requests.push(1);
  log.tokens.push(tokens);
  while (log.start < log.at.length && log.at[log.start]! < now - keepMs) log.start++;
  if (log.start > 1024 && log.start * 2 > log.at.length) {
    log.at.splice(0, log.start);
    log.requests.splice(0, log.start);
    log.tokens.splice(0, log.start);
    log.start = 0;
  }
}

/** Requests and tokens dispatched strictly after `t`. */
export function dispatchedSince(pool: PoolRuntime, t: number): { requests: number; tokens: number } {
  const log = pool.log;
  let requests = 0;
  let tokens = 0;
  for (let i = log.at.length - 1; i >= log.start && log.at[i]! > t; i--) {
    requests += log.requests[i]!;
    tokens += log.tokens[i]!;
  }
  return { requests, tokens };
}

export function snapshotPool(p: PoolRuntime, now: number): PoolSnapshot {
  const levels = levelsAt(p, now);
  const paused = Math.max(0, pausedUntilOf(p) - now);
  const level = (dim: 'rpm' | 'tpm'): number | null => {
    const i = p.policies.findIndex((x) => x.dim === dim);
    return i < 0 ? null : Math.floor(levels[i]!);
  };
  const fullIn = (dim: 'rpm' | 'tpm'): number | null => {
    const i = p.policies.findIndex((x) => x.dim === dim);
    if (i < 0) return null;
    const { capacity, rate } = p.policies[i]!.policy;
    const missing = capacity - levels[i]!;
    const refill = missing <= 0 ? 0 : rate > 0 ? missing / rate : Infinity;
    return Math.max(paused, refill);
  };
  return {
    pool: p.name,
    limits: effectiveLimits(p),
    learned: isKnown(p),
    available: { requests: level('rpm'), tokens: level('tpm') },
    fullInMs: { requests: fullIn('rpm'), tokens: fullIn('tpm') },
    pausedUntil: paused > 0 ? pausedUntilOf(p) : null,
    breaker: breakerMode(p.breaker, now),
    queued: queuedCounts(p.queue),
    inFlight: p.inFlight,
  };
}
