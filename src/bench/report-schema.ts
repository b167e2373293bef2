import { z } from 'zod';

const num = z.number();
const maybe = num.nullable();

export const summarySchema = z.object({
  count: z.number().int().min(0),
  mean: maybe,
  p50: maybe,
  p95: maybe,
  p99: maybe,
  max: maybe,
});

const seriesSchema = z.object({
  /** Wall-clock second of the run (0 = load start). */
  t: z.array(num),
  sent: z.array(num),
  ok: z.array(num),
  errors: z.array(num),
  /** 429 responses the client itself received (retried ones included). */
  client_429: z.array(num),
  /** Admission charge of requests that succeeded, as tokens per simulated minute. */
  goodput_tpm: z.array(num),
  upstream_accepted: z.array(num),
  upstream_429: z.array(num),
  /** What the upstream deducted from its token budget, as tokens per simulated minute. */
  upstream_tpm: z.array(num),
});

const tenantSchema = z.object({
  name: z.string(),
  priority: z.string(),
  weight: num,
  requests: z.number().int(),
  ok: z.number().int(),
  success_rate: maybe,
  goodput_tokens: num,
  e2e_ms: summarySchema,
  ttft_ms: summarySchema,
  /** x-pacer-queue-ms of the tenant's successful requests (pacer only). */
  queue_ms: summarySchema.nullable().optional(),
});

export const strategyReportSchema = z.object({
  name: z.string(),
  /** Upstream the traffic went to, and the gateway URL when the strategy is `pacer`. */
  upstream: z.string(),
  gateway: z.string().nullable(),
  /** Set when the strategy could not run (e.g. the gateway is not available in this build). */
  skipped: z.string().nullable(),
  wall_s: num,
  summary: z.object({
    requests: z.number().int(),
    ok: z.number().int(),
    errors: z.number().int(),
    error_rate: maybe,
    errors_by_kind: z.record(z.string(), z.number().int()),
    /** Steady-state goodput as % of the token ceiling (TPM). */
    goodput_pct: maybe,
    goodput_tokens_per_min: maybe,
    /** Successful tokens of the whole run / (one full bucket + TPM x simulated minutes run): immune to warm-up choices. */
    quota_used_pct: num,
    /** Steady-state tokens the upstream charged, % of the ceiling (includes requests that later failed). */
    upstream_charged_pct: maybe,
    upstream: z
      .object({
        requests: z.number().int(),
        accepted: z.number().int(),
        rejected_429: z.number().int(),
        errors_5xx: z.number().int(),
        rate_429: maybe,
        tokens_charged: num,
      })
      .nullable(),
    client_429: z.number().int(),
    retries: z.number().int(),
    ttft_ms: summarySchema,
    e2e_ms: summarySchema,
    queue_ms: summarySchema.nullable(),
    usage_tokens: z.object({ input: num, output: num }),
    cost_usd: num,
    fairness_jain: maybe,
  }),
  tenants: z.array(tenantSchema),
  series: seriesSchema,
  cdf: z.object({ e2e_ms: z.array(z.tuple([num, num])), ttft_ms: z.array(z.tuple([num, num])) }),
});

/** One figure of a tenant, loaded (noisy tenants present) against the paired baseline run. */
const pairedSchema = z.object({
  loaded: maybe,
  baseline: maybe,
  /** loaded / baseline (null when either is missing or the baseline is 0). */
  ratio: maybe,
  /** The goal checked on the data; null when it does not apply or data is missing. */
  goal_met: z.boolean().nullable(),
});

export const fairnessSchema = z.object({
  strategy: z.string(),
  /** Tenants removed in the baseline run (the noisy ones). */
  without: z.array(z.string()),
  goals: z.object({
    /** Queue wait: loaded p95 <= max(ratio x baseline, baseline + floor_ms) (the header has 1 ms resolution). */
    queue_p95_max_ratio: num,
    queue_floor_ms: num,
    /** TTFT of interactive tenants: loaded p95 <= (1 + this) x baseline. */
    ttft_p95_max_increase: num,
  }),
  tenants: z.array(
    z.object({
      name: z.string(),
      priority: z.string(),
      requests: z.number().int(),
      queue_p95_ms: pairedSchema,
      ttft_p95_ms: pairedSchema,
    }),
  ),
  /** The removed tenants' successful tokens over what the others left of the run's ceiling. */
  noisy: z.object({
    goodput_tokens: num,
    others_goodput_tokens: num,
    /** One full bucket + TPM x simulated minutes of the loaded run (the quota-used denominator). */
    ceiling_tokens: num,
    share_of_leftover: maybe,
  }),
});

export const reportSchema = z.object({
  version: z.literal(1),
  created_at: z.string(),
  scenario: z.object({
    name: z.string(),
    file: z.string(),
    description: z.string(),
    model: z.string(),
    seed: z.number().int(),
    duration_s: num,
    warmup_s: num,
    drain_s: num,
    time_scale: num,
    demand: maybe,
    rate_per_s: num,
    planned_requests: z.number().int(),
    tpm: num,
    rpm: num,
    /** Seconds of the run used for steady-state figures: [from, to). */
    steady_window_s: z.tuple([num, num]),
  }),
  strategies: z.array(strategyReportSchema),
  /** Paired baseline (scenario `baseline:`): pacer again on the same plan without some tenants. */
  baseline: z
    .object({
      without: z.array(z.string()),
      requests: z.number().int(),
      run: strategyReportSchema,
      /** Null when the loaded pacer run or the baseline run did not run. */
      fairness: fairnessSchema.nullable(),
    })
    .optional(),
});

export type Report = z.infer<typeof reportSchema>;
export type StrategyReport = z.infer<typeof strategyReportSchema>;
export type SummaryReport = z.infer<typeof summarySchema>;
export type FairnessReport = z.infer<typeof fairnessSchema>;
