/**
 * The `x-ratelimit-*` view of one pool when the upstream sent none (a shed 429, an answer without
 * them), from the engine's own bucket and with the meaning the real headers have
 * (shared/openai-api.md §1.1): `remaining` is what could be sent now, `reset` the time until the
 * bucket is full again. The bucket that paces the pool holds a burst, not a minute, so the
 * minute formula `(limit - remaining) x 60 s / limit` said `1m0s` next to a `retry-after-ms` of
 * 4.6 s: its reset comes from its own refill rate instead. While the pool is paused after an
 * upstream 429 nothing can be sent: remaining 0, reset at least the pause.
 */
import { formatDuration } from '../core/openai/duration.js';
import type { PacingEngine } from '../engine/types.js';

export function poolRateHeaders(engine: PacingEngine, pool: string): Record<string, string> {
  const snap = engine.snapshot().find((p) => p.pool === pool);
  if (!snap) return {};
  const out: Record<string, string> = {};
  const paused = snap.pausedUntil !== null;
  add('requests', snap.limits.rpm, snap.available.requests, snap.fullInMs.requests);
  add('tokens', snap.limits.tpm, snap.available.tokens, snap.fullInMs.tokens);
  return out;

  function add(
    kind: 'requests' | 'tokens',
    limit: number | undefined,
    available: number | null,
    fullInMs: number | null,
  ): void {
    if (limit === undefined || available === null || fullInMs === null) return;
    out[`x-ratelimit-limit-${kind}`] = String(limit);
    out[`x-ratelimit-remaining-${kind}`] = String(paused ? 0 : Math.max(0, Math.min(limit, available)));
    out[`x-ratelimit-reset-${kind}`] = formatDuration(fullInMs);
  }
}
