import type { SimulatorOptions } from './types.js';

/** Simulator-only knobs beyond the shared SimulatorOptions contract. */
export interface SimulatorExtraOptions {
  /** Require exactly this bearer key (default: any non-empty key). */
  apiKey?: string;
  /** Total tokens (input + output) before every request gets `insufficient_quota`. */
  quotaTokens?: number;
  /** How long a stalled response holds the socket before destroying it, simulated ms (default 15000). */
  stallMs?: number;
  /** Median output length in tokens when the request sets no cap (default 60). */
  medianOutputTokens?: number;
}

export type SimOptions = SimulatorOptions & SimulatorExtraOptions;

/** Every option with its default filled in; limits stay optional (undefined = each pool's Tier-1). */
export interface ResolvedSimOptions {
  port: number;
  host: string;
  rpm: number | undefined;
  tpm: number | undefined;
  rpd: number | undefined;
  tpd: number | undefined;
  mintRpm: number;
  ttftMs: number;
  tokensPerS: number;
  fault429: number;
  fault5xx: number;
  faultStall: number;
  faultReset: number;
  timeScale: number;
  seed: number;
  retryAfterMs: boolean;
  settleUsage: boolean;
  batchDelayMs: number;
  apiKey: string | undefined;
  quotaTokens: number | undefined;
  stallMs: number;
  medianOutputTokens: number;
}

export function resolveOptions(o: SimOptions = {}): ResolvedSimOptions {
  const timeScale = o.timeScale ?? 1;
  if (!(timeScale > 0)) throw new RangeError(`timeScale must be > 0, got ${timeScale}`);
  for (const [name, v] of Object.entries({
    fault429: o.fault429,
    fault5xx: o.fault5xx,
    faultStall: o.faultStall,
    faultReset: o.faultReset,
  })) {
    if (v !== undefined && !(v >= 0 && v <= 1))
      throw new RangeError(`${name} must be a rate in [0, 1], got ${v}`);
  }
  return {
    port: o.port ?? 4010,
    host: o.host ?? '127.0.0.1',
    rpm: o.rpm,
    tpm: o.tpm,
    rpd: o.rpd,
    tpd: o.tpd,
    mintRpm: o.mintRpm ?? 200,
    ttftMs: o.ttftMs ?? 150,
    tokensPerS: o.tokensPerS ?? 100,
    fault429: o.fault429 ?? 0,
    fault5xx: o.fault5xx ?? 0,
    faultStall: o.faultStall ?? 0,
    faultReset: o.faultReset ?? 0,
    timeScale,
    seed: o.seed ?? 42,
    retryAfterMs: o.retryAfterMs ?? false,
    settleUsage: o.settleUsage ?? false,
    batchDelayMs: o.batchDelayMs ?? 2000,
    apiKey: o.apiKey,
    quotaTokens: o.quotaTokens,
    stallMs: o.stallMs ?? 15_000,
    medianOutputTokens: o.medianOutputTokens ?? 60,
  };
}
