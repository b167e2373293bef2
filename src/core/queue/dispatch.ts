import type { DimensionPolicy } from '../limiter/policy.js';
import { waitAfter } from '../limiter/start-wait.js';
import type { Cost } from '../limiter/take-all.js';
import { waitingTenants, type AdmissionQueue, type Priority } from './queue.js';

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
 * True when a request held out of the reserve (`reserveShare` > 0) could start only by entering
 * it: its cost is above the part of some bucket over the reserve line, so even a full bucket is
 * left below the line. Such a request starts only from a full bucket and only while no protected
 * request waits (decision 008).
 */
export function entersReserve(
  cost: Cost,
  policies: readonly DimensionPolicy[],
  reserveShare: number,
): boolean {
  if (reserveShare <= 0) return false;
  return policies.some(({ unit, policy }) => {
    const units = unit === 'requests' ? cost.requests : cost.tokens;
    return units > policy.capacity * (1 - reserveShare);
  });
}

/**
 * A request that may use the reserve is waiting: one queued as interactive or default by a tenant
 * other than `except` that is not held out (`heldOut`: over its share).
 */
export function protectedWaiting(
  q: AdmissionQueue,
  except: string,
  heldOut: (tenant: string) => boolean,
): boolean {
  for (const p of ['interactive', 'default'] as const)
    for (const tenant of waitingTenants(q, p)) if (tenant !== except && !heldOut(tenant)) return true;
  return false;
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
