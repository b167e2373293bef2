import type { PoolLimits, Priority } from '../engine/types.js';

/** One finished request, as the gateway reports it. Tenants by name only: never a key. */
export interface DashboardEvent {
  ts: number;
  tenant: string;
  model: string;
  route: string;
  status: number;
  priority: Priority;
  queueMs: number;
  ttftMs: number | null;
  durationMs: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  upstream429: boolean;
  retries: number;
}

/** A pool as one sample saw it. */
export interface PoolSample {
  pool: string;
  limits: PoolLimits;
  learned: boolean;
  available: { requests: number | null; tokens: number | null };
  paused: boolean;
  pausedUntil: number | null;
  breaker: 'closed' | 'open' | 'half_open';
  queued: Record<Priority, number>;
  inFlight: number;
  /** Tokens (in + out) of requests that finished in this sample's window. */
  tokens: number;
  /** Tokens of the last 60 s of windows: what the pool's tpm limit is compared with. */
  tokensPerMin: number;
}

/** One window (normally one second) of traffic, plus the engine's state at its end. */
export interface DashboardSample extends Totals {
  /** Start of the window (clock ms). */
  t: number;
  ttftP50: number | null;
  ttftP95: number | null;
  durationP50: number | null;
  durationP95: number | null;
  queueP95: Record<Priority, number | null>;
  pools: PoolSample[];
}

export interface TenantRow {
  tenant: string;
  requests: number;
  errors: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  /** p95 duration over the tenant's most recent requests (ms). */
  durationP95: number | null;
  lastSeen: number;
}

export interface Totals {
  requests: number;
  errors: number;
  upstream429: number;
  retries: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}

/** What GET /dashboard/data returns. */
export interface DashboardData {
  now: number;
  startedAt: number;
  sampleMs: number;
  /** How many samples the feed keeps (the charts' time span is keep × sampleMs). */
  keep: number;
  samples: DashboardSample[];
  tenants: TenantRow[];
  totals: Totals;
}
