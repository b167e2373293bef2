import { parseDuration } from '../openai/duration.js';

type Headers = Record<string, string | undefined>;

/** The upstream's view of its buckets, from the x-ratelimit-* response headers. */
export interface RateHeaders {
  limitRequests?: number;
  limitTokens?: number;
  remainingRequests?: number;
  remainingTokens?: number;
  resetRequestsMs?: number;
  resetTokensMs?: number;
}

function int(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  const n = Number(t);
  return t !== '' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

function dur(v: string | undefined): number | undefined {
  return v === undefined ? undefined : parseDuration(v);
}

export function readRateHeaders(h: Headers): RateHeaders {
  const out: RateHeaders = {};
  const limitRequests = int(h['x-ratelimit-limit-requests']);
  if (limitRequests !== undefined) out.limitRequests = limitRequests;
  const limitTokens = int(h['x-ratelimit-limit-tokens']);
  if (limitTokens !== undefined) out.limitTokens = limitTokens;
  const remainingRequests = int(h['x-ratelimit-remaining-requests']);
  if (remainingRequests !== undefined) out.remainingRequests = remainingRequests;
  const remainingTokens = int(h['x-ratelimit-remaining-tokens']);
  if (remainingTokens !== undefined) out.remainingTokens = remainingTokens;
  const resetRequestsMs = dur(h['x-ratelimit-reset-requests']);
  if (resetRequestsMs !== undefined) out.resetRequestsMs = resetRequestsMs;
  const resetTokensMs = dur(h['x-ratelimit-reset-tokens']);
  if (resetTokensMs !== undefined) out.resetTokensMs = resetTokensMs;
  return out;
}

/**
 * The server's requested delay, in the order the SDKs read it: retry-after-ms, then retry-after
 * as seconds, then as an HTTP date (relative to `now`, epoch ms). Undefined when absent or invalid.
 */
export function readRetryAfterMs(h: Headers, now: number): number | undefined {
  const ms = h['retry-after-ms'];
  if (ms !== undefined && ms.trim() !== '') {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return n;
  }
  const ra = h['retry-after'];
  if (ra === undefined || ra.trim() === '') return undefined;
  const secs = Number(ra);
  if (Number.isFinite(secs)) return secs >= 0 ? secs * 1000 : undefined;
  const date = Date.parse(ra);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** Whether the upstream forbids (false) or forces (true) a retry; undefined when silent. */
export function readShouldRetry(h: Headers): boolean | undefined {
  const v = h['x-should-retry'];
  return v === 'true' ? true : v === 'false' ? false : undefined;
}
