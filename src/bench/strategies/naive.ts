import { createRawClient } from './raw-http.js';
import type { Strategy, StrategyDeps } from './types.js';

/** Fire once, fail on any error: what most first integrations do. */
export function createNaiveStrategy(deps: StrategyDeps): Strategy {
  const client = createRawClient(deps);
  return {
    async send(r, ctx) {
      const { retryable: _r, retryAfterMs: _a, ...attempt } = await client.attempt(r, ctx.signal);
      return attempt;
    },
    close: () => client.close(),
  };
}
