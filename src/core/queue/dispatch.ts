import type { DimensionPolicy } from '../limiter/policy.js';
import { waitAfter } from '../limiter/start-wait.js';
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
 * When (ms from now) a new item could start if everything queued ahead of it goes first: the
 * pause, then waitAfter of the buckets (core/limiter/start-wait.ts).
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
  const paused = pausedUntil > now ? pausedUntil - now : 0;
  return Math.max(paused, waitAfter(levels, ahead, cost, policies, reserveShare));
}
