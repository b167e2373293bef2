/** Operational endpoints: /healthz (process up), /readyz (upstream reachable), /metrics. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayContext } from '../context.js';
import { storeInfoOf } from '../engine.js';
import { sendJson } from '../http.js';
import { registerStoreMetrics } from '../telemetry/store-metrics.js';

type Plain = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function createHealthRoute(): Plain {
  return async function healthz(_req, res) {
    sendJson(res, 200, { status: 'ok' });
  };
}

/**
 * Ready = the upstream answers. A degraded shared store (Redis down) still answers 200: the
 * instance keeps serving on its 1/N local share, and taking it out of a load balancer would only
 * shift its traffic onto the others. The body says `degraded` with the reason, for operators.
 */
export function createReadyRoute(ctx: GatewayContext): Plain {
  // The store gauges live with /readyz's view of the store (one registration per registry).
  registerStoreMetrics(ctx.metrics.registry, () => ctx.engine);
  return async function readyz(_req, res) {
    const pools = ctx.engine.snapshot();
    const open = pools.filter((p) => p.breaker === 'open').map((p) => p.pool);
    let upstream = 'ok';
    try {
      const r = await ctx.upstream.request({
        method: 'GET',
        path: '/v1/models',
        headers: {},
        signal: AbortSignal.timeout(2000),
      });
      await r.body.dump();
      if (r.statusCode >= 500) upstream = `status ${r.statusCode}`;
      // Every request would fail on the gateway's own key: not ready.
      else if (r.statusCode === 401) upstream = "the upstream refused the gateway's API key (401)";
    } catch (err) {
      upstream = `unreachable: ${(err as Error).message}`;
    }
    const ready = upstream === 'ok';
    const store = storeInfoOf(ctx.engine);
    const degraded = store.status.state === 'degraded';
    sendJson(res, ready ? 200 : 503, {
      status: !ready ? 'not_ready' : degraded ? 'degraded' : 'ready',
      upstream,
      store: store.kind,
      store_status: store.status.state,
      ...(store.status.state === 'degraded' ? { store_reason: store.status.reason } : {}),
      instances: store.instances,
      ...(store.instanceId !== null ? { instance_id: store.instanceId } : {}),
      breakers_open: open,
    });
  };
}

export function createMetricsRoute(ctx: GatewayContext): Plain {
  return async function metrics(_req, res) {
    const text = await ctx.metrics.registry.metrics();
    res.writeHead(200, {
      'content-type': ctx.metrics.registry.contentType,
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };
}
