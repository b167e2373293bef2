import { entersReserve, oneClassLower, protectedWaiting } from '../core/queue/dispatch.js';
import { isOverShare, type ShareKnobs } from '../core/queue/fair-share.js';
import { requeue, type QueueItem } from '../core/queue/queue.js';
import { reserveShareOf, type PoolRuntime } from './pool.js';

/**
 * Requests held out of the reserve (batch, and tenants over their share) at the head of a pool's
 * queue: when they step aside for requests that may use it (decisions 005 and 006).
 */

/**
 * A blocked head whose tenant is over its share queues one class lower, so requests of tenants
 * within their share, which may use the reserve it may not, are not stuck behind it.
 */
export function demoteBlocked(pool: PoolRuntime, item: QueueItem, share: ShareKnobs): boolean {
  if (item.priority === 'batch' || !isOverShare(pool.shares, item.tenant, share)) return false;
  const w = pool.waiters.get(item.id);
  if (!w) return false;
  w.item = requeue(pool.queue, item, oneClassLower(item.priority));
  return true;
}

/**
 * A held-out head that could start only by entering the reserve (larger than the part of a bucket
 * above the line) does not, while a protected request waits: it moves one class down as a blocked
 * head does. A batch head needs no check: it is the head only when nothing waits above it.
 */
export function yieldsReserve(
  pool: PoolRuntime,
  item: QueueItem,
  reservedShare: number,
  share: ShareKnobs,
): boolean {
  const reserve = reserveShareOf(pool, item, reservedShare, share);
  if (!entersReserve({ requests: 1, tokens: item.tokens }, pool.policies, reserve)) return false;
  const heldOut = (tenant: string): boolean => isOverShare(pool.shares, tenant, share);
  if (!protectedWaiting(pool.queue, item.tenant, heldOut)) return false;
  return demoteBlocked(pool, item, share);
}
