import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { authorize } from './auth.js';
import { BodyTooLargeError } from './http.js';
import { createBatchRoutes } from './batches/index.js';
import type { SimContext } from './context.js';
import { createRealtimeRoutes } from './realtime/index.js';
import { handleChatCompletions } from './routes/chat.js';
import { handleEmbeddings } from './routes/embeddings.js';
import { handleGetModel, handleListModels } from './routes/models.js';
import { handleInputTokens, handleResponses } from './routes/responses.js';
import {
  handleDeleteResponse,
  handleGetResponse,
  handleResponseAction,
} from './routes/response-retrieval.js';
import { handleSimReset, handleSimStats } from './routes/sim.js';

/** One endpoint: gets the parsed URL; auth has already been checked for /v1 routes. */
export type RouteHandler = (
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
) => Promise<void> | void;

/**
 * A mounted group of routes (files, batches, realtime): answers and returns true when it owns
 * the request, false otherwise. Groups do their own auth (ctx + ./auth.js `authorize`), since
 * some accept ephemeral keys.
 */
export type MountedRoutes = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

/** A mounted WebSocket upgrade handler: returns true when it took the socket. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) => boolean;

export interface SimApp {
  handleRequest(req: IncomingMessage, res: ServerResponse): void;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Called by close(): mounted modules release timers and sockets here. */
  close(): Promise<void>;
}

interface Route {
  method: string;
  /** Exact path, or a prefix ending in "/" matched with a non-empty remainder. */
  path: string;
  auth: boolean;
  handler: RouteHandler;
}

/** The route table, readable top to bottom. */
const ROUTES: Route[] = [
  { method: 'POST', path: '/v1/chat/completions', auth: true, handler: handleChatCompletions },
  { method: 'POST', path: '/v1/responses', auth: true, handler: handleResponses },
  { method: 'POST', path: '/v1/responses/input_tokens', auth: true, handler: handleInputTokens },
  { method: 'GET', path: '/v1/responses/', auth: true, handler: handleGetResponse },
  { method: 'DELETE', path: '/v1/responses/', auth: true, handler: handleDeleteResponse },
  { method: 'POST', path: '/v1/responses/', auth: true, handler: handleResponseAction },
  { method: 'POST', path: '/v1/embeddings', auth: true, handler: handleEmbeddings },
  { method: 'GET', path: '/v1/models', auth: true, handler: handleListModels },
  { method: 'GET', path: '/v1/models/', auth: true, handler: handleGetModel },
  { method: 'GET', path: '/sim/stats', auth: false, handler: handleSimStats },
  { method: 'POST', path: '/sim/reset', auth: false, handler: handleSimReset },
];

export function createSimApp(ctx: SimContext): SimApp {
  const mounts: MountedRoutes[] = [];
  const upgrades: UpgradeHandler[] = [];
  const closers: (() => Promise<void> | void)[] = [];

  // ROUTES: batches + realtime are mounted here
  const batches = createBatchRoutes(ctx);
  mounts.push(batches.routes);
  closers.push(batches.close);
  const realtime = createRealtimeRoutes(ctx);
  mounts.push(realtime.routes);
  upgrades.push(realtime.upgrade);
  closers.push(realtime.close);

  const dispatch = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://sim.local');
    const path =
      url.pathname.length > 1 && url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname;
    const method = req.method ?? 'GET';
    let pathMatched = false;
    for (const r of ROUTES) {
      const hit = r.path.endsWith('/')
        ? path.startsWith(r.path) && path.length > r.path.length
        : path === r.path;
      if (!hit) continue;
      pathMatched = true;
      if (r.method !== method) continue;
      if (r.auth && !authorize(ctx, req, res)) return drain(req);
      await r.handler(ctx, req, res, url);
      return;
    }
    for (const m of mounts) if (await m(req, res, url)) return;
    drain(req);
    if (pathMatched) {
      ctx.sendError(res, 405, `Invalid method for URL (${method} ${path})`, { code: 'method_not_allowed' });
    } else {
      ctx.sendError(res, 404, `Invalid URL (${method} ${path})`, { code: null });
    }
  };

  return {
    handleRequest(req, res) {
      dispatch(req, res).catch((err: unknown) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        if (err instanceof BodyTooLargeError) {
          ctx.sendError(res, 413, 'The request body is too large.', { code: 'request_too_large' });
          return;
        }
        ctx.stats.add('errors_5xx');
        ctx.sendError(res, 500, 'The server had an error while processing your request. Sorry about that!', {
          type: 'server_error',
          code: null,
        });
        if (process.env['PACER_SIM_DEBUG']) console.error(err);
      });
    },
    handleUpgrade(req, socket, head) {
      const url = new URL(req.url ?? '/', 'http://sim.local');
      for (const u of upgrades) if (u(req, socket, head, url)) return;
      socket.end(
        'HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n' +
          JSON.stringify({
            error: {
              message: `Invalid URL (GET ${url.pathname})`,
              type: 'invalid_request_error',
              param: null,
              code: null,
            },
          }),
      );
    },
    async close() {
      for (const c of closers) await c();
    },
  };
}

/** Let an unread body flow away so keep-alive connections stay usable. */
function drain(req: IncomingMessage): void {
  if (!req.readableEnded) req.resume();
}
