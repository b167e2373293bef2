import { forkRng } from '../../core/clock.js';
import type { StrategyName } from '../scenario.js';
import { tenantKey } from '../upstream.js';
import { createBackoffStrategy } from './backoff.js';
import { createNaiveStrategy } from './naive.js';
import { createSdkStrategy } from './sdk.js';
import type { Strategy, StrategyDeps } from './types.js';

export type { Strategy, StrategyDeps, SendContext } from './types.js';

/** The client side of each strategy; `pacer` is the SDK pointed at a gateway (the runner starts it). */
export function createStrategy(name: StrategyName, deps: StrategyDeps, seed: number): Strategy {
  switch (name) {
    case 'naive':
      return createNaiveStrategy(deps);
    case 'backoff':
      return createBackoffStrategy(deps, forkRng(seed, 'backoff'));
    case 'sdk':
      return createSdkStrategy(deps);
    case 'pacer':
      return createSdkStrategy(deps, {
        headersFor: (r) => {
          const h: Record<string, string> = {
            authorization: `Bearer ${tenantKey(r.tenant)}`,
            'x-pacer-priority': r.priority,
          };
          if (r.deadlineMs !== undefined) h['x-pacer-deadline-ms'] = String(r.deadlineMs);
          return h;
        },
      });
  }
}
