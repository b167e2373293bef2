/**
 * GET /admin/state: pools (limits, learned, available, paused, breaker, queues, in flight),
 * tenants (plan, minute levels, day/month spend), breakers, store, ledger, uptime. No secrets.
 * Without an admin token configured the route does not exist (404), so nothing leaks by default.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { PacerError } from '../../core/errors.js';
import { budgetView } from '../../core/tenancy/index.js';
import type { GatewayContext } from '../context.js';
import { storeInfoOf } from '../engine.js';
import { bearerOf, sendError, sendJson } from '../http.js';
import { resolvePlans } from '../tenancy/plans.js';
import type { RouteHandler } from './inference.js';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

export function createAdminRoute(ctx: GatewayContext): RouteHandler {
  const token = ctx.config.admin.token;
  const want = token === undefined ? undefined : digest(token);
  const plans = resolvePlans(ctx.config);

  return async function adminState(req, res, requestId) {
    req.resume();
    if (want === undefined)
      return void sendError(
        res,
        new PacerError('PACER_NOT_FOUND', 'Invalid URL (GET /admin/state)'),
        requestId,
      );
    const got = bearerOf(req);
    // Compare digests in constant time: the token's length is not revealed either.
    if (got === undefined || !timingSafeEqual(digest(got), want)) {
      return void sendError(
        res,
        new PacerError(
          'PACER_ADMIN_UNAUTHORIZED',
          'Missing or incorrect admin token (Authorization: Bearer <PACER_ADMIN_TOKEN>).',
        ),
        requestId,
      );
    }
    sendJson(res, 200, await buildState(ctx, plans), {
      'cache-control': 'no-store',
      'x-request-id': requestId,
    });
  };
}

async function buildState(ctx: GatewayContext, plans: ReturnType<typeof resolvePlans>) {
  const now = ctx.clock.now();
  const pools = ctx.engine.snapshot();
  // The shared store reads each tenant it knows of (configured ones too) from Redis.
  const states = await ctx.tenancy.budgets.states(now, Object.keys(ctx.config.tenants));
  const names = new Set([...Object.keys(ctx.config.tenants), ...states.keys()]);
  const tenants = [...names].sort().map((name) => {
    const t = ctx.config.tenants[name];
    const resolved = t?.plan === undefined ? undefined : plans.get(t.plan);
    const s = states.get(name);
    const view = resolved ? budgetView(s, now, resolved.plan) : { requests: undefined, tokens: undefined };
    const minute = (v: typeof view.requests) =>
      v === undefined ? null : { limit: v.limit, remaining: v.remaining, reset_ms: Math.round(v.resetMs) };
    return {
      tenant: name,
      plan: resolved?.name ?? null,
      weight: t?.weight ?? resolved?.plan.weight ?? 1,
      static_keys: t?.keys.length ?? 0,
      limits: resolved ? planLimits(ctx.config.plans[resolved.name]) : null,
      budgets: {
        minute: { requests: minute(view.requests), tokens: minute(view.tokens) },
        day: s
          ? { date: s.day, requests: s.dayRequests, tokens: Math.round(s.dayTokens), usd: s.dayUsd }
          : null,
        month: s ? { month: s.month, usd: s.monthUsd } : null,
      },
    };
  });
  const store = storeInfoOf(ctx.engine);
  return {
    object: 'pacer.admin_state',
    now: new Date(now).toISOString(),
    uptime_s: Math.round((now - ctx.startedAt) / 1000),
    store: {
      kind: store.kind,
      status: store.status,
      instances: store.instances,
      budgets: ctx.tenancy.budgets.kind,
    },
    pools: pools.map((p) => ({
      pool: p.pool,
      limits: p.limits,
      learned: p.learned,
      available: p.available,
      paused_until: p.pausedUntil === null ? null : new Date(p.pausedUntil).toISOString(),
      breaker: p.breaker,
      queued: p.queued,
      in_flight: p.inFlight,
    })),
    breakers: Object.fromEntries(pools.map((p) => [p.pool, p.breaker])),
    tenants,
    ledger: ctx.ledger ? { kind: ctx.ledger.kind, ...ctx.ledger.stats() } : null,
  };
}

function planLimits(
  p: GatewayContext['config']['plans'][string] | undefined,
): Record<string, unknown> | null {
  if (!p) return null;
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined));
}
