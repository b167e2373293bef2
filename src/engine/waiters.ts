import type { Cost } from '../core/limiter/take-all.js';
import { estimateStartMs } from '../core/queue/dispatch.js';
import type { ShareKnobs } from '../core/queue/fair-share.js';
import { earliestDeadline, queuedAhead, remove, type QueueItem } from '../core/queue/queue.js';
import { breakerMode } from '../core/retry/breaker.js';
import { isKnown, levelsAt, pausedUntilOf, reserveShareOf, type PoolRuntime, type Waiter } from './pool.js';
import type { AcquireResult, ShedReason } from './types.js';

/** Queue-side decisions of one pool: resolving waiters, shedding, and the dispatch gate. */
export function settleWaiter(pool: PoolRuntime, w: Waiter, result: AcquireResult, served = false): void {
  remove(pool.queue, w.item, served);
  pool.waiters.delete(w.item.id);
  if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
  w.resolve(result);
}

export function shed(
  pool: PoolRuntime,
  w: Waiter,
  reason: ShedReason,
  retryAfterMs: number,
  message: string,
): void {
  settleWaiter(pool, w, { ok: false, reason, retryAfterMs: Math.max(0, Math.ceil(retryAfterMs)), message });
}

/**
 * The work queued at the item's priority or above (without the item itself when it is queued),
 * with the tokens shrunk by the pool's usage ratio once refunds are known to come back.
 */
export function aheadOf(pool: PoolRuntime, item: QueueItem, queued: boolean): Cost {
  const ahead = queuedAhead(pool.queue, item.priority);
  const tokens = (queued ? ahead.tokens - item.tokens : ahead.tokens) * (pool.refunds ? pool.usageRatio : 1);
  return { requests: queued ? ahead.count - 1 : ahead.count, tokens };
}

/** When a queued item could still start, from now, on the engine's own mirror of the buckets. */
export function startEstimate(
  pool: PoolRuntime,
  item: QueueItem,
  now: number,
  queued: boolean,
  reservedShare: number,
  knobs: ShareKnobs,
): number {
  return estimateStartMs(
    aheadOf(pool, item, queued),
    { requests: 1, tokens: item.tokens },
    levelsAt(pool, now),
    pool.policies,
    reserveShareOf(pool, item, reservedShare, knobs),
    now,
    pausedUntilOf(pool),
  );
}

/** Sheds queued items whose deadline is (strictly, or also exactly) past. */
export function shedExpired(
  pool: PoolRuntime,
  now: number,
  inclusive: boolean,
  reservedShare: number,
  knobs: ShareKnobs,
): number {
  let n = 0;
  for (
    let it = earliestDeadline(pool.queue);
    it && (it.deadline < now || (inclusive && it.deadline === now));
    it = earliestDeadline(pool.queue)
  ) {
    const w = pool.waiters.get(it.id);
    if (!w) {
      remove(pool.queue, it);
      continue;
    }
    const eta = startEstimate(pool, it, now, true, reservedShare, knobs);
    shed(
      pool,
      w,
      'deadline',
      eta,
      `Request could not start within its ${it.deadline - it.enqueuedAt} ms deadline on pool ${pool.name}.`,
    );
    n++;
  }
  return n;
}

export function shedAll(pool: PoolRuntime, reason: ShedReason, retryAfterMs: number, message: string): void {
  for (const w of [...pool.waiters.values()]) shed(pool, w, reason, retryAfterMs, message);
}

/** 0 when the head may be tried now; else the clock ms to look again (Infinity: on an event). */
export function gate(pool: PoolRuntime, now: number): number {
  const paused = pausedUntilOf(pool);
  if (paused > now) return paused;
  const mode = breakerMode(pool.breaker, now);
  if (mode === 'open') return pool.breaker.openUntil;
  if (mode === 'half_open' && pool.breaker.probeInFlight) return Infinity;
  if (!isKnown(pool) && pool.inFlight > 0) return Infinity;
  return 0;
}
