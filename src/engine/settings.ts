import { MINUTE_MS, type PacingKnobs } from '../core/limiter/policy.js';
import type { ShareKnobs } from '../core/queue/fair-share.js';
import type { BreakerPolicy } from '../core/retry/breaker.js';
import type { BudgetPolicy } from '../core/retry/budget.js';
import type { RetryPolicy } from '../core/retry/decide.js';
import type { EngineOptions } from './types.js';

/** EngineOptions with every default filled in, resolved once. */
export interface EngineSettings {
  timeScale: number;
  knobs: PacingKnobs;
  reservedShare: number;
  /** How recent use decides who is over their fair share. */
  share: ShareKnobs;
  defaultDeadlineMs: number;
  refundUnused: boolean;
  retry: RetryPolicy;
  budget: BudgetPolicy;
  breaker: BreakerPolicy;
  /** How long dispatches are remembered to discount what the upstream had not yet seen. */
  logKeepMs: number;
}

export function resolveSettings(options: EngineOptions): EngineSettings {
  const timeScale = options.timeScale && options.timeScale > 0 ? options.timeScale : 1;
  return {
    timeScale,
    knobs: { headroom: options.headroom ?? 0.02, burstSeconds: options.burstSeconds ?? 20, timeScale },
    reservedShare: options.reservedInteractiveShare ?? 0.5,
    share: { halfLifeMs: 60_000 / timeScale, slack: 0.25 },
    defaultDeadlineMs: options.defaultDeadlineMs ?? 30_000,
    refundUnused: options.refundUnused ?? true,
    retry: {
      maxAttempts: options.retry?.maxAttempts ?? 3,
      baseMs: options.retry?.baseMs ?? 250,
      capMs: options.retry?.capMs ?? 8000,
      maxServerDelayMs: options.retry?.maxServerDelayMs ?? 20_000,
    },
    budget: { ratio: options.retry?.budgetRatio ?? 0.1, floorPerSec: 0.5, maxCredit: 10 },
    breaker: {
      threshold: options.breaker?.threshold ?? 5,
      cooldownMs: options.breaker?.cooldownMs ?? 10_000 / timeScale,
    },
    logKeepMs: (2 * MINUTE_MS) / timeScale,
  };
}
