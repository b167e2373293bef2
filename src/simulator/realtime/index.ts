import type { SimContext } from '../context.js';
import { createIdGenerator } from '../batches/ids.js';
import { setStandardHeaders } from '../batches/index.js';
import type { RouteGroup } from '../batches/route.js';
import { createCallsRoutes } from './calls-routes.js';
import { createClientSecretsRoutes } from './client-secrets-routes.js';
import type { RealtimeDeps } from './deps.js';
import { createSecretStore } from './secret-store.js';
import { createRealtimeUpgrade, type RealtimeUpgrade } from './ws-upgrade.js';

export type { RealtimeDeps } from './deps.js';

/** Wires the realtime routes to the simulator's context (options, limits, stats). */
export function createRealtimeDeps(ctx: SimContext): RealtimeDeps {
  const o = ctx.options;
  const now = (): number => ctx.clock.now();
  return {
    now,
    ids: createIdGenerator(ctx.rng('realtime-ids')),
    seed: o.seed,
    timeScale: o.timeScale,
    ttftMs: o.ttftMs,
    tokensPerS: o.tokensPerS,
    isServerKey: (key) => !key.startsWith('ek_') && (o.apiKey === undefined || key === o.apiKey),
    admitMint: () => ctx.admitMint(),
    retryHeaders: (wallMs) => ctx.retryAfterHeaders(wallMs),
    admitResponse(model, cost) {
      ctx.stats.add('requests');
      const d = ctx.limits.admit(model, cost);
      if (d.ok) ctx.stats.accepted(cost);
      else ctx.stats.rejected429();
      return d;
    },
    rateLimitHeaders: (model) => ctx.limits.headers(model),
    settleResponse(model, charged, actual) {
      if (!o.settleUsage) return;
      ctx.limits.settle(model, charged - actual);
      ctx.stats.adjustCharged(actual - charged);
    },
    countMint: () => ctx.stats.add('client_secrets_minted'),
    countSession: () => ctx.stats.add('realtime_sessions'),
    countTokens(input, output) {
      ctx.stats.add('tokens_in', input);
      ctx.stats.add('tokens_out', output);
    },
    secrets: createSecretStore(now),
  };
}

/** `/v1/realtime/client_secrets`, `/v1/realtime/sessions`, `/v1/realtime/calls` and the `/v1/realtime` WebSocket. */
export function createRealtimeRoutes(ctx: SimContext): {
  routes: RouteGroup;
  upgrade: RealtimeUpgrade['handle'];
  close(): void;
} {
  const deps = createRealtimeDeps(ctx);
  const secrets = createClientSecretsRoutes(deps);
  const calls = createCallsRoutes(deps);
  const ws = createRealtimeUpgrade(deps);
  return {
    routes: async (req, res, url) => {
      if (!url.pathname.startsWith('/v1/realtime/')) return false;
      setStandardHeaders(ctx, res);
      return (await secrets(req, res, url)) || (await calls(req, res, url));
    },
    upgrade: (req, socket, head, url) => ws.handle(req, socket, head, url),
    close: () => ws.close(),
  };
}
