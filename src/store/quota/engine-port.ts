import type { Clock } from '../../core/clock.js';
import type { BucketState, Cost, DimensionPolicy, TakeAllResult } from '../../core/limiter/index.js';
import type { QuotaStore as EnginePort } from '../../engine/store.js';
import { systemClock } from '../../platform/system.js';
import type { BucketChange, QuotaStore } from './types.js';

/**
 * Plugs a shared QuotaStore (Redis, or the degraded wrapper around it) into the engine's bucket
 * port. The store keeps its own time (Redis TIME); the states handed back are the levels it
 * reports, stamped with the engine's `now`, so the engine's mirror never mixes two clocks.
 */
/** The engine's bucket port (src/engine/store.ts), re-exported under a store-side name. */
export type EngineQuotaPortLike = EnginePort;

export function createEngineQuotaPort(store: QuotaStore, clock: Clock = systemClock): EnginePort {
  const stamp = (levels: number[], now: number): BucketState[] => levels.map((level) => ({ level, at: now }));
  const changes = (
    policies: readonly DimensionPolicy[],
    amountOf: (p: DimensionPolicy) => number,
  ): BucketChange[] => policies.map((p) => ({ dim: p.dim, policy: p.policy, amount: amountOf(p) }));

  return {
    async take(
      key: string,
      now: number,
      cost: Cost,
      policies: readonly DimensionPolicy[],
      reserveShare: number,
    ): Promise<TakeAllResult> {
      const d = await store.takeAll(key, policies, cost, reserveShare);
      return {
        allowed: d.allowed,
        states: stamp(d.levels, now),
        waitMs: d.waitMs,
        tooLarge: d.tooLarge,
        limitedBy: d.limitedBy,
      };
    },
    async startWait(key, now, ahead, cost, policies, reserveShare) {
      const d = await store.startWait(key, policies, ahead, cost, reserveShare);
      return { waitMs: d.waitMs, states: stamp(d.levels, now) };
    },
    async adjust(key, now, delta, policies) {
      return stamp(
        await store.adjust(
          key,
          changes(policies, (p) => (p.unit === 'requests' ? delta.requests : delta.tokens)),
        ),
        now,
      );
    },
    async tighten(key, now, ceilings, policies) {
      // The headers describe the per-minute buckets only; Infinity leaves a bucket as it is.
      const ceilingOf = (p: DimensionPolicy): number =>
        (p.dim === 'rpm' ? ceilings.requests : p.dim === 'tpm' ? ceilings.tokens : undefined) ?? Infinity;
      return stamp(await store.tighten(key, changes(policies, ceilingOf)), now);
    },
    async read(key, policies) {
      return stamp(await store.levels(key, policies), clock.now());
    },
  };
}
