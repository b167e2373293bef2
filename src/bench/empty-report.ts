import { summarize } from './percentiles.js';
import type { StrategyReport } from './report-schema.js';

/** A strategy report with nothing in it: a skipped strategy, or the base of a test's fixture. */
export function emptyReport(name: string, skipped: string | null): StrategyReport {
  const empty = summarize([]);
  return {
    name,
    upstream: '',
    gateway: null,
    skipped,
    wall_s: 0,
    summary: {
      requests: 0,
      ok: 0,
      errors: 0,
      error_rate: null,
      errors_by_kind: {},
      outcomes: { ok: 0, shed: 0, upstream_429: 0, other_error: 0, unfinished: 0 },
      client_visible_errors: 0,
      client_visible_error_rate: null,
      shed_attempts: 0,
      goodput_pct: null,
      goodput_tokens_per_min: null,
      quota_used_pct: 0,
      upstream_charged_pct: null,
      upstream: null,
      client_429: 0,
      retries: 0,
      ttft_ms: empty,
      e2e_ms: empty,
      queue_ms: null,
      usage_tokens: { input: 0, output: 0 },
      cost_usd: 0,
      fairness_jain: null,
    },
    tenants: [],
    series: {
      t: [],
      sent: [],
      ok: [],
      errors: [],
      client_429: [],
      client_shed: [],
      goodput_tpm: [],
      upstream_accepted: [],
      upstream_429: [],
      upstream_tpm: [],
    },
    cdf: { e2e_ms: [], ttft_ms: [] },
  };
}
