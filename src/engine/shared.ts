import type { Clock } from '../core/clock.js';
import type { Limits } from '../core/limiter/policy.js';
import { rebuildPolicies, type PoolRuntime } from './pool.js';
import type { EngineSettings } from './settings.js';

/**
 * Pool state that instances of a fleet share besides the buckets: the pause after an upstream
 * 429 and the limits learned from the headers. The shared QuotaStore (src/store/quota, Redis)
 * satisfies it as is. Times are relative (ms left), so instance clocks never meet.
 */
export interface SharedPoolState {
  pause(pool: string, ms: number): Promise<number>;
  pausedFor(pool: string): Promise<number>;
  setLearned(pool: string, limits: Limits): Promise<void>;
  getLearned(pool: string): Promise<Limits>;
}

/** How long an answer of `pausedFor` is trusted before the gate asks again. */
export const SHARED_PAUSE_TTL_MS = 100;

/** Per-pool cache of the shared pause. */
export interface SharedPauseCache {
  /** Clock ms until which the fleet holds this pool (0: not paused). */
  until: number;
  /** Clock ms of the last answer (-Infinity: never asked). */
  checkedAt: number;
}

export function createSharedPauseCache(): SharedPauseCache {
  return { until: 0, checkedAt: -Infinity };
}

export function isPauseStale(cache: SharedPauseCache, now: number): boolean {
  return now - cache.checkedAt >= SHARED_PAUSE_TTL_MS;
}

/**
 * Merges limits another instance learned into a pool that has not heard from the upstream yet
 * (its own observations win: they are at least as fresh). Returns true when the policies changed.
 */
export function adoptLearned(pool: PoolRuntime, learned: Limits, settings: EngineSettings): boolean {
  if (pool.adapt.seen) return false;
  const next: { rpm?: number; tpm?: number } = { ...pool.adapt.learned };
  let changed = false;
  if (learned.rpm !== undefined && learned.rpm > 0 && next.rpm !== learned.rpm) {
    next.rpm = learned.rpm;
    changed = true;
  }
  if (learned.tpm !== undefined && learned.tpm > 0 && next.tpm !== learned.tpm) {
    next.tpm = learned.tpm;
    changed = true;
  }
  if (!changed) return false;
  pool.adapt = { ...pool.adapt, learned: next, seen: true };
  rebuildPolicies(pool, settings.knobs);
  return true;
}

export interface FleetSyncDeps {
  shared: SharedPoolState;
  clock: Clock;
  settings: EngineSettings;
  pump(pool: PoolRuntime): void;
  isClosed(): boolean;
}

/** The engine's side of fleet mode: reads and writes the shared pause and learned limits. */
export function createFleetSync(deps: FleetSyncDeps) {
  const { shared, clock, settings } = deps;
  return {
    /** Start a new pool from the limits another instance already learned. */
    loadLearned(pool: PoolRuntime): void {
      shared.getLearned(pool.name).then(
        (learned) => {
          if (!deps.isClosed() && adoptLearned(pool, learned, settings)) deps.pump(pool);
        },
        () => undefined,
      );
    },
    /** Reads the fleet's pause (the gate trusts it SHARED_PAUSE_TTL_MS), then pumps again. */
    refreshPause(pool: PoolRuntime): void {
      pool.pumping = true;
      const done = (ms: number): void => {
        const now = clock.now();
        pool.sharedPause = { until: ms > 0 ? now + ms : 0, checkedAt: now };
        pool.pumping = false;
        deps.pump(pool);
      };
      shared.pausedFor(pool.name).then(done, () => done(0));
    },
    /** What this instance learned from an answer (a new pause, new limits), told to the others. */
    share(pool: PoolRuntime, pausedBefore: number, limitsChanged: boolean, now: number): void {
      const until = pool.adapt.pausedUntil;
      if (until > pausedBefore && until > now) {
        pool.sharedPause = { until: Math.max(pool.sharedPause.until, until), checkedAt: now };
        shared.pause(pool.name, until - now).catch(() => undefined);
      }
      if (limitsChanged) shared.setLearned(pool.name, { ...pool.adapt.learned }).catch(() => undefined);
    },
  };
}

export type FleetSync = ReturnType<typeof createFleetSync>;
