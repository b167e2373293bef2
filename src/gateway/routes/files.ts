/**
 * /v1/files with tenants: an upload streams to the upstream while the gateway reads its form on
 * the side (purpose, and for a batch input the models its lines ask for), capped at
 * max_body_bytes; the new file id is recorded as the tenant's before the answer goes out. List,
 * retrieve, content and delete show a tenant its own files only; any other id gets the
 * upstream's "No such File object" answer.
 */
import { PacerError } from '../../core/errors.js';
import type { GatewayContext } from '../context.js';
import { createUploadInspector } from '../files/upload-inspector.js';
import { claimOrUndo } from '../ownership/claim-or-undo.js';
import { sendOwnedList } from '../ownership/owned-list.js';
import type { Ownership } from '../ownership/ownership.js';
import {
  callUpstream,
  jsonObjectOf,
  readAnswer,
  relayAnswer,
  sendAnswer,
  type Exchange,
} from './exchange.js';
import type { RouteHandler } from './inference.js';
import { createPassthroughRoute, createResourceRoute, pipeUpstream } from './passthrough.js';
import { resourcePathOf } from './resource-path.js';

/** GET /v1/files: the upstream's default and largest page is 10,000 files. */
const FILE_LIST = { defaultLimit: 10_000, maxLimit: 10_000, maxPages: 10 };

export function createFilesRoute(ctx: GatewayContext, ownership: Ownership | undefined): RouteHandler {
  if (!ownership) return createPassthroughRoute(ctx, 'files');
  return createResourceRoute(ctx, 'files', async (x) => {
    const { id } = resourcePathOf(x.req.url, 'files');
    const method = x.req.method;
    if (id === undefined)
      return method === 'POST' ? upload(ctx, x, ownership) : sendOwnedList(ctx, x, ownership, FILE_LIST);
    await ownership.require(x.principal.tenant, 'file', id);
    const status = await pipeUpstream(ctx, x);
    if (method === 'DELETE' && status === 200) await ownership.release(id);
    return status;
  });
}

async function upload(ctx: GatewayContext, x: Exchange, ownership: Ownership): Promise<number> {
  const cap = ctx.config.max_body_bytes;
  if (Number(x.req.headers['content-length'] ?? NaN) > cap) throw tooLarge(cap);
  const inspector = createUploadInspector(x.req.headers['content-type'], cap);
  x.req.pipe(inspector.stream);
  x.req.once('error', (err) => inspector.stream.destroy(err));
  let resp;
  try {
    resp = await callUpstream(ctx, x, { method: 'POST', path: x.req.url ?? '/', body: inspector.stream });
  } catch (err) {
    if (inspector.result().overCap) throw tooLarge(cap);
    throw err;
  }
  if (!resp) return 499;
  if (resp.statusCode !== 200) return relayAnswer(ctx, x, resp);
  const body = await readAnswer(resp);
  const file = jsonObjectOf(body);
  const fileId = file?.['id'];
  if (typeof fileId !== 'string') return sendAnswer(x, resp, body);
  const seen = inspector.result();
  const expiresAt = file?.['expires_at'];
  const ttlMs = typeof expiresAt === 'number' ? Math.max(1, expiresAt * 1000 - ctx.clock.now()) : undefined;
  const input = seen.purpose === 'batch' ? seen.file : undefined;
  const claim = () =>
    ownership.claim(x.principal.tenant, fileId, { input, ...(ttlMs === undefined ? {} : { ttlMs }) });
  await claimOrUndo(ctx, x, fileId, claim, {
    method: 'DELETE',
    path: `/v1/files/${encodeURIComponent(fileId)}`,
  });
  return sendAnswer(x, resp, body);
}

function tooLarge(cap: number): PacerError {
  return new PacerError(
    'PACER_REQUEST_TOO_LARGE',
    `The request body is larger than the configured cap of ${cap} bytes.`,
  );
}
