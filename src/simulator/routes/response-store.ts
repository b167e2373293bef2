import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from '../context.js';

/** Stored responses (store: true, the default), newest 1000 per simulator, for GET/DELETE by id. */
const MAX_STORED = 1000;
const stores = new WeakMap<SimContext, Map<string, string>>();

function storeOf(ctx: SimContext): Map<string, string> {
  let s = stores.get(ctx);
  if (!s) {
    s = new Map();
    stores.set(ctx, s);
  }
  return s;
}

export function storeResponse(ctx: SimContext, id: string, json: string): void {
  const s = storeOf(ctx);
  if (s.size >= MAX_STORED) {
    const oldest = s.keys().next().value;
    if (oldest !== undefined) s.delete(oldest);
  }
  s.set(id, json);
}

function idFrom(url: URL): string {
  return decodeURIComponent(url.pathname.slice('/v1/responses/'.length).replace(/\/$/, ''));
}

function notFound(ctx: SimContext, res: ServerResponse, id: string): void {
  ctx.sendError(res, 404, `Response with id '${id}' not found.`, { param: 'response_id', code: null });
}

/** GET /v1/responses/{id}. */
export function handleGetResponse(
  ctx: SimContext,
  _req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): void {
  const id = idFrom(url);
  const json = storeOf(ctx).get(id);
  if (json === undefined) return notFound(ctx, res, id);
  ctx.sendJson(res, 200, json);
}

/** DELETE /v1/responses/{id}. */
export function handleDeleteResponse(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): void {
  req.resume();
  const id = idFrom(url);
  if (!storeOf(ctx).delete(id)) return notFound(ctx, res, id);
  ctx.sendJson(res, 200, { id, object: 'response', deleted: true });
}
