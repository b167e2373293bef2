import { setTimeout as sleep } from 'node:timers/promises';
import type { Rng } from '../../core/clock.js';
import { createRawClient } from './raw-http.js';
import type { Strategy, StrategyDeps } from './types.js';

/**
 * The OpenAI cookbook's retry: exponential backoff with full jitter (tenacity's
 * wait_random_exponential(min=1, max=60), stop_after_attempt(6)), on 429, 5xx and connection
 * errors. Ignores retry-after, like the cookbook. Delays shrink with the time scale so the
 * comparison holds in a scaled run.
 */
export const BACKOFF = { attempts: 6, baseMs: 1000, capMs: 60_000 } as const;

export function backoffDelayMs(retry: number, rng: Rng, timeScale = 1): number {
  const ceiling = Math.min(BACKOFF.capMs, BACKOFF.baseMs * 2 ** retry) / timeScale;
  return rng.next() * ceiling;
}

export function createBackoffStrategy(deps: StrategyDeps, rng: Rng): Strategy {
  const client = createRawClient(deps);
  return {
    async send(r, ctx) {
      for (let retry = 0; ; retry++) {
        const { retryable, retryAfterMs: _a, ...attempt } = await client.attempt(r, ctx.signal);
        attempt.retries = retry;
        if (attempt.ok || !retryable || retry + 1 >= BACKOFF.attempts || ctx.signal.aborted) return attempt;
        const delay = backoffDelayMs(retry, rng, deps.timeScale);
        // A caller with a deadline gives up rather than answer after it.
        if (r.deadlineMs !== undefined && deps.now() + delay - ctx.arrivalAt > r.deadlineMs) return attempt;
        try {
          await sleep(delay, undefined, { signal: ctx.signal });
        } catch {
          return { ...attempt, errorKind: 'cut' };
        }
      }
    },
    close: () => client.close(),
  };
}
