import type { Clock } from '../../core/clock.js';
import { penalizeStep, reserveStep, type BucketState } from './bucket-step.js';
import type { RealtimeStore } from './types.js';

/** One process's realtime state. Same contract as the Redis store; time from the injected clock. */
export function createMemoryRealtimeStore(clock: Clock): RealtimeStore {
  const buckets = new Map<string, BucketState>();
  const slots = new Map<string, Map<string, number>>();
  const values = new Map<string, { value: string; until: number }>();
  const tickets = new Map<string, Map<string, number>>();

  const liveSlots = (key: string): Map<string, number> => {
    let set = slots.get(key);
    if (!set) {
      set = new Map();
      slots.set(key, set);
    }
    const now = clock.now();
    for (const [m, until] of set) if (until <= now) set.delete(m);
    return set;
  };
  const liveValue = (key: string): string | null => {
    const v = values.get(key);
    if (!v) return null;
    if (v.until <= clock.now()) {
      values.delete(key);
      return null;
    }
    return v.value;
  };

  return {
    async reserve(key, policy, cost, maxWaitMs) {
      const { state, result } = reserveStep(buckets.get(key), clock.now(), policy, cost, maxWaitMs);
      buckets.set(key, state);
      return result;
    },
    async penalize(key, policy, ms) {
      const state = penalizeStep(buckets.get(key), clock.now(), policy, ms);
      buckets.set(key, state);
    },
    async acquireSlot(key, member, cap, ttlMs) {
      const set = liveSlots(key);
      const now = clock.now();
      if (!set.has(member) && set.size >= cap) {
        let earliest = Infinity;
        for (const until of set.values()) earliest = Math.min(earliest, until);
        return { ok: false, count: set.size, retryAfterMs: Math.max(1, Math.ceil(earliest - now)) };
      }
      set.set(member, now + ttlMs);
      return { ok: true, count: set.size, retryAfterMs: 0 };
    },
    async touchSlot(key, member, ttlMs) {
      const set = liveSlots(key);
      if (!set.has(member)) return false;
      set.set(member, clock.now() + ttlMs);
      return true;
    },
    async releaseSlot(key, member) {
      slots.get(key)?.delete(member);
    },
    async countSlots(key) {
      return liveSlots(key).size;
    },
    async bookTicket(key, member, dueInMs, ttlMs) {
      let set = tickets.get(key);
      if (!set) tickets.set(key, (set = new Map()));
      const now = clock.now();
      for (const [m, due] of set) if (due < now - ttlMs) set.delete(m);
      set.set(member, now + Math.max(0, Math.ceil(dueInMs)));
    },
    async claimTicket(key, maxWaitMs, ttlMs) {
      const set = tickets.get(key);
      if (!set) return null;
      const now = clock.now();
      let best: [string, number] | undefined;
      for (const [m, due] of set) {
        if (due < now - ttlMs) set.delete(m);
        else if (!best || due < best[1]) best = [m, due];
      }
      if (!best) return null;
      const waitMs = Math.max(0, Math.ceil(best[1] - now));
      if (waitMs > maxWaitMs) return null;
      set.delete(best[0]);
      return { member: best[0], waitMs };
    },
    async get(key) {
      return liveValue(key);
    },
    async set(key, value, ttlMs) {
      values.set(key, { value, until: clock.now() + ttlMs });
    },
    async lock(key, owner, ttlMs) {
      if (liveValue(key) !== null) return false;
      values.set(key, { value: owner, until: clock.now() + ttlMs });
      return true;
    },
    async unlock(key, owner) {
      if (liveValue(key) === owner) values.delete(key);
    },
    async now() {
      return clock.now();
    },
    async close() {
      buckets.clear();
      slots.clear();
      values.clear();
      tickets.clear();
    },
  };
}
