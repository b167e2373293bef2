import { PRIORITIES, type Priority } from '../engine/types.js';
import type { DashboardEvent, DashboardSample, PoolSample, Totals } from './types.js';

/** Counters and latency lists of the window being filled; reused (never reallocated) across windows. */
export interface WindowAcc extends Totals {
  ttft: number[];
  duration: number[];
  queue: Record<Priority, number[]>;
  /** Tokens per pool finished in this window. */
  poolTokens: Map<string, number>;
}

export function emptyTotals(): Totals {
  return { requests: 0, errors: 0, upstream429: 0, retries: 0, tokensIn: 0, tokensOut: 0, costUsd: 0 };
}

export function createWindow(): WindowAcc {
  return {
    ...emptyTotals(),
    ttft: [],
    duration: [],
    queue: { interactive: [], default: [], batch: [] },
    poolTokens: new Map(),
  };
}

/** A request counts as an error when the client did not get a 2xx/3xx (0 = connection lost). */
export function isError(status: number): boolean {
  return status >= 400 || status < 100;
}

/** Counts one finished request into a window's or the run's counters. */
export function countEvent(t: Totals, e: DashboardEvent): void {
  t.requests++;
  if (isError(e.status)) t.errors++;
  if (e.upstream429) t.upstream429++;
  t.retries += e.retries;
  t.tokensIn += e.tokensIn;
  t.tokensOut += e.tokensOut;
  t.costUsd += e.costUsd;
}

export function addEvent(w: WindowAcc, e: DashboardEvent, pool: string): void {
  countEvent(w, e);
  if (e.ttftMs !== null) w.ttft.push(e.ttftMs);
  w.duration.push(e.durationMs);
  w.queue[e.priority]?.push(e.queueMs);
  w.poolTokens.set(pool, (w.poolTokens.get(pool) ?? 0) + e.tokensIn + e.tokensOut);
}

/** Nearest-rank percentile (p in 0..100); sorts `values` in place. null when empty. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * values.length);
  return values[Math.min(values.length, Math.max(1, rank)) - 1] ?? null;
}

/** Turns the window into a sample starting at `t` and empties it for the next one. */
export function closeWindow(w: WindowAcc, t: number, pools: PoolSample[]): DashboardSample {
  const queueP95 = { interactive: null, default: null, batch: null } as Record<Priority, number | null>;
  for (const p of PRIORITIES) queueP95[p] = percentile(w.queue[p], 95);
  const sample: DashboardSample = {
    t,
    requests: w.requests,
    errors: w.errors,
    upstream429: w.upstream429,
    retries: w.retries,
    tokensIn: w.tokensIn,
    tokensOut: w.tokensOut,
    costUsd: round6(w.costUsd),
    ttftP50: percentile(w.ttft, 50),
    ttftP95: percentile(w.ttft, 95),
    durationP50: percentile(w.duration, 50),
    durationP95: percentile(w.duration, 95),
    queueP95,
    pools,
  };
  resetWindow(w);
  return sample;
}

function resetWindow(w: WindowAcc): void {
  Object.assign(w, emptyTotals());
  w.ttft.length = 0;
  w.duration.length = 0;
  for (const p of PRIORITIES) w.queue[p].length = 0;
  w.poolTokens.clear();
}

/** Dollar sums drift in binary floating point; six decimals is below a token's price. */
export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
