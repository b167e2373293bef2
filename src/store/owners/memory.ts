import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../platform/system.js';
import type { OwnerRecord, OwnerStore } from './types.js';

/** Owners in a Map: for tests and a single process that need not survive a restart. */
export function createMemoryOwnerStore(clock: Clock = systemClock): OwnerStore {
  const records = new Map<string, { record: OwnerRecord; expiresAt: number }>();
  const live = (id: string): OwnerRecord | undefined => {
    const e = records.get(id);
    if (!e) return undefined;
    if (e.expiresAt <= clock.now()) {
      records.delete(id);
      return undefined;
    }
    return e.record;
  };
  return {
    kind: 'memory',
    async claim(id, record, ttlMs) {
      const current = live(id);
      if (current) return current.tenant;
      records.set(id, { record, expiresAt: ttlMs === undefined ? Infinity : clock.now() + ttlMs });
      return record.tenant;
    },
    get: async (id) => live(id),
    getMany: async (ids) => ids.map(live),
    async release(id) {
      records.delete(id);
    },
    async close() {
      records.clear();
    },
  };
}
