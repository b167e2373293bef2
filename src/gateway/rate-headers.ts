/** The `x-ratelimit-*` view of one pool, from the engine's snapshot (used when the upstream sent none). */
import { formatDuration } from '../core/openai/duration.js';
import type { PacingEngine } from '../engine/types.js';

export function poolRateHeaders(engine: PacingEngine, pool: string): Record<string, string> {
  const snap = engine.snapshot().find((p) => p.pool === pool);
  if (!snap) return {};
  const out: Record<string, string> = {};
  add('requests', snap.limits.rpm, snap.available.requests);
  add('tokens', snap.limits.tpm, snap.available.tokens);
  return out;

  function add(kind: 'requests' | 'tokens', limit: number | undefined, available: number | null): void {
    if (limit === undefined || available === null) return;
    const remaining = Math.max(0, Math.floor(Math.min(limit, available)));
    out[`x-ratelimit-limit-${kind}`] = String(limit);
    out[`x-ratelimit-remaining-${kind}`] = String(remaining);
    out[`x-ratelimit-reset-${kind}`] = formatDuration(((limit - remaining) * 60_000) / limit);
  }
}
