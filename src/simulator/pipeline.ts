import type { IncomingMessage, ServerResponse } from 'node:http';
import { findModel, type ModelInfo } from '../core/models.js';
import type { SimContext } from './context.js';
import {
  createFaultInjector,
  OVERLOADED_MESSAGE,
  SERVER_ERROR_MESSAGE,
  type Fault,
  type FaultInjector,
} from './faults.js';
import type { LatencyPlan } from './latency.js';
import { readBody } from './http.js';
import { InvalidRequest, parseBody, type Body } from './validate.js';

const injectors = new WeakMap<SimContext, FaultInjector>();

function faultsOf(ctx: SimContext): FaultInjector {
  let f = injectors.get(ctx);
  if (!f) {
    f = createFaultInjector(ctx);
    injectors.set(ctx, f);
  }
  return f;
}

/**
 * Faults, billing quota and rate-limit admission, in that order. Answers the 429/5xx/reset itself
 * and returns undefined; otherwise returns the fault still to apply while responding (stall or
 * mid-way reset) or `none`.
 */
export interface Admitted {
  fault: Fault;
  /** x-ratelimit-* as of admission, for the response sent later. */
  rateLimit: Record<string, string>;
}

export function admitRequest(
  ctx: SimContext,
  res: ServerResponse,
  model: ModelInfo,
  cost: number,
  startedAt: number,
): Admitted | undefined {
  const fault = faultsOf(ctx).draw();
  const send = { model, startedAt };
  if (fault.kind === '429') {
    ctx.stats.rejected429();
    const lim = ctx.limits.headers(model);
    const message = `Rate limit reached for ${model.id} in organization ${ctx.org} on requests per min (RPM): Limit ${lim['x-ratelimit-limit-requests']}, Used ${lim['x-ratelimit-limit-requests']}, Requested 1. Please try again in ${Math.ceil(fault.retryAfterMs)}ms. Visit https://platform.openai.com/account/rate-limits to learn more.`;
    ctx.sendRateLimited(res, message, 'requests', fault.retryAfterMs, send);
    return undefined;
  }
  const quota = ctx.limits.checkQuota();
  if (!quota.ok) {
    ctx.stats.rejected429();
    ctx.sendRateLimited(res, quota.message, 'insufficient_quota', undefined, send);
    return undefined;
  }
  const decision = ctx.limits.admit(model, cost);
  if (!decision.ok) {
    ctx.stats.rejected429();
    const tooLarge = decision.message.startsWith('Request too large');
    ctx.sendRateLimited(
      res,
      decision.message,
      decision.type,
      tooLarge ? undefined : decision.retryAfterMs,
      tooLarge ? { ...send, headers: { 'x-should-retry': 'false' } } : send,
    );
    return undefined;
  }
  ctx.stats.accepted(cost);
  const rateLimit = ctx.limits.headers(model);
  if (fault.kind === '5xx') {
    ctx.stats.add('errors_5xx');
    ctx.sendError(res, fault.status, fault.status === 500 ? SERVER_ERROR_MESSAGE : OVERLOADED_MESSAGE, {
      ...send,
      rateLimit,
      type: 'server_error',
      code: null,
    });
    return undefined;
  }
  if (fault.kind === 'reset' && fault.at === 0) {
    res.socket?.destroy();
    res.destroy();
    return undefined;
  }
  return { fault, rateLimit };
}

/**
 * Answers a request that failed validation; when its model is known it still spends one request
 * of that pool's RPM (the real service counts unsuccessful requests too).
 */
export function sendInvalid(
  ctx: SimContext,
  res: ServerResponse,
  err: InvalidRequest,
  body: unknown,
  startedAt: number,
): void {
  const name = body !== null && typeof body === 'object' ? (body as { model?: unknown }).model : undefined;
  const model = typeof name === 'string' ? findModel(name) : undefined;
  if (model) ctx.limits.countFailed(model);
  ctx.sendError(res, err.status, err.message, {
    param: err.param,
    code: err.code,
    startedAt,
    model,
    type: err.code === 'max_tokens_per_request' ? 'max_tokens_per_request' : 'invalid_request_error',
  });
}

/** Usage accounting after a response: stats, billing quota, optional settlement. */
export function recordUsage(
  ctx: SimContext,
  model: ModelInfo,
  charged: number,
  inputTokens: number,
  outputTokens: number,
): void {
  ctx.stats.add('tokens_in', inputTokens);
  ctx.stats.add('tokens_out', outputTokens);
  ctx.limits.spendQuota(inputTokens + outputTokens);
  if (ctx.options.settleUsage) {
    const delta = charged - (inputTokens + outputTokens);
    if (delta !== 0) {
      ctx.limits.settle(model, delta);
      ctx.stats.adjustCharged(-delta);
    }
  }
}

