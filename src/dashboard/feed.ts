import type { Clock } from '../core/clock.js';
import { systemTimers, type Timers } from '../engine/timers.js';
import type { PacingEngine, PoolSnapshot } from '../engine/types.js';
import { systemClock } from '../platform/system.js';
import { createTenantTable } from './tenants.js';
import type { DashboardData, DashboardEvent, DashboardSample, PoolSample, Totals } from './types.js';
import { addEvent, closeWindow, countEvent, createWindow, emptyTotals, round6 } from './window.js';

const MINUTE_MS = 60_000;

export interface DashboardFeedOptions {
  engine: PacingEngine;
  clock?: Clock;
  /** Injected in tests; real timers are unref'd so the feed never keeps the process alive. */
  timers?: Timers;
  /** Length of one sample window (default 1000 ms). */
  sampleMs?: number;
  /** Samples kept in the ring (default 300: five minutes at one a second). */
  keep?: number;
}

export interface DashboardFeed {
  /** Called by the gateway once per finished request. */
  record(event: DashboardEvent): void;
  /** Samples newer than `since` (all kept ones by default), tenant rows and totals. */
  data(since?: number): DashboardData;
  close(): void;
}

/** Samples the engine once per window into a ring buffer and aggregates finished requests. */
export function createDashboardFeed(options: DashboardFeedOptions): DashboardFeed {
  const { engine } = options;
  const clock = options.clock ?? systemClock;
  const timers = options.timers ?? systemTimers;
  const sampleMs = Math.max(1, options.sampleMs ?? 1000);
  const keep = Math.max(1, options.keep ?? 300);
  const startedAt = clock.now();
  const win = createWindow();
  const tenants = createTenantTable();
  const totals: Totals = emptyTotals();
  const ring: DashboardSample[] = [];
  let windowStart = Math.floor(startedAt / sampleMs) * sampleMs;
  let timer: unknown = undefined;
  let closed = false;

  function record(e: DashboardEvent): void {
    if (closed) return;
    addEvent(win, e, engine.poolFor(e.model));
    tenants.add(e);
    countEvent(totals, e);
  }

  /** Closes every window that has ended; windows a late timer skipped become empty samples. */
  function tick(): void {
    timer = undefined;
    if (closed) return;
    const now = clock.now();
    const lag = Math.floor((now - windowStart) / sampleMs);
    // A clock jump past the whole ring: the skipped windows would all be dropped anyway.
    if (lag > keep) windowStart += (lag - keep) * sampleMs;
    let snap: PoolSnapshot[] | undefined;
    while (windowStart + sampleMs <= now) {
      snap ??= engine.snapshot();
      push(closeWindow(win, windowStart, poolSamples(snap, now)));
      windowStart += sampleMs;
    }
    schedule();
  }

  function poolSamples(snap: PoolSnapshot[], now: number): PoolSample[] {
    const recent = recentPoolTokens(windowStart - MINUTE_MS + sampleMs);
    return snap.map((p) => {
      const tokens = win.poolTokens.get(p.pool) ?? 0;
      return {
        pool: p.pool,
        limits: p.limits,
        learned: p.learned,
        available: p.available,
        paused: p.pausedUntil !== null && p.pausedUntil > now,
        pausedUntil: p.pausedUntil,
        breaker: p.breaker,
        queued: p.queued,
        inFlight: p.inFlight,
        tokens,
        tokensPerMin: tokens + (recent.get(p.pool) ?? 0),
      };
    });
  }

  /** Tokens per pool in kept samples starting at or after `from`. */
  function recentPoolTokens(from: number): Map<string, number> {
    const sums = new Map<string, number>();
    for (let i = ring.length - 1; i >= 0; i--) {
      const s = ring[i]!;
      if (s.t < from) break;
      for (const p of s.pools) if (p.tokens > 0) sums.set(p.pool, (sums.get(p.pool) ?? 0) + p.tokens);
    }
    return sums;
  }

  function push(s: DashboardSample): void {
    ring.push(s);
    if (ring.length > keep) ring.splice(0, ring.length - keep);
  }

  function schedule(): void {
    if (closed) return;
    const delay = Math.max(1, windowStart + sampleMs - clock.now());
    timer = timers.setTimeout(tick, delay);
  }

  function data(since?: number): DashboardData {
    const samples = since === undefined ? ring.slice() : ring.filter((s) => s.t > since);
    return {
      now: clock.now(),
      startedAt,
      sampleMs,
      keep,
      samples,
      tenants: tenants.rows(),
      totals: { ...totals, costUsd: round6(totals.costUsd) },
    };
  }

  function close(): void {
    closed = true;
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
  }

  schedule();
  return { record, data, close };
}
