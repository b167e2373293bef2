import type { ModelInfo } from '../../core/models.js';
import type { IdGenerator } from '../batches/ids.js';
import type { SecretStore } from './secret-store.js';

export type MintDecision = { ok: true } | { ok: false; retryAfterMs: number; message: string };
export type ResponseAdmission =
  { ok: true } | { ok: false; type: 'requests' | 'tokens'; retryAfterMs: number; message: string };

/** What the realtime routes need from the simulator (its context supplies them). */
export interface RealtimeDeps {
  now(): number;
  ids: IdGenerator;
  seed: number;
  /** 10 makes a minute last 6 s: session max duration and pacing scale with it. */
  timeScale: number;
  /** Median time to first token and stream speed, in simulated ms / tokens per simulated s. */
  ttftMs: number;
  tokensPerS: number;
  /** True for a key the simulator accepts as a server (sk-…) key. */
  isServerKey(key: string): boolean;
  /** --mint-rpm admission for client-secret mints and realtime session creations. */
  admitMint(): MintDecision;
  /** The retry headers of a 429 for a wait of `wallMs` (retry-after, and -ms when enabled). */
  retryHeaders(wallMs: number): Record<string, string>;
  /** Charges one realtime response against the model's pool (input + max output). */
  admitResponse(model: ModelInfo, cost: number): ResponseAdmission;
  /** x-ratelimit-* of the model's pool, read for `rate_limits.updated`. */
  rateLimitHeaders(model: ModelInfo): Record<string, string>;
  /** After a response: settle the charge to actual usage (when the simulator settles). */
  settleResponse(model: ModelInfo, charged: number, actual: number): void;
  countMint(): void;
  countSession(): void;
  /** Token usage of a finished response, for the simulator's stats. */
  countTokens(input: number, output: number): void;
  secrets: SecretStore;
}
