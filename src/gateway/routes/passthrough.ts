/**
 * Endpoints passed through unpaced: GET /v1/models, and files, batches and stored responses in
 * demo mode (with tenants they go through ./files.ts, ./batches.ts and ./response-objects.ts,
 * which check ownership first). Auth still applies; the upstream key replaces the client's;
 * uploads and SSE stream through, never buffered. createResourceRoute is the shell those routes
 * share: auth, client abort, the error boundary, metrics and the request log line.
 */
import { sendError } from '../http.js';
import type { GatewayContext } from '../context.js';
import { callUpstream, relayAnswer, type Exchange } from './exchange.js';
import type { RouteHandler } from './inference.js';

/** Handles one authenticated request; resolves with the status sent (499 when the client left). */
export type ResourceRun = (x: Exchange) => Promise<number>;

export function createResourceRoute(ctx: GatewayContext, routeLabel: string, run: ResourceRun): RouteHandler {
  return async function resource(req, res, requestId) {
    const startedAt = ctx.clock.now();
    const cors = ctx.cors.headersFor(req);
    const ac = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) ac.abort();
    });
    let tenant = 'unknown';
    let status = 0;
    try {
      const principal = ctx.auth.authenticate(req);
      tenant = principal.tenant;
      status = await run({ req, res, requestId, principal, cors, signal: ac.signal });
    } catch (err) {
      if (!req.readableEnded) req.resume();
      status = sendError(res, err, requestId, cors).status;
    } finally {
      ctx.metrics.requests.inc({ route: routeLabel, model: 'none', tenant, status: String(status) });
      const now = ctx.clock.now();
      ctx.metrics.duration.observe({ route: routeLabel, model: 'none' }, (now - startedAt) / 1000);
      if (ctx.config.log_requests) {
        ctx.log(
          JSON.stringify({
            ts: new Date(now).toISOString(),
            request_id: requestId,
            tenant,
            route: routeLabel,
            method: req.method,
            status,
            duration_ms: now - startedAt,
          }),
        );
      }
    }
  };
}

/** Sends the client's request upstream as it is (a body streams through) and streams the answer back. */
export async function pipeUpstream(ctx: GatewayContext, x: Exchange): Promise<number> {
  const method = x.req.method as 'GET' | 'POST' | 'DELETE';
  const resp = await callUpstream(ctx, x, {
    method,
    path: x.req.url ?? '/',
    body: method === 'POST' ? x.req : null,
  });
  return resp ? relayAnswer(ctx, x, resp) : 499;
}

export function createPassthroughRoute(ctx: GatewayContext, routeLabel: string): RouteHandler {
  return createResourceRoute(ctx, routeLabel, (x) => pipeUpstream(ctx, x));
}
