import type { Clock } from '../../core/clock.js';
import {
  adjust,
  levelAt,
  startWait,
  takeAll,
  tighten,
  type BucketState,
  type Dimension,
  type Limits,
  type TakeAllResult,
} from '../../core/limiter/index.js';
import { createMemoryBudgetSteps, type MemoryBudgets } from './budget-memory.js';
import { createQuotaKeys } from './keys.js';
import type { BucketChange, InstanceRegistry, QuotaDecision, QuotaStore } from './types.js';

/** The store's answer to a take, from the pure step's result. */
export function decisionOf(r: TakeAllResult): QuotaDecision {
  return {
    allowed: r.allowed,
    waitMs: r.waitMs,
    limitedBy: r.limitedBy,
    tooLarge: r.tooLarge,
    levels: r.states.map((s) => s.level),
  };
}

export interface MemoryQuotaStoreOptions {
  /** The store's clock: all waits and windows are measured on it. */
  clock: Clock;
}

export interface MemoryQuotaStore extends QuotaStore, InstanceRegistry, MemoryBudgets {
  /** Sets one bucket directly (tests seed states; nothing else should need it). */
  load(pool: string, dim: Dimension, state: BucketState): void;
}

interface Expiring<T> {
  value: T;
  until: number;
}

/**
 * One process's pacing state: the pure step functions of core/limiter over Maps. The reference
 * the Redis Lua scripts are checked against, and the local fallback of the degraded mode.
 */
export function createMemoryQuotaStore(options: MemoryQuotaStoreOptions): MemoryQuotaStore {
  const { clock } = options;
  const keys = createQuotaKeys();
  const buckets = new Map<string, BucketState>();
  const pauses = new Map<string, number>();
  const learned = new Map<string, Limits>();
  const counters = new Map<string, { index: number; used: number }>();
  const records = new Map<string, Expiring<string>>();
  const instances = new Map<string, number>();

  /** Runs one bucket step (adjust or tighten) on each changed bucket; returns the new levels. */
  const applyStep = (pool: string, changes: readonly BucketChange[], step: typeof adjust): number[] => {
    const now = clock.now();
    return changes.map((c) => {
      const id = keys.bucket(pool, c.dim);
      const s = step(buckets.get(id), now, c.amount, c.policy);
      buckets.set(id, s);
      return s.level;
    });
  };

  return {
    ...createMemoryBudgetSteps(clock),
    load(pool, dim, state) {
      buckets.set(keys.bucket(pool, dim), { ...state });
    },
    async takeAll(pool, policies, cost, reserveShare = 0) {
      const now = clock.now();
      const ids = policies.map((p) => keys.bucket(pool, p.dim));
      const r = takeAll(
        ids.map((id) => buckets.get(id)),
        now,
        cost,
        policies,
        reserveShare,
      );
      if (r.allowed) r.states.forEach((s, i) => buckets.set(ids[i]!, s));
      return decisionOf(r);
    },
    async startWait(pool, policies, ahead, cost, reserveShare = 0) {
      const states = policies.map((p) => buckets.get(keys.bucket(pool, p.dim)));
      const r = startWait(states, clock.now(), ahead, cost, policies, reserveShare);
      return { waitMs: r.waitMs, levels: r.states.map((s) => s.level) };
    },
    adjust: async (pool, changes) => applyStep(pool, changes, adjust),
    tighten: async (pool, changes) => applyStep(pool, changes, tighten),
    async levels(pool, policies) {
      const now = clock.now();
      return policies.map((p) => {
        const s = buckets.get(keys.bucket(pool, p.dim));
        return s ? levelAt(s, now, p.policy) : p.policy.capacity;
      });
    },
    async pause(pool, ms) {
      const now = clock.now();
      const until = Math.max(pauses.get(pool) ?? 0, now + Math.ceil(ms));
      pauses.set(pool, until);
      return until - now;
    },
    async pausedFor(pool) {
      const left = (pauses.get(pool) ?? 0) - clock.now();
      return left > 0 ? left : 0;
    },
    async setLearned(pool, limits) {
      learned.set(pool, { ...limits });
    },
    async getLearned(pool) {
      return { ...learned.get(pool) };
    },
    async incrWithin(key, amount, windowMs, limit) {
      const now = clock.now();
      const index = Math.floor(now / windowMs);
      const resetMs = (index + 1) * windowMs - now;
      const c = counters.get(key);
      const used = c && c.index === index ? c.used : 0;
      if (amount > 0 && used + amount > limit) return { allowed: false, used, resetMs };
      counters.set(key, { index, used: used + amount });
      return { allowed: true, used: used + amount, resetMs };
    },
    async setIfAbsent(key, value, ttlMs) {
      const now = clock.now();
      const r = records.get(key);
      if (r && r.until > now) return false;
      if (records.size >= 10_000) for (const [k, old] of records) if (old.until <= now) records.delete(k);
      records.set(key, { value, until: now + ttlMs });
      return true;
    },
    async get(key) {
      const r = records.get(key);
      return r && r.until > clock.now() ? r.value : null;
    },
    async beat(id, ttlMs) {
      const now = clock.now();
      instances.set(id, now + ttlMs);
      for (const [k, until] of instances) if (until <= now) instances.delete(k);
      return instances.size;
    },
    async leave(id) {
      instances.delete(id);
    },
    async close() {
      buckets.clear();
    },
  };
}
