import { parseDuration } from '../../core/openai/duration.js';

export interface RateLimitEntry {
  name: 'requests' | 'tokens';
  limit: number;
  remaining: number;
  reset_seconds: number;
}

/** `rate_limits.updated` entries from the pool's x-ratelimit-* headers (same numbers as HTTP). */
export function readRateLimits(headers: Record<string, string>, _timeScale: number): RateLimitEntry[] {
  return (['requests', 'tokens'] as const).map((name) => ({
    name,
    limit: Number(headers[`x-ratelimit-limit-${name}`] ?? 0),
    remaining: Number(headers[`x-ratelimit-remaining-${name}`] ?? 0),
    reset_seconds: Math.round((parseDuration(headers[`x-ratelimit-reset-${name}`] ?? '0s') ?? 0) / 10) / 100,
  }));
}
