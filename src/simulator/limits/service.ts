import type { Clock } from '../../core/clock.js';
import { formatDuration } from '../../core/openai/duration.js';
import { findModel, poolOf, type ModelInfo } from '../../core/models.js';
import type { ResolvedSimOptions } from '../options.js';
import { createBucket, refill, waitFor, type Bucket } from './bucket.js';
import { PoolLimiter, type Admission } from './pool-limiter.js';

export const SIM_ORG = 'org-pacer-sim';
const DEFAULT_MODEL = 'gpt-4o-mini';

export type MintDecision = { ok: true } | { ok: false; retryAfterMs: number; message: string };

export type QuotaDecision = { ok: true } | { ok: false; message: string };

export interface RateLimitService {
  /** Charges one request of `cost` tokens against the model's pool. */
  admit(model: ModelInfo, cost: number): Admission;
  /** A request rejected as invalid (400) still spends one request of RPM. */
  countFailed(model: ModelInfo): void;
  /** Settlement after completion: delta = charged - actual (positive refunds). */
  settle(model: ModelInfo, delta: number): void;
  /** x-ratelimit-* headers of the model's pool (gpt-4o-mini's when no model is known yet). */
  headers(model?: ModelInfo): Record<string, string>;
  /** Admission for client-secret mints and realtime session creations (--mint-rpm). */
  admitMint(): MintDecision;
  /** Billing quota (--quota-tokens): refused once the total spent reaches it. */
  checkQuota(): QuotaDecision;
  spendQuota(tokens: number): void;
  reset(): void;
}

export const INSUFFICIENT_QUOTA_MESSAGE =
  'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.';

export function createRateLimitService(opts: ResolvedSimOptions, clock: Clock): RateLimitService {
  let pools = new Map<string, PoolLimiter>();
  let mint: Bucket = createBucket(opts.mintRpm, 60_000 / opts.timeScale, clock.now());
  let spent = 0;
  const fallback = findModel(DEFAULT_MODEL)!;

  const poolFor = (model: ModelInfo): PoolLimiter => {
    const name = poolOf(model);
    let p = pools.get(name);
    if (!p) {
      p = new PoolLimiter(
        model.id,
        {
          rpm: opts.rpm ?? model.tier1.rpm,
          tpm: opts.tpm ?? model.tier1.tpm,
          rpd: opts.rpd ?? model.tier1.rpd,
          tpd: opts.tpd,
        },
        opts.timeScale,
        clock.now(),
      );
      pools.set(name, p);
    }
    return p;
  };

  return {
    admit: (model, cost) => poolFor(model).admit(cost, clock.now(), SIM_ORG),
    settle: (model, delta) => poolFor(model).settle(delta, clock.now()),
    countFailed: (model) => poolFor(model).countFailed(clock.now()),
    headers: (model) => poolFor(model ?? fallback).headers(clock.now()),
    admitMint() {
      const now = clock.now();
      refill(mint, now);
      if (mint.level >= 1) {
        mint.level -= 1;
        return { ok: true };
      }
      const wait = Math.max(1, Math.ceil(waitFor(mint, 1)));
      return {
        ok: false,
        retryAfterMs: wait,
        message: `Rate limit reached for realtime client secrets in organization ${SIM_ORG} on requests per min (RPM): Limit ${mint.limit}, Used ${mint.limit}, Requested 1. Please try again in ${formatDuration(wait)}.`,
      };
    },
    checkQuota() {
      if (opts.quotaTokens === undefined || spent < opts.quotaTokens) return { ok: true };
      return { ok: false, message: INSUFFICIENT_QUOTA_MESSAGE };
    },
    spendQuota(tokens) {
      spent += tokens;
    },
    reset() {
      pools = new Map();
      mint = createBucket(opts.mintRpm, 60_000 / opts.timeScale, clock.now());
      spent = 0;
    },
  };
}
