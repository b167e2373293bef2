import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from '../context.js';

/** GET /sim/stats: exactly the SimStats shape. */
export function handleSimStats(ctx: SimContext, _req: IncomingMessage, res: ServerResponse): void {
  ctx.sendJson(res, 200, ctx.stats.snapshot());
}

/** POST /sim/reset: zero the counters and refill every bucket. */
export function handleSimReset(ctx: SimContext, req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  ctx.stats.reset();
  ctx.limits.reset();
  ctx.sendJson(res, 200, { ok: true });
}
