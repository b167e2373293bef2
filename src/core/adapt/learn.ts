import { readRateHeaders, readRetryAfterMs } from './headers.js';
import { MINUTE_MS } from '../limiter/policy.js';

/** What the pool has learned from its upstream answers. */
export interface AdaptState {
  /** Per-minute limits announced in x-ratelimit-limit-*. */
  learned: { rpm?: number; tpm?: number };
  /** At least one real answer arrived (limits known, or the upstream announces none). */
  seen: boolean;
  /** Ordering key of the newest observation applied: receivedAt, then sentAt. */
  newestReceivedAt: number;
  newestSentAt: number;
  /** Dispatch is held until this clock ms after a 429. */
  pausedUntil: number;
}

export interface Observation {
  status: number;
  headers: Record<string, string | undefined>;
  sentAt: number;
  receivedAt: number;
  /** The 429 body's error.type / code when known: tokens | requests | insufficient_quota. */
  rateLimitType?: string | undefined;
}

export interface AdaptOutcome {
  state: AdaptState;
  /** The learned limits changed: rebuild the bucket policies. */
  limitsChanged: boolean;
  /**
   * Upper bounds for our buckets, projected to `now`, in requests and tokens as the upstream saw
   * them when it produced the answer. The caller subtracts what it dispatched after `sentAt`
   * (not yet visible upstream) and only ever lowers its levels to them.
   */
  ceilings: { requests?: number; tokens?: number } | null;
}

export function initialAdaptState(): AdaptState {
  return { learned: {}, seen: false, newestReceivedAt: -Infinity, newestSentAt: -Infinity, pausedUntil: 0 };
}

/** Default pause after a 429 that names no delay, in ms of the upstream's (scaled) time. */
const DEFAULT_PAUSE_MS = 1000;

export function applyObservation(
  state: AdaptState,
  obs: Observation,
  now: number,
  timeScale = 1,
): AdaptOutcome {
  const scale = timeScale > 0 ? timeScale : 1;
  const rh = readRateHeaders(obs.headers);
  const answered = obs.status > 0 && obs.status < 500;
  // Called on every answer: the learned limits are copied only when they change.
  const rpm = rh.limitRequests !== undefined && rh.limitRequests > 0 ? rh.limitRequests : state.learned.rpm;
  const tpm = rh.limitTokens !== undefined && rh.limitTokens > 0 ? rh.limitTokens : state.learned.tpm;
  const limitsChanged = rpm !== state.learned.rpm || tpm !== state.learned.tpm;
  let learned = state.learned;
  if (limitsChanged) {
    learned = {};
    if (rpm !== undefined) learned.rpm = rpm;
    if (tpm !== undefined) learned.tpm = tpm;
  }
  const next: AdaptState = {
    learned,
    seen: state.seen || answered || rh.limitTokens !== undefined || rh.limitRequests !== undefined,
    newestReceivedAt: state.newestReceivedAt,
    newestSentAt: state.newestSentAt,
    pausedUntil: state.pausedUntil,
  };

  if (obs.status === 429 && obs.rateLimitType !== 'insufficient_quota') {
    const typed =
      obs.rateLimitType === 'requests'
        ? rh.resetRequestsMs
        : obs.rateLimitType === 'tokens'
          ? rh.resetTokensMs
          : undefined;
    const delay = readRetryAfterMs(obs.headers, obs.receivedAt) ?? typed ?? DEFAULT_PAUSE_MS / scale;
    next.pausedUntil = Math.max(next.pausedUntil, obs.receivedAt + delay);
  }

  // An answer older than one already applied must not overwrite the newer view.
  const newer =
    obs.receivedAt > state.newestReceivedAt ||
    (obs.receivedAt === state.newestReceivedAt && obs.sentAt >= state.newestSentAt);
  if (!newer) return { state: next, limitsChanged, ceilings: null };
  next.newestReceivedAt = obs.receivedAt;
  next.newestSentAt = obs.sentAt;

  const elapsed = Math.max(0, now - obs.receivedAt);
  const ceilings: { requests?: number; tokens?: number } = {};
  if (rh.remainingRequests !== undefined)
    ceilings.requests = project(rh.remainingRequests, rpm, elapsed, scale);
  if (rh.remainingTokens !== undefined) ceilings.tokens = project(rh.remainingTokens, tpm, elapsed, scale);
  if (obs.status === 429 && obs.rateLimitType === 'requests')
    ceilings.requests = Math.min(ceilings.requests ?? 0, 0);
  if (obs.status === 429 && obs.rateLimitType === 'tokens')
    ceilings.tokens = Math.min(ceilings.tokens ?? 0, 0);
  const any = ceilings.requests !== undefined || ceilings.tokens !== undefined;
  return { state: next, limitsChanged, ceilings: any ? ceilings : null };
}

/** Remaining refills linearly over the minute (OpenAI's reset = (limit - remaining) * 60 s / limit). */
function project(remaining: number, limit: number | undefined, elapsedMs: number, scale: number): number {
  if (limit === undefined) return remaining;
  return Math.min(limit, remaining + (elapsedMs * limit * scale) / MINUTE_MS);
}
