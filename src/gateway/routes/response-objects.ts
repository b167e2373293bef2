/**
 * Stored responses: GET /v1/responses/{id} (JSON, or `?stream=true` SSE streamed through as it
 * comes), DELETE /v1/responses/{id}, POST /v1/responses/{id}/cancel, GET
 * /v1/responses/{id}/input_items. Pass-through, unpaced; with tenants only the owner reaches an id
 * (any other caller gets the upstream's "Response with id … not found"). And POST
 * /v1/responses/input_tokens: a counting endpoint, passed through unpaced with its body checked
 * for a previous_response_id the caller does not own.
 */
import type { GatewayContext } from '../context.js';
import { readBody } from '../http.js';
import type { Ownership } from '../ownership/ownership.js';
import { checkPreviousResponse } from '../ownership/previous-response.js';
import { callUpstream, relayAnswer } from './exchange.js';
import type { RouteHandler } from './inference.js';
import { createResourceRoute, pipeUpstream } from './passthrough.js';
import { resourcePathOf } from './resource-path.js';

export function createResponseObjectsRoute(
  ctx: GatewayContext,
  ownership: Ownership | undefined,
): RouteHandler {
  return createResourceRoute(ctx, 'responses.objects', async (x) => {
    const { id } = resourcePathOf(x.req.url, 'responses');
    if (ownership && id !== undefined) await ownership.require(x.principal.tenant, 'response', id);
    const status = await pipeUpstream(ctx, x);
    if (ownership && id !== undefined && x.req.method === 'DELETE' && status === 200)
      await ownership.release(id);
    return status;
  });
}

export function createInputTokensRoute(ctx: GatewayContext, ownership: Ownership | undefined): RouteHandler {
  return createResourceRoute(ctx, 'responses.input_tokens', async (x) => {
    const raw = await readBody(x.req, ctx.config.max_body_bytes);
    if (ownership) await checkPreviousResponse(ownership, x.principal.tenant, raw);
    const resp = await callUpstream(ctx, x, { method: 'POST', path: x.req.url ?? '/', body: raw });
    return resp ? relayAnswer(ctx, x, resp) : 499;
  });
}
