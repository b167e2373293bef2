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
  /** Of those, Pacer's deadline sheds (x-pacer-error-code PACER_DEADLINE_EXCEEDED). Added later. */
  client_shed: z.array(num).optional(),
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

/** Final outcome of each request (src/bench/classify.ts); they sum to `requests`. */
const outcomesSchema = z.object({
  ok: z.number().int(),
  /** Answered at once by Pacer's deadline 429 and never sent upstream (by design when it cannot fit). */
  shed: z.number().int(),
  /** A 429 from the upstream reached the client. */
  upstream_429: z.number().int(),
  /** 5xx, network, broken stream, other 4xx or gateway refusals. */
  other_error: z.number().int(),
  /** Queued, in flight or waiting to retry when the drain ended. */
  unfinished: z.number().int(),
});

/** One goal checked on the data: null when the run could not measure it. */
const goalSchema = z.object({ value: maybe, target: num, goal_met: z.boolean().nullable() });

export const goalsSchema = z.object({
  /** Steady-state goodput, % of the token ceiling: at least `target`. */
  goodput_pct: goalSchema,
  /** % of upstream attempts answered 429: at most `target`. */
  upstream_429_pct: goalSchema,
  /** Requests ending in an error the client saw while its deadline allowed: at most `target`. */
  client_visible_errors: goalSchema,
  /** All three met (null when one could not be measured and none failed). */
  met: z.boolean().nullable(),
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
    /** Fields below up to `client_visible_error_rate` were added later; older reports lack them. */
    outcomes: outcomesSchema.optional(),
    /** upstream_429 + other_error: errors while the deadline allowed (not sheds, not unfinished). */
    client_visible_errors: z.number().int().optional(),
    client_visible_error_rate: maybe.optional(),
    /** Attempts Pacer answered with its deadline shed (SDK retries of one request included). */
    shed_attempts: z.number().int().optional(),
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
  /** The scenario's goals checked on this strategy's figures (absent when it sets none). */
  goals: goalsSchema.nullable().optional(),
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
    /** The goals the scenario sets (burst: issue #3's for pacer); absent when none. */
    goals: z
      .object({
        goodput_min_pct: num,
        upstream_429_max_pct: num,
        client_visible_errors_max: z.number().int(),
      })
      .optional(),
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
export type GoalsReport = z.infer<typeof goalsSchema>;
