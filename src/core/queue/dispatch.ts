import type { DimensionPolicy } from '../limiter/policy.js';
import type { Cost } from '../limiter/take-all.js';
import type { Priority } from './queue.js';

/**
 * Batch, and a tenant over its fair share, may not dip into the share of each bucket kept for
 * interactive traffic and for tenants within their share.
 */
export function reserveShareFor(
  priority: Priority,
  reservedInteractiveShare: number,
  overShare = false,
): number {
  return priority === 'batch' || overShare ? reservedInteractiveShare : 0;
}

/**
 * A tenant over its fair share queues one class lower (interactive as default, default as batch),
 * so requests of tenants within their share go ahead of it instead of waiting behind a head that
 * may not touch the reserve.
 */
export function oneClassLower(priority: Priority): Priority {
  return priority === 'interactive' ? 'default' : 'batch';
}

/**
 * When (ms from now) a new item could start if everything queued ahead of it goes first: each
 * bucket must refill the work ahead plus the item's own cost (capped at the burst: the debt
 * rule). Exact for an empty queue, an estimate otherwise (later arrivals of a higher priority can
 * still overtake, and the caller sheds again at the deadline if they do).
 */
export function estimateStartMs(
  ahead: Cost,
  cost: Cost,
  levels: readonly number[],
  policies: readonly DimensionPolicy[],
  reserveShare: number,
  now: number,
  pausedUntil: number,
): number {
  let wait = pausedUntil > now ? pausedUntil - now : 0;
  for (let i = 0; i < policies.length; i++) {
    const { unit, policy } = policies[i]!;
    const capacity = policy.capacity * (1 - reserveShare);
    const own = unit === 'requests' ? cost.requests : cost.tokens;
    const before = unit === 'requests' ? ahead.requests : ahead.tokens;
    const need = before + Math.min(own, capacity);
    const avail = (levels[i] ?? policy.capacity) - policy.capacity * reserveShare;
    if (need <= avail) continue;
    const w = policy.rate > 0 ? (need - avail) / policy.rate : Infinity;
    if (w > wait) wait = w;
  }
  return wait;
}
