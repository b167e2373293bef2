/**
 * POST /v1/realtime/client_secrets, POST /v1/realtime/calls and the GET /v1/realtime WebSocket:
 * the Realtime broker (src/realtime) mounted on the gateway, authenticated by virtual key, with
 * its counters exported as the SPEC's realtime metrics.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createRealtimeBroker, createRealtimeHandlers, type RealtimeHandlers } from '../../realtime/index.js';
import type { RealtimeBroker } from '../../realtime/index.js';
import type { UsageReport } from '../../realtime/types.js';
import { createMemoryRealtimeStore, createRedisRealtimeStore } from '../../store/realtime/index.js';
import type { GatewayContext } from '../context.js';

export interface RealtimeMount {
  broker: RealtimeBroker;
  handlers: RealtimeHandlers;
  close(): Promise<void>;
}

export interface RealtimeMountOptions {
  upstream: { baseUrl: string; apiKey: string | undefined };
  onUsage?: (report: UsageReport) => void;
}

/** The simulator accepts any key; the real API needs OPENAI_API_KEY (a request then fails upstream with 401). */
const DEMO_UPSTREAM_KEY = 'sk-pacer-demo-upstream';

export function mountRealtime(ctx: GatewayContext, opts: RealtimeMountOptions): RealtimeMount {
  const store = ctx.config.redis_url
    ? createRedisRealtimeStore({ redis: ctx.config.redis_url })
    : createMemoryRealtimeStore(ctx.clock);
  const scale = ctx.config.time_scale;
  const broker = createRealtimeBroker({
    store,
    upstream: { baseUrl: opts.upstream.baseUrl, apiKey: opts.upstream.apiKey ?? DEMO_UPSTREAM_KEY },
    clock: ctx.clock,
    // The realtime pool's Tier-1 rate; a time-scaled upstream grants it `scale` times faster.
    limits: { upstreamRpm: 200 * scale, sessionMaxMs: 3_600_000 / scale, sessionWarningMs: 60_000 / scale },
    onUsage: (report) => {
      const u = report.usage as { input_tokens?: number; output_tokens?: number; input_token_details?: { cached_tokens?: number } };
      const cached = u.input_token_details?.cached_tokens ?? 0;
      ctx.metrics.tokens.inc({ model: report.model, tenant: report.tenant, kind: 'input' }, Math.max(0, (u.input_tokens ?? 0) - cached));
      ctx.metrics.tokens.inc({ model: report.model, tenant: report.tenant, kind: 'cached' }, cached);
      ctx.metrics.tokens.inc({ model: report.model, tenant: report.tenant, kind: 'output' }, u.output_tokens ?? 0);
      opts.onUsage?.(report);
    },
  });
  const handlers = createRealtimeHandlers(broker, {
    // The key may come from the browser subprotocol, so authenticate the key itself.
    authenticate(_req, key) {
      if (key === undefined) return null;
      try {
        const principal = ctx.auth.authenticate({ headers: { authorization: `Bearer ${key}` } } as IncomingMessage);
        return { tenant: principal.tenant, keyId: keyIdOf(key) };
      } catch {
        return null;
      }
    },
  });
  // Metrics follow the broker's counters once a second: nothing on the hot path.
  let lastMints = 0;
  const syncMetrics = () => {
    const s = broker.stats();
    ctx.metrics.realtimeSessions.set({ state: 'active' }, s.activeRelays);
    ctx.metrics.realtimeSessions.set({ state: 'started' }, s.relaySessions + s.calls);
    ctx.metrics.realtimeSessions.set({ state: 'denied' }, s.denied);
    if (s.upstreamMints > lastMints) ctx.metrics.clientSecretsMinted.inc(s.upstreamMints - lastMints);
    lastMints = s.upstreamMints;
  };
  const timer = setInterval(syncMetrics, 1000);
  timer.unref();
  return {
    broker,
    handlers,
    async close() {
      clearInterval(timer);
      handlers.close();
      await store.close?.();
    },
  };
}

/** A stable, non-secret id for a key: enough to tell users apart, useless to call with. */
function keyIdOf(key: string): string {
  return `key_${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}
