/**
 * /v1/batches with tenants. Create: the input file must be the tenant's own (else the upstream's
 * "File not found" answer), and every model its lines ask for (read at upload) must be in the
 * tenant's plan (403 like the chat route); the new batch is recorded as the tenant's. Retrieve,
 * cancel and list show a tenant its own batches only, and the output and error files of those
 * batches become the tenant's as the gateway relays them.
 */
import { PacerError } from '../../core/errors.js';
import type { BatchInputSummary } from '../../core/openai/batch-input.js';
import { inputFileNotFound } from '../../core/openai/not-found.js';
import { allowsModel } from '../../core/tenancy/index.js';
import type { Principal } from '../auth.js';
import type { GatewayContext } from '../context.js';
import { readBody } from '../http.js';
import { apiError } from '../ownership/api-error.js';
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
import { createPassthroughRoute, createResourceRoute } from './passthrough.js';
import { resourcePathOf } from './resource-path.js';

/** GET /v1/batches: the upstream's default page is 20 batches, its largest 100. */
const BATCH_LIST = { defaultLimit: 20, maxLimit: 100, maxPages: 10 };

export function createBatchesRoute(ctx: GatewayContext, ownership: Ownership | undefined): RouteHandler {
  if (!ownership) return createPassthroughRoute(ctx, 'batches');
  return createResourceRoute(ctx, 'batches', async (x) => {
    const { id } = resourcePathOf(x.req.url, 'batches');
    const tenant = x.principal.tenant;
    const claimFiles = (batches: Record<string, unknown>[]) => claimOutputFiles(ownership, tenant, batches);
    if (id === undefined)
      return x.req.method === 'POST'
        ? create(ctx, x, ownership)
        : sendOwnedList(ctx, x, ownership, BATCH_LIST, claimFiles);
    await ownership.require(tenant, 'batch', id);
    const resp = await callUpstream(ctx, x, {
      method: x.req.method === 'POST' ? 'POST' : 'GET',
      path: x.req.url ?? '/',
      body: x.req.method === 'POST' ? x.req : null,
    });
    if (!resp) return 499;
    if (resp.statusCode !== 200) return relayAnswer(ctx, x, resp);
    const body = await readAnswer(resp);
    const batch = jsonObjectOf(body);
    if (batch) await claimFiles([batch]);
    return sendAnswer(x, resp, body);
  });
}

async function create(ctx: GatewayContext, x: Exchange, ownership: Ownership): Promise<number> {
  const raw = await readBody(x.req, ctx.config.max_body_bytes);
  const fileId = jsonObjectOf(raw)?.['input_file_id'];
  // Anything else malformed is the upstream's to refuse, in its own words.
  if (typeof fileId === 'string') {
    const file = await ownership.ownedBy(x.principal.tenant, fileId);
    if (!file) throw apiError(inputFileNotFound(fileId));
    checkModels(x.principal, fileId, file.input);
  }
  const resp = await callUpstream(ctx, x, { method: 'POST', path: x.req.url ?? '/', body: raw });
  if (!resp) return 499;
  if (resp.statusCode !== 200) return relayAnswer(ctx, x, resp);
  const body = await readAnswer(resp);
  const batch = jsonObjectOf(body);
  const batchId = batch?.['id'];
  if (typeof batchId !== 'string') return sendAnswer(x, resp, body);
  await claimOrUndo(ctx, x, batchId, () => ownership.claim(x.principal.tenant, batchId), {
    method: 'POST',
    path: `/v1/batches/${encodeURIComponent(batchId)}/cancel`,
  });
  return sendAnswer(x, resp, body);
}

/** The plan's model allow-list, applied to every model the input file's lines ask for. */
function checkModels(p: Principal, fileId: string, input: BatchInputSummary | undefined): void {
  const plan = p.plan?.plan;
  if (!plan?.models) return;
  if (!input?.complete) {
    throw new PacerError(
      'PACER_BATCH_INPUT_UNVERIFIED',
      `The models in input file ${fileId} are not known to the gateway, and the plan of tenant ${p.tenant} allows only some models. Upload the file again through the gateway, with at most 64 distinct models.`,
      { param: 'input_file_id' },
    );
  }
  const refused = input.models.find((m) => !allowsModel(plan, m));
  if (refused !== undefined) {
    throw new PacerError(
      'PACER_MODEL_NOT_ALLOWED',
      `The model \`${refused}\` (in input file ${fileId}) is not allowed for tenant ${p.tenant}.`,
      { param: 'input_file_id' },
    );
  }
}

/** A batch's output and error files are its owner's: recorded as the gateway relays the batch. */
async function claimOutputFiles(
  ownership: Ownership,
  tenant: string,
  batches: Record<string, unknown>[],
): Promise<void> {
  const ids = batches
    .flatMap((b) => [b['output_file_id'], b['error_file_id']])
    .filter((v): v is string => typeof v === 'string');
  await Promise.all(ids.map((id) => ownership.claim(tenant, id)));
}
