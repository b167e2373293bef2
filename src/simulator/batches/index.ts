import type { ServerResponse } from 'node:http';
import { authorize } from '../auth.js';
import type { SimContext } from '../context.js';
import { createBatchBodyRunner } from './batch-bodies.js';
import { createBatchService, type BatchDeps } from './batch-service.js';
import { createBatchesRoutes } from './batches-routes.js';
import { createFileStore } from './file-store.js';
import { createFilesRoutes } from './files-routes.js';
import { createIdGenerator } from './ids.js';
import type { RouteGroup } from './route.js';

export type { RouteGroup } from './route.js';

/** The headers every OpenAI response carries (x-request-id, openai-*), set before the route writes. */
export function setStandardHeaders(ctx: SimContext, res: ServerResponse): void {
  res.setHeader('x-request-id', ctx.requestId());
  res.setHeader('openai-organization', ctx.org);
  res.setHeader('openai-version', '2020-10-01');
  res.setHeader('openai-processing-ms', '0');
  res.setHeader('access-control-expose-headers', 'X-Request-ID');
}

/** `/v1/files` and `/v1/batches`, mounted into the simulator's route table. */
export function createBatchRoutes(
  ctx: SimContext,
  overrides: { runRequest?: BatchDeps['runRequest'] } = {},
): { routes: RouteGroup; close(): void } {
  const now = (): number => ctx.clock.now();
  const ids = createIdGenerator(ctx.rng('batches'));
  const files = createFileStore({ now, ids });
  const batches = createBatchService({
    now,
    ids,
    files,
    runRequest: overrides.runRequest ?? createBatchBodyRunner({ seed: ctx.options.seed, now, ids }),
    delayMs: ctx.scale(ctx.options.batchDelayMs),
  });
  const filesRoutes = createFilesRoutes({ files });
  const batchesRoutes = createBatchesRoutes({ batches, files });
  const routes: RouteGroup = async (req, res, url) => {
    const p = url.pathname;
    const ours =
      p === '/v1/files' || p.startsWith('/v1/files/') || p === '/v1/batches' || p.startsWith('/v1/batches/');
    if (!ours) return false;
    setStandardHeaders(ctx, res);
    if (!authorize(ctx, req, res)) {
      req.resume();
      return true;
    }
    return (await filesRoutes(req, res, url)) || (await batchesRoutes(req, res, url));
  };
  return { routes, close: () => batches.close() };
}
