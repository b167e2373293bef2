import type { IncomingMessage, ServerResponse } from 'node:http';
import { MODELS, findModel, type ModelInfo } from '../../core/models.js';
import type { SimContext } from '../context.js';

/** A fixed creation time per model, so the list is stable across runs. */
const CREATED = 1_715_367_049;

function modelObject(id: string): { id: string; object: 'model'; created: number; owned_by: string } {
  return { id, object: 'model', created: CREATED, owned_by: 'system' };
}

function listIds(): string[] {
  const ids = new Set<string>();
  for (const m of MODELS) {
    ids.add(m.id);
    ids.add(m.snapshot);
  }
  return [...ids];
}

let listBody: string | undefined;

/** GET /v1/models in the real list shape. */
export function handleListModels(ctx: SimContext, _req: IncomingMessage, res: ServerResponse): void {
  listBody ??= JSON.stringify({ object: 'list', data: listIds().map(modelObject) });
  ctx.sendJson(res, 200, listBody);
}

/** GET /v1/models/{id}. */
export function handleGetModel(ctx: SimContext, _req: IncomingMessage, res: ServerResponse, url: URL): void {
  const id = decodeURIComponent(url.pathname.slice('/v1/models/'.length).replace(/\/$/, ''));
  const model: ModelInfo | undefined = findModel(id);
  if (!model) {
    ctx.sendError(res, 404, `The model \`${id}\` does not exist or you do not have access to it.`, {
      code: 'model_not_found',
    });
    return;
  }
  ctx.sendJson(res, 200, modelObject(id), { model });
}
