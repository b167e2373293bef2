import { adjust, tighten, type BucketState } from '../core/limiter/bucket.js';
import type { Dimension, DimensionPolicy } from '../core/limiter/policy.js';
import { startWait } from '../core/limiter/start-wait.js';
import { takeAll, type Cost, type TakeAllResult } from '../core/limiter/take-all.js';
import type { QuotaStore } from './store.js';

/** Bucket state in this process: a map per pool, keyed by dimension so policies may change. */
export function createMemoryStore(): QuotaStore {
  const pools = new Map<string, Map<Dimension, BucketState>>();
  const of = (key: string): Map<Dimension, BucketState> => {
    let m = pools.get(key);
    if (!m) pools.set(key, (m = new Map()));
    return m;
  };
  const read = (key: string, policies: readonly DimensionPolicy[]): (BucketState | undefined)[] => {
    const m = of(key);
    return policies.map((p) => m.get(p.dim));
  };
  const write = (key: string, policies: readonly DimensionPolicy[], states: BucketState[]): BucketState[] => {
    const m = of(key);
    for (let i = 0; i < policies.length; i++) m.set(policies[i]!.dim, states[i]!);
    return states;
  };
  return {
    synchronous: true,
    read,
    take(key, now, cost: Cost, policies, reserveShare): TakeAllResult {
      const r = takeAll(read(key, policies), now, cost, policies, reserveShare);
      write(key, policies, r.states);
      return r;
    },
    startWait: (key, now, ahead, cost, policies, reserveShare) =>
      startWait(read(key, policies), now, ahead, cost, policies, reserveShare),
    adjust(key, now, delta: Cost, policies) {
      const states = read(key, policies).map((s, i) => {
        const p = policies[i]!;
        return adjust(s, now, p.unit === 'requests' ? delta.requests : delta.tokens, p.policy);
      });
      return write(key, policies, states);
    },
    tighten(key, now, ceilings, policies) {
      const states = read(key, policies).map((s, i) => {
        const p = policies[i]!;
        // The headers describe the per-minute buckets only.
        const c = p.dim === 'rpm' ? ceilings.requests : p.dim === 'tpm' ? ceilings.tokens : undefined;
        return c === undefined ? (s ?? { level: p.policy.capacity, at: now }) : tighten(s, now, c, p.policy);
      });
      return write(key, policies, states);
    },
  };
}
