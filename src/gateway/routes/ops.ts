/** Operational endpoints: /healthz (process up), /readyz (upstream reachable), /metrics. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayContext } from '../context.js';
import { sendJson } from '../http.js';

type Plain = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function createHealthRoute(): Plain {
  return async function healthz(_req, res) {
    sendJson(res, 200, { status: 'ok' });
  };
}

export function createReadyRoute(ctx: GatewayContext): Plain {
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
    } catch (err) {
      upstream = `unreachable: ${(err as Error).message}`;
    }
    const ready = upstream === 'ok';
    sendJson(res, ready ? 200 : 503, {
      status: ready ? 'ready' : 'not_ready',
      upstream,
      store: 'memory',
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
