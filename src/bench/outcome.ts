import type { Priority } from '../engine/types.js';
import type { PlannedRequest, Route } from './workload.js';

/** Why a request failed, as the client saw it. */
export type ErrorKind = 'rate_limited' | 'server_error' | 'client_error' | 'connection' | 'stream' | 'cut';

/** What happened to one planned request. Times are ms from the start of the run. */
export interface Outcome {
  i: number;
  tenant: string;
  priority: Priority;
  route: Route;
  stream: boolean;
  ok: boolean;
  errorKind: ErrorKind | null;
  /** Last HTTP status seen, null when no response arrived. */
  status: number | null;
  /** x-pacer-error-code of the last answer: set only on errors the gateway made itself. */
  pacerErrorCode: string | null;
  endMs: number;
  /** From arrival to the first content delta (streams only). */
  ttftMs: number | null;
  /** From arrival to the last byte (or the failure). */
  e2eMs: number;
  /** x-pacer-queue-ms when the gateway sent it. */
  queueMs: number | null;
  retries: number;
  inputTokens: number;
  outputTokens: number;
  charge: number;
}

/** What a strategy returns; the runner adds timing and identity. */
export interface Attempt {
  ok: boolean;
  errorKind: ErrorKind | null;
  status: number | null;
  pacerErrorCode: string | null;
  firstDeltaAt: number | null;
  queueMs: number | null;
  retries: number;
  inputTokens: number;
  outputTokens: number;
}

/** An attempt with nothing received yet: where strategies start, and what a lost one ends as. */
export function emptyAttempt(errorKind: ErrorKind | null = null): Attempt {
  return {
    ok: false,
    errorKind,
    status: null,
    pacerErrorCode: null,
    firstDeltaAt: null,
    queueMs: null,
    retries: 0,
    inputTokens: 0,
    outputTokens: 0,
  };
}

export function toOutcome(r: PlannedRequest, a: Attempt, runStart: number, endAt: number): Outcome {
  const arrival = runStart + r.atMs;
  return {
    i: r.i,
    tenant: r.tenant,
    priority: r.priority,
    route: r.route,
    stream: r.stream,
    ok: a.ok,
    errorKind: a.errorKind,
    status: a.status,
    pacerErrorCode: a.pacerErrorCode,
    endMs: endAt - runStart,
    ttftMs: a.firstDeltaAt === null ? null : Math.max(0, a.firstDeltaAt - arrival),
    e2eMs: Math.max(0, endAt - arrival),
    queueMs: a.queueMs,
    retries: a.retries,
    inputTokens: a.inputTokens,
    outputTokens: a.outputTokens,
    charge: r.charge,
  };
}

export function kindOfStatus(status: number): ErrorKind {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return 'client_error';
}
