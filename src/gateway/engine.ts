/** Builds the pacing engine from the gateway config. */
import type { Clock, Rng } from '../core/clock.js';
import type { EngineOptions, PacingEngine } from '../engine/types.js';
import type { GatewayConfig } from './config.js';
import { createEngine } from '../engine/index.js';

export function engineOptionsOf(config: GatewayConfig): EngineOptions {
  const pools: NonNullable<EngineOptions['pools']> = {};
  for (const [name, p] of Object.entries(config.pools)) {
    pools[name] = { models: [...p.models], ...defined({ rpm: p.rpm, tpm: p.tpm, rpd: p.rpd, tpd: p.tpd }) };
  }
  return {
    pools,
    headroom: config.headroom,
    burstSeconds: config.burst_seconds,
    reservedInteractiveShare: config.reserved_interactive_share,
    defaultDeadlineMs: config.default_deadline_ms,
    timeScale: config.time_scale,
    retry: {
      maxAttempts: config.retry.max_attempts,
      baseMs: config.retry.base_ms,
      capMs: config.retry.cap_ms,
      budgetRatio: config.retry.budget_ratio,
    },
  };
}

function defined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

export function createPacingEngine(config: GatewayConfig, deps: { clock: Clock; rng: Rng }): PacingEngine {
  return createEngineFrom(engineOptionsOf(config), deps);
}

/** The one place the engine implementation is chosen (the gateway and the in-process library). */
export function createEngineFrom(options: EngineOptions, deps: { clock: Clock; rng: Rng }): PacingEngine {
  return createEngine(options, deps);
}
