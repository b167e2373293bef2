/**
 * POST /v1/responses with tenants: before the paced inference route takes the request, a
 * `previous_response_id` must name one of the caller's own stored responses (else the upstream's
 * 400 "Previous response with id … not found"), checked before the request queues or is charged.
 * The body is read once and handed on; the inference route claims the new response for its
 * creator through ../ownership/response-claims.ts.
 */
import type { Principal } from '../auth.js';
import type { GatewayContext } from '../context.js';
import { readBody, sendError } from '../http.js';
import type { Ownership } from '../ownership/ownership.js';
import { checkPreviousResponse } from '../ownership/previous-response.js';
import type { RouteHandler } from './inference.js';

export function createResponsesCreateRoute(
  ctx: GatewayContext,
  ownership: Ownership,
  inference: RouteHandler,
): RouteHandler {
  return async function responsesCreate(req, res, requestId) {
    let principal: Principal;
    try {
      principal = ctx.auth.authenticate(req);
    } catch {
      return inference(req, res, requestId); // it answers the 401 itself
    }
    const startedAt = ctx.clock.now();
    let raw: Buffer;
    try {
      raw = await readBody(req, ctx.config.max_body_bytes);
      await checkPreviousResponse(ownership, principal.tenant, raw);
    } catch (err) {
      const status = sendError(res, err, requestId, ctx.cors.headersFor(req)).status;
      ctx.metrics.requests.inc({
        route: 'responses',
        model: 'unknown',
        tenant: principal.tenant,
        status: String(status),
      });
      if (ctx.config.log_requests) {
        ctx.log(
          JSON.stringify({
            ts: new Date(startedAt).toISOString(),
            request_id: requestId,
            tenant: principal.tenant,
            route: 'responses',
            status,
            duration_ms: ctx.clock.now() - startedAt,
          }),
        );
      }
      return;
    }
    return inference(req, res, requestId, raw);
  };
}
