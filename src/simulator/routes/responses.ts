import type { IncomingMessage, ServerResponse } from 'node:http';
import { previousResponseNotFound } from '../../core/openai/not-found.js';
import type { SimContext } from '../context.js';
import { planCompletion } from '../generation.js';
import { readBody } from '../http.js';
import { latencyRngFor, planLatency } from '../latency.js';
import { acceptRequest, recordUsage, respondLater, streamFrames } from '../pipeline.js';
import { InvalidRequest, parseBody } from '../validate.js';
import { inputItemsOf } from './response-input-items.js';
import { responseObject, type ResponseIds } from './responses-object.js';
import { storedResponse, storeResponse } from './response-store.js';
import { parseResponsesRequest, type ResponsesRequest } from './responses-request.js';
import { buildResponsesStream } from './responses-stream.js';

/** POST /v1/responses: JSON or the Responses event stream. */
export async function handleResponses(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const accepted = await acceptRequest(
    ctx,
    req,
    res,
    (body) => checkPrevious(ctx, parseResponsesRequest(body, ctx.options.seed)),
    (x) => x,
  );
  if (!accepted) return;
  const { request: r, startedAt, fault, rateLimit } = accepted;

  const c = planCompletion(
    {
      model: r.model,
      textSeed: r.textSeed,
      maxOutput: r.maxOutput,
      medianTokens: ctx.options.medianOutputTokens,
      effort: r.effort,
      toolCall: r.toolCall,
    },
    0,
  );
  recordUsage(ctx, r.model, r.cost, r.promptTokens, c.outputTokens + c.reasoningTokens);
  const latency = planLatency(
    latencyRngFor(ctx, req.headers),
    ctx.options.ttftMs,
    ctx.options.tokensPerS,
    ctx.options.timeScale,
  );
  latency.ttftMs += c.reasoningTokens * latency.msPerToken;
  const body = ctx.newId('', 48);
  const ids: ResponseIds = {
    id: `resp_${body}`,
    msgId: `msg_${body}`,
    rsId: `rs_${body}`,
    fcId: `fc_${body}`,
    callId: ctx.newId('call_', 24),
    createdAt: Math.floor(startedAt / 1000),
  };
  const total = latency.ttftMs + c.outputTokens * latency.msPerToken;
  const completedAt = Math.floor((startedAt + total) / 1000);
  const requestId = ctx.requestId();
  if (r.echo.store) {
    const inputItems = inputItemsOf(r.input, (prefix) => ctx.newId(prefix, 48));
    storeResponse(ctx, { r, c, ids, completedAt, doneAt: startedAt + total, cancelledAt: null, inputItems });
  }
  const send = { model: r.model, startedAt, requestId, rateLimit };
  if (r.echo.background && !r.stream) {
    // Background: answered at once as queued; GET shows it in_progress until its time has passed.
    ctx.sendJson(res, 200, { ...responseObject(r, ids), status: 'queued' }, send);
    return;
  }
  if (r.stream) {
    const parts = buildResponsesStream(
      r,
      c,
      ids,
      completedAt,
      r.includeObfuscation ? ctx.rng('obfuscation') : undefined,
    );
    streamFrames(
      ctx,
      res,
      ctx.headers({ model: r.model, startedAt, requestId, rateLimit }),
      parts,
      latency,
      fault,
    );
    return;
  }
  const json = JSON.stringify(responseObject(r, ids, { c, completedAt }));
  respondLater(ctx, res, total, fault, () => ctx.sendJson(res, 200, json, send));
}

/** Chaining from a response this simulator does not hold is the real 400. */
function checkPrevious(ctx: SimContext, r: ResponsesRequest): ResponsesRequest {
  const prev = r.echo.previous_response_id;
  if (prev !== null && !storedResponse(ctx, prev)) {
    const e = previousResponseNotFound(prev);
    throw new InvalidRequest(e.message, e.param, e.code, e.status);
  }
  return r;
}

/** POST /v1/responses/input_tokens: the exact input token count for the same body. */
export async function handleInputTokens(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const raw = await readBody(req);
  try {
    const body = parseBody(raw);
    delete body['stream'];
    delete body['stream_options'];
    const r = checkPrevious(ctx, parseResponsesRequest(body, ctx.options.seed));
    ctx.sendJson(
      res,
      200,
      { object: 'response.input_tokens', input_tokens: r.promptTokens },
      { model: r.model },
    );
  } catch (err) {
    if (!(err instanceof InvalidRequest)) throw err;
    ctx.sendError(res, err.status, err.message, { param: err.param, code: err.code });
  }
}
