/**
 * One logical upstream call with bounded retries. A retry happens only before any byte reached
 * the client: the failed attempt's reservation is given back and a fresh one is acquired, so
 * retries queue behind the pool's pacing instead of jumping it.
 */
import type { AcquireResult, Lease } from '../../engine/types.js';
import { PacerError } from '../../core/errors.js';
import type { GatewayContext } from '../context.js';
import { sleep } from '../http.js';
import { flatHeaders } from './client.js';
import type { UpstreamRequest } from './client.js';
import type { Exchange } from './exchange.js';

export type ForwardOutcome =
  | {
      kind: 'response';
      resp: Exchange;
      lease: Lease;
      sentAt: number;
      receivedAt: number;
      retries: number;
      body?: Buffer;
    }
  | { kind: 'shed'; error: PacerError; retries: number }
  | { kind: 'aborted'; retries: number };

export interface ForwardInput {
  pool: string;
  request: UpstreamRequest & { body: Buffer; signal: AbortSignal };
  lease: Lease;
  /** Acquires capacity again for a retry. */
  reacquire: () => Promise<AcquireResult>;
}

export async function forward(ctx: GatewayContext, input: ForwardInput): Promise<ForwardOutcome> {
  const { engine, clock, metrics, config } = ctx;
  const { pool, request } = input;
  let lease = input.lease;
  let retries = 0;
  for (let attempt = 1; ; attempt++) {
    const sentAt = clock.now();
    let resp: Exchange;
    try {
      resp = await ctx.upstream.exchange(request);
    } catch (err) {
      if (request.signal.aborted) {
        lease.cancel();
        return { kind: 'aborted', retries };
      }
      const timeout = (err as { code?: string }).code === 'UND_ERR_HEADERS_TIMEOUT';
      engine.observe({ pool, status: 0, headers: {}, sentAt, receivedAt: clock.now() });
      const decision = engine.retryDecision(pool, attempt, 0, {});
      lease.cancel();
      if (!decision.retry || attempt >= config.retry.max_attempts) {
        return timeout
          ? {
              kind: 'shed',
              error: new PacerError('PACER_UPSTREAM_TIMEOUT', 'The upstream did not answer in time.'),
              retries,
            }
          : {
              kind: 'shed',
              error: new PacerError(
                'PACER_UPSTREAM_ERROR',
                'The upstream could not be reached after bounded retries.',
              ),
              retries,
            };
      }
      const next = await retryAfter(ctx, pool, decision.delayMs, decision.reason, input, request.signal);
      if (next.kind !== 'lease') return { ...next, retries };
      lease = next.lease;
      retries++;
      continue;
    }
    const receivedAt = clock.now();
    const headers = flatHeaders(resp.headers);
    // A 429's small body says which limit (tokens, requests) or whether it is insufficient_quota.
    const body = resp.statusCode === 429 ? await readSmall(resp) : undefined;
    const errorKind = body ? errorKindOf(body) : undefined;
    engine.observe({
      pool,
      status: resp.statusCode,
      headers,
      sentAt,
      receivedAt,
      ...(errorKind ? { rateLimitType: errorKind } : {}),
    });
    if (resp.statusCode === 429) metrics.upstream429.inc({ pool });
    if (resp.statusCode < 500 && resp.statusCode !== 429 && resp.statusCode !== 408) {
      return { kind: 'response', resp, lease, sentAt, receivedAt, retries };
    }
    const decision = engine.retryDecision(
      pool,
      attempt,
      resp.statusCode,
      headers,
      errorKind ? { errorCode: errorKind } : {},
    );
    if (!decision.retry || attempt >= config.retry.max_attempts)
      return { kind: 'response', resp, lease, sentAt, receivedAt, retries, ...(body ? { body } : {}) };
    if (!body) await resp.dump();
    lease.cancel();
    const next = await retryAfter(ctx, pool, decision.delayMs, decision.reason, input, request.signal);
    if (next.kind !== 'lease') return { ...next, retries };
    lease = next.lease;
    retries++;
  }
}

async function readSmall(resp: Exchange): Promise<Buffer> {
  try {
    return await resp.bytes();
  } catch {
    return Buffer.alloc(0);
  }
}

/** `insufficient_quota` wins (never retried); else the 429's type: tokens | requests. */
function errorKindOf(body: Buffer): string | undefined {
  try {
    const err = (JSON.parse(body.toString('utf8')) as { error?: { type?: unknown; code?: unknown } }).error;
    if (err?.code === 'insufficient_quota' || err?.type === 'insufficient_quota') return 'insufficient_quota';
    return typeof err?.type === 'string' ? err.type : typeof err?.code === 'string' ? err.code : undefined;
  } catch {
    return undefined;
  }
}

type Next = { kind: 'lease'; lease: Lease } | { kind: 'shed'; error: PacerError } | { kind: 'aborted' };

async function retryAfter(
  ctx: GatewayContext,
  pool: string,
  delayMs: number,
  reason: string,
  input: ForwardInput,
  signal: AbortSignal,
): Promise<Next> {
  ctx.metrics.retries.inc({ pool, reason });
  await sleep(delayMs, signal);
  if (signal.aborted) return { kind: 'aborted' };
  const again = await input.reacquire();
  if (again.ok) return { kind: 'lease', lease: again.lease };
  if (again.reason === 'aborted') return { kind: 'aborted' };
  return { kind: 'shed', error: shedError(again) };
}

/** The client-facing error for a request the engine would not admit. */
export function shedError(result: Extract<AcquireResult, { ok: false }>): PacerError {
  const retryAfterMs = result.retryAfterMs;
  switch (result.reason) {
    case 'too_large':
      return new PacerError('PACER_REQUEST_TOO_LARGE', result.message);
    case 'breaker_open':
      return new PacerError('PACER_BREAKER_OPEN', result.message, { retryAfterMs });
    case 'closed':
      return new PacerError('PACER_UPSTREAM_UNAVAILABLE', result.message, { retryAfterMs });
    default:
      return new PacerError('PACER_DEADLINE_EXCEEDED', result.message, { retryAfterMs });
  }
}
