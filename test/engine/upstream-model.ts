import { take, adjust, type BucketPolicy, type BucketState } from '../../src/core/limiter/bucket.js';
import { formatDuration } from '../../src/core/openai/duration.js';

/**
 * A pure model of an OpenAI-like upstream: per dimension a minute bucket (capacity = limit,
 * linear refill over 60 s, as the reset headers describe); requests also limited to
 * ceil(rpm/60) per fixed 1-second slice (as the simulator enforces); tokens also through a
 * sub-minute bucket holding `sliceSeconds` of the rate (a request larger than it passes from a
 * full one).
 * Charged at admission (input estimate + max output), optionally settled to actual usage.
 * Headers as api.openai.com sends them (openai-api.md §1.1, §9): the six x-ratelimit-* with
 * Go-duration resets, and on a 429 `retry-after` in whole seconds (at least 1) with no
 * `retry-after-ms`, so the engine is exercised on what the real API gives it.
 */
export interface UpstreamModel {
  admit(
    now: number,
    tokens: number,
  ): { ok: boolean; headers: Record<string, string>; type?: 'tokens' | 'requests'; slice?: boolean };
  settle(now: number, reserved: number, actual: number): void;
  rejected: number;
  charged: number;
}

export function createUpstreamModel(
  rpm: number,
  tpm: number,
  opts: { sliceSeconds: number; settle: boolean },
): UpstreamModel {
  const minute = (limit: number): BucketPolicy => ({ limit, capacity: limit, rate: limit / 60_000 });
  const slice = (limit: number): BucketPolicy => ({
    limit,
    capacity: (limit * opts.sliceSeconds) / 60,
    rate: limit / 60_000,
  });
  const policies = { rm: minute(rpm), rs: slice(rpm), tm: minute(tpm), ts: slice(tpm) };
  let currentSlice = -1;
  let sliceCount = 0;
  const sliceCap = Math.ceil(rpm / 60);
  const st: Record<keyof typeof policies, BucketState | undefined> = {
    rm: undefined,
    rs: undefined,
    tm: undefined,
    ts: undefined,
  };
  const model: UpstreamModel = {
    rejected: 0,
    charged: 0,
    admit(now, tokens) {
      const r = {
        rm: take(st.rm, now, 1, policies.rm),
        rs: take(st.rs, now, 1, policies.rs),
        tm: take(st.tm, now, tokens, policies.tm),
        ts: take(st.ts, now, tokens, policies.ts),
      };
      const s = Math.floor(now / 1000);
      if (s !== currentSlice) {
        currentSlice = s;
        sliceCount = 0;
      }
      const ok = r.rm.allowed && r.rs.allowed && r.tm.allowed && r.ts.allowed && sliceCount < sliceCap;
      if (ok) sliceCount++;
      // Requests count even when rejected (as the real API does); tokens only when admitted.
      st.rm = r.rm.state;
      st.rs = r.rs.state;
      if (ok) {
        st.tm = r.tm.state;
        st.ts = r.ts.state;
        model.charged += tokens;
      } else model.rejected++;
      const remRequests = Math.max(0, Math.floor(st.rm!.level));
      const remTokens = Math.max(0, Math.floor((st.tm ?? r.tm.state).level));
      const headers = {
        'x-ratelimit-limit-requests': String(rpm),
        'x-ratelimit-remaining-requests': String(remRequests),
        'x-ratelimit-reset-requests': formatDuration(((rpm - remRequests) * 60_000) / rpm),
        'x-ratelimit-limit-tokens': String(tpm),
        'x-ratelimit-remaining-tokens': String(remTokens),
        'x-ratelimit-reset-tokens': formatDuration(((tpm - remTokens) * 60_000) / tpm),
      };
      if (ok) return { ok, headers };
      // The wait until this request would have fitted: the next slice, or the missing refill
      // (a request larger than the slice bucket fits once that bucket is full: its own wait).
      const waits = [r.rm, r.rs, r.tm, r.ts].map((d) =>
        d.allowed || !Number.isFinite(d.waitMs) ? 0 : d.waitMs,
      );
      const waitMs = Math.max(sliceCount >= sliceCap ? (s + 1) * 1000 - now : 0, ...waits);
      return {
        ok,
        headers: { ...headers, 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) },
        type: r.tm.allowed && r.ts.allowed ? 'requests' : 'tokens',
        slice: sliceCount >= sliceCap,
      };
    },
    settle(now, reserved, actual) {
      if (!opts.settle) return;
      st.tm = adjust(st.tm, now, reserved - actual, policies.tm);
      st.ts = adjust(st.ts, now, reserved - actual, policies.ts);
      model.charged -= reserved - actual;
    },
  };
  return model;
}
