/**
 * Endpoints passed through unpaced: GET /v1/models, files (multipart uploads streamed, not
 * buffered) and batches. Auth still applies; the upstream key replaces the client's.
 */
import { PacerError } from '../../core/errors.js';
import type { GatewayContext } from '../context.js';
import { sendError } from '../http.js';
import { passHeaders } from '../upstream/client.js';
import { relay } from '../upstream/relay.js';
import type { RouteHandler } from './inference.js';

export function createPassthroughRoute(ctx: GatewayContext, routeLabel: string): RouteHandler {
  return async function passthrough(req, res, requestId) {
    const startedAt = ctx.clock.now();
    const cors = ctx.cors.headersFor(req);
    const ac = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) ac.abort();
    });
    let tenant = 'unknown';
    let status = 0;
    try {
      tenant = ctx.auth.authenticate(req).tenant;
      const method = req.method as 'GET' | 'POST' | 'DELETE';
      const hasBody = method === 'POST';
      let resp;
      try {
        resp = await ctx.upstream.request({
          method,
          path: req.url ?? '/',
          headers: req.headers,
          body: hasBody ? req : null,
          signal: ac.signal,
        });
      } catch (err) {
        if (ac.signal.aborted) return void (status = 499);
        throw new PacerError(
          'PACER_UPSTREAM_ERROR',
          `The upstream could not be reached: ${(err as Error).message}`,
        );
      }
      const sse = String(resp.headers['content-type'] ?? '').startsWith('text/event-stream');
      const headers = { ...passHeaders(resp.headers, sse), ...cors };
      headers['x-request-id'] ??= requestId;
      status = resp.statusCode;
      await relay(res, resp.body, { route: null, sse, status, headers, now: ctx.clock.now });
    } catch (err) {
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
