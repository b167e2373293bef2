import type { IncomingMessage, ServerResponse } from 'node:http';
import { objectNotFound } from '../../core/openai/not-found.js';
import { paginate, parseLimit } from '../batches/list.js';
import type { SimContext } from '../context.js';
import { streamFrames, type StreamParts } from '../pipeline.js';
import {
  currentObject,
  deleteStoredResponse,
  isRunning,
  storedResponse,
  type StoredResponse,
} from './response-store.js';
import { buildResponsesStream } from './responses-stream.js';

/**
 * GET /v1/responses/{id} (JSON, or `?stream=true[&starting_after=N]` to replay its events),
 * DELETE /v1/responses/{id}, POST /v1/responses/{id}/cancel, GET /v1/responses/{id}/input_items.
 */
function partsOf(url: URL): string[] {
  return url.pathname
    .slice('/v1/responses/'.length)
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
}

function invalidUrl(ctx: SimContext, req: IncomingMessage, res: ServerResponse, url: URL): void {
  ctx.sendError(res, 404, `Invalid URL (${req.method ?? 'GET'} ${url.pathname})`, { code: null });
}

function find(ctx: SimContext, res: ServerResponse, id: string): StoredResponse | undefined {
  const s = storedResponse(ctx, id);
  if (s) return s;
  const e = objectNotFound('response', id);
  ctx.sendError(res, e.status, e.message, { param: e.param, code: e.code });
  return undefined;
}

export function handleGetResponse(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): void {
  const [id, sub, ...rest] = partsOf(url);
  if (id === undefined || rest.length > 0 || (sub !== undefined && sub !== 'input_items'))
    return invalidUrl(ctx, req, res, url);
  const s = find(ctx, res, id);
  if (!s) return;
  if (sub === 'input_items') return listInputItems(ctx, res, url, s);
  if (url.searchParams.get('stream') === 'true') return replay(ctx, res, url, s);
  ctx.sendJson(res, 200, currentObject(s, ctx.clock.now()), { model: s.r.model });
}

export function handleDeleteResponse(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): void {
  req.resume();
  const [id, ...rest] = partsOf(url);
  if (id === undefined || rest.length > 0) return invalidUrl(ctx, req, res, url);
  if (!find(ctx, res, id)) return;
  deleteStoredResponse(ctx, id);
  ctx.sendJson(res, 200, { id, object: 'response', deleted: true });
}

/** POST /v1/responses/{id}/cancel: only background responses; a finished one is returned as it is. */
export function handleResponseAction(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): void {
  req.resume();
  const [id, action, ...rest] = partsOf(url);
  if (id === undefined || action !== 'cancel' || rest.length > 0) return invalidUrl(ctx, req, res, url);
  const s = find(ctx, res, id);
  if (!s) return;
  if (!s.r.echo.background) {
    ctx.sendError(res, 400, 'Cannot cancel a synchronous response.', { param: null, code: null });
    return;
  }
  const now = ctx.clock.now();
  if (isRunning(s, now)) s.cancelledAt = Math.floor(now / 1000);
  ctx.sendJson(res, 200, currentObject(s, now), { model: s.r.model });
}

function listInputItems(ctx: SimContext, res: ServerResponse, url: URL, s: StoredResponse): void {
  const limit = parseLimit(url.searchParams.get('limit'), 20, 100);
  if (limit === undefined) {
    ctx.sendError(res, 400, 'Invalid limit: must be an integer between 1 and 100.', { param: 'limit' });
    return;
  }
  const order = url.searchParams.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') {
    ctx.sendError(res, 400, `Invalid value: '${order}'. Supported values are: 'asc' and 'desc'.`, {
      param: 'order',
      code: 'invalid_value',
    });
    return;
  }
  const items = (order === 'asc' ? s.inputItems : [...s.inputItems].reverse()) as { id: string }[];
  ctx.sendJson(res, 200, paginate(items, url.searchParams.get('after'), limit));
}

/**
 * The response's events again, after `starting_after` when given. A background response still
 * generating streams the rest over the time it has left; a cancelled one ends after its opening
 * events.
 */
function replay(ctx: SimContext, res: ServerResponse, url: URL, s: StoredResponse): void {
  const after = Number(url.searchParams.get('starting_after') ?? -1);
  const obf = s.r.includeObfuscation ? ctx.rng('obfuscation') : undefined;
  const built = buildResponsesStream(s.r, s.c, s.ids, s.completedAt, obf);
  const events = (built.head + built.frames.join('') + built.tail)
    .split('\n\n')
    .filter((e) => e !== '')
    .map((e) => `${e}\n\n`);
  const opening = s.cancelledAt === null ? events : events.slice(0, 2);
  const kept = opening.filter((e) => Number(/"sequence_number":(\d+)/.exec(e)?.[1] ?? -1) > after);
  const now = ctx.clock.now();
  const left = isRunning(s, now) ? s.doneAt - now : 0;
  const parts: StreamParts = { head: '', frames: kept, tail: '' };
  const msPerToken = kept.length > 0 ? left / kept.length : 0;
  streamFrames(
    ctx,
    res,
    ctx.headers({ model: s.r.model }),
    parts,
    { ttftMs: 0, msPerToken },
    { kind: 'none' },
  );
}
