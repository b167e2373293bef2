/**
 * POST /v1/chat/completions, /v1/responses, /v1/embeddings: auth -> parse -> estimate ->
 * acquire -> forward (bounded retries) -> relay with a usage tap -> settle.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { PacerError } from '../../core/errors.js';
import { costOf } from '../../core/cost/index.js';
import { findModel } from '../../core/models.js';
import type { ModelInfo } from '../../core/models.js';
import type { Usage } from '../../core/openai/usage.js';
import type { AcquireRequest, Lease, Priority } from '../../engine/types.js';
import type { Principal } from '../auth.js';
import type { GatewayContext } from '../context.js';
import { estimateRequest, rememberResponse } from '../estimate.js';
import { readBody, sendError } from '../http.js';
import { deadlineOf, priorityOf } from '../pacer-headers.js';
import { poolRateHeaders } from '../rate-headers.js';
import { AbortLatch } from '../upstream/abort-latch.js';
import { passHeaders } from '../upstream/client.js';
import { forward, shedError } from '../upstream/forward.js';
import { claimFirstId, type ClaimerFor } from '../ownership/response-claims.js';
import { isUpstreamAuthFailure, upstreamAuthFailure } from '../upstream/auth-failure.js';
import { bufferSource } from '../upstream/exchange.js';
import { relay } from '../upstream/relay.js';
import { parseRequest } from '../validate.js';
import type { InferenceRoute } from '../validate.js';

/** `body`: the request body when a route in front already read it. */
export type RouteHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  body?: Buffer,
) => Promise<void>;

export interface InferenceHooks {
  /** Stored responses: claims the answer's id for its creator before the id reaches the client. */
  claimerFor?: ClaimerFor;
}

const ROUTE_LABEL: Record<InferenceRoute, string> = {
  chat: 'chat.completions',
  responses: 'responses',
  embeddings: 'embeddings',
};

interface RequestState {
  tenant: string;
  principal: Principal | null;
  /** Tokens charged to the tenant's budget at admission (0 = none). */
  charged: number;
  /**
   * Tokens the answer used as far as the gateway can tell: its usage, or for an answer without
   * one (a chat stream without include_usage, a cut stream) the input plus the events streamed.
   */
  used: number | null;
  model: string;
  priority: Priority;
  status: number;
  queuedMs: number;
  retries: number;
  estimated: number;
  usage: Usage | null;
  firstByteAt: number | null;
  costUsd: number | null;
}

