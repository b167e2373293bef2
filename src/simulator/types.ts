/** Options and handle of the OpenAI API simulator (`pacer sim`, and embedded in `pacer serve`). */
export interface SimulatorOptions {
  port?: number;
  host?: string;
  /** Override every pool's limits (otherwise each model's Tier-1 defaults from core/models.ts). */
  rpm?: number;
  tpm?: number;
  rpd?: number;
  tpd?: number;
  /** Client-secret mints and realtime session creations per minute. */
  mintRpm?: number;
  /** Median time to first token, ms (heavy-tailed jitter around it). */
  ttftMs?: number;
  tokensPerS?: number;
  fault429?: number;
  fault5xx?: number;
  faultStall?: number;
  faultReset?: number;
  /** 10 makes a "minute" last 6 s (windows, resets and latencies scale with it). */
  timeScale?: number;
  seed?: number;
  /**
   * Send retry-after-ms on 429s as well as retry-after (default false: api.openai.com sends only
   * retry-after, openai-api.md §9; Azure OpenAI sends both).
   */
  retryAfterMs?: boolean;
  /** After a request completes, settle the token charge to actual usage (default false). */
  settleUsage?: boolean;
  /** How long a batch takes to complete, ms (default 2000). */
  batchDelayMs?: number;
}

export interface SimStats {
  requests: number;
  accepted: number;
  rejected_429: number;
  errors_5xx: number;
  tokens_in: number;
  tokens_out: number;
  tokens_charged: number;
  client_secrets_minted: number;
  realtime_sessions: number;
  timeline: { t: number; accepted: number; rejected_429: number; tokens_charged: number }[];
}

export interface RunningSimulator {
  /** Base URL including /v1, e.g. http://127.0.0.1:4010/v1 */
  url: string;
  port: number;
  stats(): SimStats;
  close(): Promise<void>;
}
