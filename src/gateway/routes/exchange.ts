/**
 * One client request on a pass-through route and its upstream calls: send with the client's
 * headers (the upstream key replaces the client's), stream an answer back unchanged, or read a
 * small JSON answer whole to look at it before sending it on.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { PacerError } from '../../core/errors.js';
import type { Principal } from '../auth.js';
import type { GatewayContext } from '../context.js';
import { isUpstreamAuthFailure, upstreamAuthFailure } from '../upstream/auth-failure.js';
import { passHeaders } from '../upstream/client.js';
import type { UpstreamRequest } from '../upstream/client.js';
import { relay } from '../upstream/relay.js';

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  principal: Principal;
  cors: Record<string, string>;
  /** Aborted when the client hangs up. */
  signal: AbortSignal;
}

export type UpstreamAnswer = Dispatcher.ResponseData;

/** The largest upstream answer read whole (a list page of 10,000 files is about 3 MB). */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** One upstream call; null when the client went away first. */
export async function callUpstream(
  ctx: GatewayContext,
  x: Exchange,
  request: {
    method: UpstreamRequest['method'];
    path: string;
    body?: UpstreamRequest['body'];
    headers?: IncomingHttpHeaders;
  },
): Promise<UpstreamAnswer | null> {
  let resp: UpstreamAnswer;
  try {
    resp = await ctx.upstream.request({
      method: request.method,
      path: request.path,
      headers: request.headers ?? x.req.headers,
      body: request.body ?? null,
      signal: x.signal,
    });
  } catch (err) {
    if (x.signal.aborted) return null;
    throw new PacerError(
      'PACER_UPSTREAM_ERROR',
      `The upstream could not be reached: ${(err as Error).message}`,
    );
  }
  if (isUpstreamAuthFailure(resp.statusCode)) {
    await resp.body.dump().catch(() => undefined);
    throw upstreamAuthFailure(ctx.log, x.requestId);
  }
  return resp;
}

/** Streams an upstream answer to the client as it arrives (SSE included); resolves with its status. */
export async function relayAnswer(ctx: GatewayContext, x: Exchange, resp: UpstreamAnswer): Promise<number> {
  const sse = String(resp.headers['content-type'] ?? '').startsWith('text/event-stream');
  const headers = { ...passHeaders(resp.headers, sse), ...x.cors };
  headers['x-request-id'] ??= x.requestId;
  await relay(x.res, resp.body, { route: null, sse, status: resp.statusCode, headers, now: ctx.clock.now });
  return resp.statusCode;
}

/** Reads an upstream answer whole (a 502 past MAX_ANSWER_BYTES). */
export async function readAnswer(resp: UpstreamAnswer): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of resp.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_ANSWER_BYTES) {
      resp.body.destroy();
      throw new PacerError('PACER_UPSTREAM_ERROR', 'The upstream answer was larger than the gateway reads.');
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

/** Sends an answer read whole, with the upstream's headers (length recomputed); returns its status. */
export function sendAnswer(x: Exchange, resp: UpstreamAnswer, body: Buffer): number {
  const headers = { ...passHeaders(resp.headers, false), ...x.cors };
  headers['x-request-id'] ??= x.requestId;
  headers['content-length'] = String(body.length);
  x.res.writeHead(resp.statusCode, headers);
  x.res.end(body);
  return resp.statusCode;
}

/** A JSON object answer, or undefined when the bytes are not one. */
export function jsonObjectOf(body: Buffer): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(body.toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
