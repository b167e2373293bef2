import type { Clock } from '../core/clock.js';
import type { StartWaitResult } from '../core/limiter/start-wait.js';
import type { ShareKnobs } from '../core/queue/fair-share.js';
import type { QueueItem } from '../core/queue/queue.js';
import { pausedUntilOf, reserveShareOf, type PoolRuntime, type Waiter } from './pool.js';
import { refusal } from './refusals.js';
import { isPromise, type QuotaStore } from './store.js';
import type { AcquireResult } from './types.js';
import { aheadOf, shed } from './waiters.js';

/**
 * Shed at once: a request that cannot start before its deadline is answered now, with when it
 * would fit, instead of waiting its whole deadline. With the engine's own buckets the mirror is
 * the store and acquire() decides on it. With shared buckets (Redis) the mirror lags the fleet,
 * so the store decides: the first take of a request that found the queue idle says how long it
 * would wait, and a request queued behind others asks the store's startWait.
 */
export function lateMessage(pool: PoolRuntime, deadlineMs: number, etaMs: number): string {
  return `Pool ${pool.name} cannot start this request within ${deadlineMs} ms; it would fit in ${Math.ceil(etaMs)} ms.`;
}

export function deadlineRefusal(pool: PoolRuntime, deadlineMs: number, etaMs: number): AcquireResult {
  return refusal('deadline', Math.ceil(etaMs), lateMessage(pool, deadlineMs, etaMs));
}

/** Sheds a waiter that is still queued when starting `etaMs` after `at` misses its deadline. */
export function shedIfLate(pool: PoolRuntime, w: Waiter, at: number, etaMs: number): boolean {
  if (pool.waiters.get(w.item.id) !== w) return false; // served, shed or aborted meanwhile
  const { item } = w;
  if (at + etaMs <= item.deadline) return false;
  shed(pool, w, 'deadline', etaMs, lateMessage(pool, item.deadline - item.enqueuedAt, etaMs));
  return true;
}

/** The first denied take of a request that found the queue idle: the store's wait decides. */
export function shedOnFirstDenial(pool: PoolRuntime, item: QueueItem, waitMs: number, at: number): boolean {
  const w = pool.waiters.get(item.id);
  if (!w?.checkOnDenial) return false;
  w.checkOnDenial = false;
  return shedIfLate(pool, w, at, waitMs);
}

export interface StartCheckDeps {
  store: QuotaStore;
  clock: Clock;
  reservedShare: number;
  share: ShareKnobs;
  /** After a shed: the queue moves on without it. */
  pump(pool: PoolRuntime): void;
}

/** Asks the store when a request queued behind others could start, and sheds it if too late. */
export function askStartWait(deps: StartCheckDeps, pool: PoolRuntime, w: Waiter): void {
  const { item } = w;
  const policies = pool.policies;
  const r = deps.store.startWait(
    pool.name,
    deps.clock.now(),
    aheadOf(pool, item, true),
    { requests: 1, tokens: item.tokens },
    policies,
    reserveShareOf(pool, item, deps.reservedShare, deps.share),
  );
  const decide = (res: StartWaitResult): void => {
    if (policies === pool.policies) pool.mirror = res.states;
    const at = deps.clock.now();
    // The fleet's pause is known here; the buckets' wait is the store's.
    const eta = Math.max(res.waitMs, pausedUntilOf(pool) - at);
    if (shedIfLate(pool, w, at, eta)) deps.pump(pool);
  };
  // No answer (the store is down): the request is shed at its deadline, as before.
  if (isPromise(r)) r.then(decide, () => undefined);
  else decide(r);
}