export function createInferenceRoute(
  ctx: GatewayContext,
  route: InferenceRoute,
  hooks: InferenceHooks = {},
): RouteHandler {
  const { config, engine, clock, metrics } = ctx;
  const routeLabel = ROUTE_LABEL[route];
  const processing = metrics.processing.cell('', () => ({}));

  return async function inference(req, res, requestId, body) {
    const startedAt = clock.now();
    // The gateway's own processing time: hr timestamps around the waits it does not control.
    const hrStart = performance.now();
    const cors = ctx.cors.headersFor(req);
    const s: RequestState = {
      tenant: 'unknown',
      principal: null,
      charged: 0,
      used: null,
      model: 'unknown',
      priority: 'default',
      status: 0,
      queuedMs: 0,
      retries: 0,
      estimated: 0,
      usage: null,
      firstByteAt: null,
      costUsd: null,
    };
    const ac = new AbortLatch();
    res.on('close', () => {
      if (!res.writableFinished) ac.abort();
    });
    let pool = '';
    let held: Lease | undefined; // released in finally if an unexpected failure skipped it
    try {
      const principal = ctx.auth.authenticate(req);
      s.tenant = principal.tenant;
      s.principal = principal;
      const raw = body ?? (await readBody(req, config.max_body_bytes));
      const parsed = parseRequest(route, raw);
      s.model = parsed.model;
      const info = findModel(parsed.model) ?? unknownModel(parsed.model);
      const est = estimateRequest(route, parsed.body, info, config.default_max_output_tokens);
      s.estimated = est.total;
      checkSize(info, est.input, parsed.requestedOutput, est.total, config.max_request_tokens);
      // Plan checks and the tenant's budget come before the shared queue: a refused request
      // never takes a place in it.
      const charged = ctx.tenancy.admit(principal, parsed.model, est.input, est.total, clock.now());
      s.charged = typeof charged === 'number' ? charged : await charged;
      pool = engine.poolFor(parsed.model);
      s.priority = priorityOf(req) ?? principal.plan?.priority ?? 'default';
      const deadlineMs = deadlineOf(req, config.max_deadline_ms) ?? config.default_deadline_ms;
      const acquire: AcquireRequest = {
        pool,
        tenant: principal.tenant,
        priority: ctx.tenancy.backlog.enter(pool, principal.tenant, s.priority),
        weight: principal.weight,
        tokens: est.total,
        deadlineMs,
        signal: ac.signal,
      };
      let first: Awaited<ReturnType<typeof engine.acquire>>;
      const hrAcquire = performance.now();
      try {
        first = await engine.acquire(acquire);
      } finally {
        ctx.tenancy.backlog.leave(pool, principal.tenant);
      }
      if (!first.ok) {
        if (first.reason === 'aborted') return void (s.status = 499);
        throw shedError(first);
      }
      s.queuedMs = first.queuedMs;
      const priority = s.priority;
      metrics.queueWait.cell(priority, () => ({ priority })).observe(first.queuedMs / 1000);
      // A queued request's wait is pacing, not processing; an unqueued acquire is engine work.
      const hrForward = performance.now();
      let processingMs = hrForward - hrStart - (first.queuedMs > 0 ? hrForward - hrAcquire : 0);
      const out = await forward(ctx, {
        pool,
        lease: first.lease,
        request: { method: 'POST', path: req.url ?? '/', headers: req.headers, body: raw, signal: ac.signal },
        reacquire: () =>
          engine.acquire({ ...acquire, deadlineMs: Math.max(0, deadlineMs - (clock.now() - startedAt)) }),
      });
      s.retries = out.retries;
      if (out.kind === 'aborted') return void (s.status = 499);
      if (out.kind === 'shed') throw out.error;
      const { resp, lease } = out;
      held = lease;
      if (isUpstreamAuthFailure(resp.statusCode)) {
        await resp.dump();
        lease.cancel();
        held = undefined;
        throw upstreamAuthFailure(ctx.log, requestId);
      }
      if (resp.statusCode >= 500) {
        await resp.dump();
        lease.cancel();
        held = undefined;
        throw upstreamFailure(resp.statusCode);
      }
      const hrHead = performance.now();
      const sse = String(resp.headers['content-type'] ?? '').startsWith('text/event-stream');
      const headers = passHeaders(resp.headers, sse);
      Object.assign(headers, cors);
      headers['x-request-id'] ??= requestId;
      headers['x-pacer-model'] = parsed.model;
      headers['x-pacer-queue-ms'] = String(Math.round(s.queuedMs));
      headers['x-pacer-retries'] = String(s.retries);
      headers['x-pacer-estimated-tokens'] = String(est.total);
      // The tenant sees its own budget when its plan has one; otherwise the pool (or upstream) view.
      const own = ctx.tenancy.rateHeaders(principal, clock.now());
      if (own) Object.assign(headers, own);
      else if (headers['x-ratelimit-limit-tokens'] === undefined)
        Object.assign(headers, poolRateHeaders(engine, pool));
      s.status = resp.statusCode;
      const ok = resp.statusCode < 400;
      processingMs += performance.now() - hrHead;
      const claim = ok ? hooks.claimerFor?.(principal, raw) : undefined;
      const source = out.body ? bufferSource(out.body) : resp;
      const result = await relay(res, claim ? claimFirstId(source, claim) : source, {
        route: ok ? route : null,
        sse,
        status: resp.statusCode,
        headers,
        now: clock.now,
      });
      s.firstByteAt = result.firstByteAt;
      s.usage = result.usage;
      rememberResponse(parsed.body, result.usage); // sizes previous_response_id follow-ups
      processing.observe((processingMs + result.processingMs) / 1000);
      // The upstream refused (4xx): nothing was charged. Otherwise it was sent and counts: settle
      // with the real usage, or with what streamed when the stream was cut or had no usage.
      if (!ok) lease.cancel();
      else {
        s.used = result.usage?.total ?? est.input + (route === 'embeddings' ? 0 : result.events);
        lease.settle(s.used);
      }
      held = undefined;
      if (!result.complete && res.destroyed) s.status = 499;
    } catch (err) {
      if (!(err instanceof PacerError)) logInternal(ctx, requestId, err);
      const own = s.principal ? ctx.tenancy.rateHeaders(s.principal, clock.now()) : undefined;
      const extra = own
        ? { ...cors, ...own }
        : pool === ''
          ? cors
          : { ...cors, ...poolRateHeaders(engine, pool) };
      s.status = sendError(res, err, requestId, extra).status;
    } finally {
      held?.cancel();
      record(ctx, routeLabel, requestId, startedAt, s);
    }
  };
}

/** Unexpected failures go to the log with their stack (never to the client). */
export function logInternal(ctx: GatewayContext, requestId: string, err: unknown): void {
  const e = err as Error;
  ctx.log(
    JSON.stringify({
      level: 'error',
      request_id: requestId,
      error: e?.message ?? String(err),
      stack: e?.stack ?? null,
    }),
  );
}

