/**
 * POST /v1/realtime/client_secrets, POST /v1/realtime/calls and the GET /v1/realtime WebSocket:
 * the Realtime broker (src/realtime) mounted on the gateway, authenticated by virtual key, with
 * its counters exported as the SPEC's realtime metrics.
 */
import { createHash } from 'node:crypto';
import { createRealtimeBroker, createRealtimeHandlers, type RealtimeHandlers } from '../../realtime/index.js';
import type { RealtimeBroker } from '../../realtime/index.js';
import type { UsageReport } from '../../realtime/types.js';
import { createMemoryRealtimeStore, createRedisRealtimeStore } from '../../store/realtime/index.js';
import { costOf, parseUsage } from '../../core/cost/index.js';
import { formatDuration } from '../../core/openai/duration.js';
import type { RateLimitsReport } from '../../realtime/types.js';
import type { Principal } from '../auth.js';
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
  // The plan of each tenant seen on a realtime route, for its budgets when usage arrives.
  const principals = new Map<string, Principal>();
  const broker = createRealtimeBroker({
    store,
    upstream: { baseUrl: opts.upstream.baseUrl, apiKey: opts.upstream.apiKey ?? DEMO_UPSTREAM_KEY },
    clock: ctx.clock,
    // The realtime pool's Tier-1 rate; a time-scaled upstream grants it `scale` times faster.
    limits: { upstreamRpm: 200 * scale, sessionMaxMs: 3_600_000 / scale, sessionWarningMs: 60_000 / scale },
    onUsage: (report) => {
      accountUsage(ctx, principals.get(report.tenant), report);
      opts.onUsage?.(report);
    },
    // rate_limits.updated carries the realtime pool's own limits: the engine learns from them
    // exactly as from x-ratelimit-* headers.
    onRateLimits: (report) => {
      const now = ctx.clock.now();
      ctx.engine.observe({
        pool: ctx.engine.poolFor(report.model),
        status: 200,
        headers: rateLimitHeaders(report.rateLimits),
        sentAt: now,
        receivedAt: now,
      });
    },
  });
  const handlers = createRealtimeHandlers(broker, {
    // The key may come from the browser subprotocol, so authenticate the key itself.
    authenticate(_req, key) {
      if (key === undefined || key === '') return null;
      const principal = ctx.auth.principalFor(key);
      if (!principal) return null;
      principals.set(principal.tenant, principal);
      return { tenant: principal.tenant, keyId: principal.keyId ?? keyIdOf(key) };
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

/** One `response.done`: tokens and dollars into metrics, the ledger and the tenant's budgets. */
function accountUsage(ctx: GatewayContext, principal: Principal | undefined, report: UsageReport): void {
  const parsed = parseUsage(report.usage);
  if (!parsed) return;
  const now = ctx.clock.now();
  const cost = costOf({ model: report.model, ...parsed });
  const cached = parsed.cachedTokens ?? 0;
  const labels = { model: report.model, tenant: report.tenant };
  ctx.metrics.tokens.inc({ ...labels, kind: 'input' }, Math.max(0, parsed.inputTokens - cached));
  ctx.metrics.tokens.inc({ ...labels, kind: 'cached' }, cached);
  ctx.metrics.tokens.inc({ ...labels, kind: 'output' }, parsed.outputTokens);
  if (cost.known) ctx.metrics.costUsd.inc(labels, cost.usd);
  const plan = principal?.plan?.plan;
  if (plan)
    ctx.tenancy.budgets.settle(report.tenant, plan, parsed.inputTokens + parsed.outputTokens, cost.usd, now);
  ctx.ledger?.record({
    ts: now,
    requestId: report.sessionId,
    tenant: report.tenant,
    keyId: principal?.keyId ?? '',
    model: report.model,
    route: 'realtime',
    tokensIn: parsed.inputTokens,
    cached,
    tokensOut: parsed.outputTokens,
    reasoning: parsed.reasoningTokens ?? 0,
    costUsd: cost.usd,
    pricingVersion: cost.pricingVersion,
    queueMs: 0,
    ttftMs: null,
    durationMs: 0,
    status: 200,
    retries: 0,
  });
}

function rateLimitHeaders(limits: RateLimitsReport['rateLimits']): Record<string, string> {
  const h: Record<string, string> = {};
  for (const l of limits) {
    if (l.name !== 'requests' && l.name !== 'tokens') continue;
    h[`x-ratelimit-limit-${l.name}`] = String(l.limit);
    h[`x-ratelimit-remaining-${l.name}`] = String(l.remaining);
    h[`x-ratelimit-reset-${l.name}`] = formatDuration(l.reset_seconds * 1000);
  }
  return h;
}
