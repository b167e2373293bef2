import type { Attempt } from '../outcome.js';
import type { PlannedRequest } from '../workload.js';

export interface SendContext {
  /** Aborts the request when the run is cut at the end of the drain. */
  signal: AbortSignal;
  /** Wall-clock ms of the request's planned arrival. */
  arrivalAt: number;
}

/** One way of calling the API (by hand, with the SDK, through Pacer). */
export interface Strategy {
  send(r: PlannedRequest, ctx: SendContext): Promise<Attempt>;
  close(): Promise<void>;
}

/** What an answer told the client beyond its status. */
export interface AttemptHints {
  /** x-pacer-error-code: the gateway answered itself (a deadline shed, a budget, a breaker). */
  pacerErrorCode: string | null;
  /** The wait the answer asked for (retry-after-ms, else retry-after), when the client honours it. */
  retryAfterMs: number | null;
}

export interface StrategyDeps {
  baseUrl: string;
  apiKey: string;
  timeScale: number;
  now(): number;
  /**
   * Called for every HTTP attempt with its status (null: no response), for the client-side series,
   * and what the answer said (the runner's drain waits for retries it told the client to make).
   */
  onAttempt(status: number | null, at: number, hints?: AttemptHints): void;
}
