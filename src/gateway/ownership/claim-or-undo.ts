import { PacerError } from '../../core/errors.js';
import type { GatewayContext } from '../context.js';
import type { Exchange } from '../routes/exchange.js';

/**
 * Records a new object's owner; when that fails (store down), undoes the creation upstream (best
 * effort) so no object is left that nobody can reach, and answers 503.
 */
export async function claimOrUndo(
  ctx: GatewayContext,
  x: Exchange,
  id: string,
  claim: () => Promise<boolean>,
  undo: { method: 'POST' | 'DELETE'; path: string },
): Promise<void> {
  let failure: unknown;
  try {
    if (await claim()) return;
    failure = new PacerError('PACER_INTERNAL', `The gateway already holds ${id} for another tenant.`);
  } catch (err) {
    failure = err;
  }
  const resp = await ctx.upstream
    .request({
      method: undo.method,
      path: undo.path,
      headers: {},
      body: undo.method === 'POST' ? Buffer.alloc(0) : null,
    })
    .catch(() => undefined);
  await resp?.body.dump().catch(() => undefined);
  ctx.log(
    JSON.stringify({
      level: 'error',
      request_id: x.requestId,
      component: 'owners',
      undone: id,
      status: resp?.statusCode ?? 0,
    }),
  );
  throw failure;
}