/** Kills the connection the way a dropped upstream does. */
function reset(res: ServerResponse): void {
  res.socket?.destroy();
  res.destroy();
}

/** Non-streaming: wait TTFT + generation time, then send (or stall / reset instead). */
export function respondLater(
  ctx: SimContext,
  res: ServerResponse,
  delayMs: number,
  fault: Fault,
  send: () => void,
): void {
  const run = (): void => {
    if (res.destroyed) return;
    if (fault.kind === 'reset') return reset(res);
    if (fault.kind === 'stall') {
      setTimeout(() => reset(res), ctx.scale(ctx.options.stallMs)).unref();
      return;
    }
    send();
  };
  const wait =
    fault.kind === 'none'
      ? delayMs
      : delayMs * (fault.kind === 'reset' || fault.kind === 'stall' ? fault.at : 1);
  if (wait < 1) run();
  else setTimeout(run, wait);
}

export interface StreamParts {
  head: string;
  /** One frame string per output token (the first may carry the role chunk). */
  frames: string[];
  tail: string;
}

/**
 * Below this many ms per token, several tokens go out in one write per tick. The tick grows with
 * the number of open streams (40 ms up to 250 ms), so thousands of concurrent streams cost a
 * bounded number of writes per second and the simulator is never the bottleneck.
 */
const MIN_TICK_MS = 40;
const MAX_TICK_MS = 250;
let openStreams = 0;

function tickMs(): number {
  return Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, openStreams / 20));
}

/**
 * Writes head at once, frames paced by the latency plan (TTFT, then tokens/s, batching when fast,
 * honouring backpressure), then tail. Stall and reset faults cut it at their point.
 */
export function streamFrames(
  ctx: SimContext,
  res: ServerResponse,
  headers: Record<string, string>,
  parts: StreamParts,
  latency: LatencyPlan,
  fault: Fault,
): void {
  headers['content-type'] = 'text/event-stream; charset=utf-8';
  headers['cache-control'] = 'no-cache';
  res.writeHead(200, headers);
  if (parts.head !== '') res.write(parts.head);
  else res.flushHeaders();
  const { frames } = parts;
  const stopAt = fault.kind === 'stall' || fault.kind === 'reset' ? Math.floor(fault.at * frames.length) : -1;
  const per = latency.msPerToken;
  const start = ctx.clock.now() + latency.ttftMs;
  let i = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  openStreams++;
  res.on('close', () => {
    closed = true;
    openStreams--;
    if (timer) clearTimeout(timer);
  });

  const tick = (): void => {
    timer = undefined;
    if (closed) return;
    if (stopAt >= 0 && i >= stopAt) {
      if (fault.kind === 'reset') return reset(res);
      timer = setTimeout(() => reset(res), ctx.scale(ctx.options.stallMs));
      return;
    }
    // Everything that is due by the next tick goes out in this write.
    const batch = per === 0 ? frames.length : Math.max(1, Math.ceil(tickMs() / per));
    const end = Math.min(frames.length, i + batch, stopAt >= 0 ? stopAt : Infinity);
    let chunk = end - i === 1 ? frames[i]! : frames.slice(i, end).join('');
    i = end;
    if (i >= frames.length && stopAt < 0) {
      chunk += parts.tail;
      res.end(chunk);
      return;
    }
    const ok = res.write(chunk);
    if (!ok) res.once('drain', schedule);
    else schedule();
  };
  const schedule = (): void => {
    if (closed) return;
    const due = start + i * per - ctx.clock.now();
    if (due < 1) setImmediate(tick);
    else timer = setTimeout(tick, due);
  };
  if (latency.ttftMs < 1) setImmediate(tick);
  else timer = setTimeout(tick, latency.ttftMs);
}

export interface Accepted<T> extends Admitted {
  request: T;
  startedAt: number;
}

/**
 * The front half every inference route shares: read and count the request, parse it (a bad one
 * gets the API's 400/404), then admit it against faults and rate limits. Undefined when the
 * answer has already been sent.
 */
export async function acceptRequest<T>(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  parse: (body: Body) => T,
  charge: (request: T) => { model: ModelInfo; cost: number },
): Promise<Accepted<T> | undefined> {
  const startedAt = ctx.clock.now();
  const raw = await readBody(req);
  ctx.stats.add('requests');
  let request: T;
  let parsed: unknown;
  try {
    parsed = parseBody(raw);
    request = parse(parsed as Body);
  } catch (err) {
    if (!(err instanceof InvalidRequest)) throw err;
    sendInvalid(ctx, res, err, parsed, startedAt);
    return undefined;
  }
  const { model, cost } = charge(request);
  const admitted = admitRequest(ctx, res, model, cost, startedAt);
  return admitted ? { ...admitted, request, startedAt } : undefined;
}