function record(
  ctx: GatewayContext,
  route: string,
  requestId: string,
  startedAt: number,
  s: RequestState,
): void {
  const { metrics, clock } = ctx;
  const now = clock.now();
  const model = modelLabel(s.model);
  let pricingVersion = '';
  const { tenant } = s;
  const status = String(s.status);
  // Cells: one map lookup per series instead of prom-client's label hashing per inc().
  const { cells } = metrics;
  cells.requests
    .cell(`${route}\0${model}\0${tenant}\0${status}`, () => ({ route, model, tenant, status }))
    .add(1);
  const rm = `${route}\0${model}`;
  metrics.duration.cell(rm, () => ({ route, model })).observe((now - startedAt) / 1000);
  if (s.firstByteAt !== null)
    metrics.ttft.cell(rm, () => ({ route, model })).observe((s.firstByteAt - startedAt) / 1000);
  s.costUsd = null;
  if (s.usage) {
    const mt = `${model}\0${tenant}`;
    cells.tokens
      .cell(`${mt}\0i`, () => ({ model, tenant, kind: 'input' }))
      .add(s.usage.input - s.usage.cached);
    cells.tokens.cell(`${mt}\0c`, () => ({ model, tenant, kind: 'cached' })).add(s.usage.cached);
    cells.tokens.cell(`${mt}\0o`, () => ({ model, tenant, kind: 'output' })).add(s.usage.output);
    const cost = costOf({
      model: s.model,
      inputTokens: s.usage.input,
      cachedTokens: s.usage.cached,
      outputTokens: s.usage.output,
    });
    if (cost.known) cells.costUsd.cell(mt, () => ({ model, tenant })).add(cost.usd);
    s.costUsd = cost.known ? cost.usd : null;
    pricingVersion = cost.pricingVersion;
  }
  if (s.principal) {
    // Real usage corrects the estimate; no usage (refused, shed, failed) gives the tokens back.
    // An answer without usage (a stream without include_usage) is charged as the pool is: its
    // input plus the events it streamed, not the whole estimate.
    const used = s.usage?.total ?? (s.firstByteAt !== null && s.status < 400 ? s.used : null);
    ctx.tenancy.settle(s.principal, s.charged, used, s.costUsd ?? 0, now);
  }
  ctx.ledger?.record({
    ts: now,
    requestId,
    tenant: s.tenant,
    keyId: s.principal?.keyId ?? '',
    model: s.model,
    route,
    tokensIn: s.usage?.input ?? 0,
    cached: s.usage?.cached ?? 0,
    tokensOut: s.usage?.output ?? 0,
    reasoning: s.usage?.reasoning ?? 0,
    costUsd: s.costUsd ?? 0,
    pricingVersion,
    queueMs: s.queuedMs,
    ttftMs: s.firstByteAt === null ? null : s.firstByteAt - startedAt,
    durationMs: now - startedAt,
    status: s.status,
    retries: s.retries,
  });
  ctx.dashboard?.record({
    ts: now,
    tenant: s.tenant,
    model: s.model,
    route,
    status: s.status,
    priority: s.priority,
    queueMs: s.queuedMs,
    ttftMs: s.firstByteAt === null ? null : s.firstByteAt - startedAt,
    durationMs: now - startedAt,
    tokensIn: s.usage?.input ?? 0,
    tokensOut: s.usage?.output ?? 0,
    costUsd: s.costUsd ?? 0,
    // Upstream 429s are retried inside forward(); the client-visible one is what reaches here.
    upstream429: false,
    retries: s.retries,
  });
  if (ctx.config.log_requests) {
    ctx.log(
      JSON.stringify({
        ts: new Date(now).toISOString(),
        request_id: requestId,
        tenant: s.tenant,
        route,
        model: s.model,
        status: s.status,
        priority: s.priority,
        queue_ms: Math.round(s.queuedMs),
        retries: s.retries,
        duration_ms: now - startedAt,
        estimated_tokens: s.estimated,
        tokens_in: s.usage?.input ?? null,
        tokens_out: s.usage?.output ?? null,
        cost_usd: s.costUsd,
      }),
    );
  }
}

/** Keeps metric label cardinality bounded: catalog models by name, anything else as "other". */
function modelLabel(model: string): string {
  return findModel(model) ? model : model === 'unknown' ? 'unknown' : 'other';
}

function unknownModel(id: string): ModelInfo {
  return {
    id,
    kind: 'chat',
    encoding: 'o200k_base',
    contextWindow: Number.MAX_SAFE_INTEGER,
    maxOutput: 0,
    snapshot: id,
    tier1: { rpm: 0, tpm: 0 },
  };
}

function checkSize(
  info: ModelInfo,
  input: number,
  requestedOutput: number | undefined,
  total: number,
  cap: number | undefined,
): void {
  if (input + (requestedOutput ?? 0) > info.contextWindow) {
    throw new PacerError(
      'PACER_CONTEXT_LENGTH_EXCEEDED',
      `This model's maximum context length is ${info.contextWindow} tokens. However, your request has about ${input} input tokens${requestedOutput ? ` and asks for ${requestedOutput} output tokens` : ''}. Please reduce the length of the input.`,
      { param: 'messages' },
    );
  }
  if (cap !== undefined && total > cap) {
    throw new PacerError(
      'PACER_REQUEST_TOO_LARGE',
      `The request is estimated at ${total} tokens, over the configured cap of ${cap}.`,
    );
  }
}

function upstreamFailure(status: number): PacerError {
  if (status === 503)
    return new PacerError(
      'PACER_UPSTREAM_UNAVAILABLE',
      'The upstream is overloaded or unavailable (503) after bounded retries.',
    );
  if (status === 504)
    return new PacerError('PACER_UPSTREAM_TIMEOUT', 'The upstream timed out (504) after bounded retries.');
  return new PacerError(
    'PACER_UPSTREAM_ERROR',
    `The upstream failed with status ${status} after bounded retries.`,
  );
}
