/**
 * Sparse tenants first (as FQ-CoDel favours sparse flows): a tenant that already has `threshold`
 * requests waiting for the same pool is backlogged, and its further `default` requests queue as
 * `batch`. Tenants under their share then go ahead of the backlog and may use the bucket share
 * batch cannot touch, so their wait stays what it is without the noisy tenant; the backlogged
 * tenant still gets every token nobody else uses (the queue is work-conserving), and backlogged
 * tenants share among themselves by weight.
 */
import type { Priority } from '../../engine/types.js';

export interface Backlog {
  /** The priority to queue with; call leave() with the same pool and tenant once acquire resolved. */
  enter(pool: string, tenant: string, priority: Priority): Priority;
  leave(pool: string, tenant: string): void;
}

export function createBacklog(threshold: number): Backlog {
  const waiting = new Map<string, number>();
  const keyOf = (pool: string, tenant: string) => `${pool}\u0000${tenant}`;
  return {
    enter(pool, tenant, priority) {
      const key = keyOf(pool, tenant);
      const n = waiting.get(key) ?? 0;
      waiting.set(key, n + 1);
      return threshold > 0 && priority === 'default' && n >= threshold ? 'batch' : priority;
    },
    leave(pool, tenant) {
      const key = keyOf(pool, tenant);
      // Kept at 0 rather than deleted: a busy tenant would otherwise re-insert its key per request
      // (the map is bounded by configured tenants x pools).
      waiting.set(key, Math.max(0, (waiting.get(key) ?? 1) - 1));
    },
  };
}
