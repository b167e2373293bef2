/** The usage ledger port: one row per finished request, aggregated for reports and budgets. */

export interface LedgerRecord {
  /** Unix ms when the request finished. */
  ts: number;
  requestId: string;
  tenant: string;
  keyId: string;
  /** The model actually used (after routing), as the upstream reported it. */
  model: string;
  /** e.g. "chat.completions", "responses", "embeddings", "realtime". */
  route: string;
  /** All input tokens, cached included. */
  tokensIn: number;
  cached: number;
  /** All output tokens, reasoning included. */
  tokensOut: number;
  reasoning: number;
  costUsd: number;
  pricingVersion: string;
  queueMs: number;
  /** Null for non-streaming requests or when no token arrived. */
  ttftMs: number | null;
  durationMs: number;
  /** HTTP status returned to the client (499 = client went away). */
  status: number;
  retries: number;
}

export type LedgerGroupBy = 'model' | 'tenant' | 'day';

export interface LedgerQuery {
  tenant?: string;
  /** Inclusive lower bound, Unix ms. */
  since?: number;
  /** Exclusive upper bound, Unix ms. */
  until?: number;
  /** Without it, one row of totals (key "total"). */
  by?: LedgerGroupBy;
}

export interface LedgerRow {
  /** Model, tenant, UTC day (YYYY-MM-DD) or "total". */
  key: string;
  requests: number;
  /** Requests answered with status >= 400. */
  errors: number;
  tokensIn: number;
  cached: number;
  tokensOut: number;
  reasoning: number;
  costUsd: number;
  /** Nearest-rank percentiles of durationMs; null when there are no rows. */
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface LedgerStats {
  /** Records waiting in memory (buffered or being written). */
  pending: number;
  written: number;
  /** Records thrown away because the buffer overflowed while the store was failing. */
  dropped: number;
  writeFailures: number;
}

export interface Ledger {
  readonly kind: 'sqlite' | 'postgres';
  /** Synchronous and cheap: the record joins an in-memory batch written later. */
  record(rec: LedgerRecord): void;
  /** Writes everything recorded so far. */
  flush(): Promise<void>;
  /** Flushes, then releases the store. Nothing recorded before close() is lost. */
  close(): Promise<void>;
  /** Flushes, then aggregates. Rows by model/tenant come most expensive first; days in order. */
  query(q?: LedgerQuery): Promise<LedgerRow[]>;
  /** USD spent by a tenant since a time, including records not yet written. */
  tenantSpend(tenant: string, sinceMs: number): Promise<number>;
  stats(): LedgerStats;
}

export interface LedgerOptions {
  /** Write when this many records are waiting (default 500). */
  batchSize?: number;
  /** Write at least this often while records wait (default 1000 ms). */
  flushIntervalMs?: number;
  /** Records kept in memory while the store fails; the oldest are dropped past it (default 100k). */
  maxPending?: number;
  /** Called when a background write fails (records are kept and retried). */
  onError?: (err: Error) => void;
  /** SQLite only: fail instead of creating a missing database file (for read-only reports). */
  mustExist?: boolean;
}

export const LEDGER_COLUMNS = [
  'ts',
  'request_id',
  'tenant',
  'key_id',
  'model',
  'route',
  'tokens_in',
  'cached',
  'tokens_out',
  'reasoning',
  'cost_usd',
  'pricing_version',
  'queue_ms',
  'ttft_ms',
  'duration_ms',
  'status',
  'retries',
] as const;

/** Column values in LEDGER_COLUMNS order. */
export function toColumnValues(r: LedgerRecord): (string | number | null)[] {
  return [
    r.ts,
    r.requestId,
    r.tenant,
    r.keyId,
    r.model,
    r.route,
    r.tokensIn,
    r.cached,
    r.tokensOut,
    r.reasoning,
    r.costUsd,
    r.pricingVersion,
    r.queueMs,
    r.ttftMs,
    r.durationMs,
    r.status,
    r.retries,
  ];
}

const count = (v: unknown): number =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v) : 0;
const real = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const text = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);

/**
 * Coerces a record into what the NOT NULL columns accept. One NaN or undefined would otherwise
 * fail its whole batch on every retry and poison the ledger.
 */
export function normalizeRecord(r: LedgerRecord): LedgerRecord {
  return {
    ts: Math.floor(real(r.ts)),
    requestId: text(r.requestId),
    tenant: text(r.tenant),
    keyId: text(r.keyId),
    model: text(r.model),
    route: text(r.route),
    tokensIn: count(r.tokensIn),
    cached: count(r.cached),
    tokensOut: count(r.tokensOut),
    reasoning: count(r.reasoning),
    costUsd: real(r.costUsd),
    pricingVersion: text(r.pricingVersion),
    queueMs: real(r.queueMs),
    ttftMs: typeof r.ttftMs === 'number' && Number.isFinite(r.ttftMs) ? r.ttftMs : null,
    durationMs: real(r.durationMs),
    status: Math.round(real(r.status)),
    retries: count(r.retries),
  };
}
