import type { ServerResponse } from 'node:http';
import { inputFileNotFound, objectNotFound } from '../../core/openai/not-found.js';
import { BATCH_ENDPOINTS } from './batch-input.js';
import type { BatchService } from './batch-service.js';
import type { FileStore } from './file-store.js';
import {
  bearerKey,
  isRecord,
  parseJsonObject,
  readBody,
  sendApiError,
  sendError,
  sendJson,
  sendUnauthorized,
} from './http.js';
import { paginate, parseLimit } from './list.js';
import type { RouteGroup } from './route.js';

/** `/v1/batches`: create, retrieve, list, cancel. */
export function createBatchesRoutes(deps: { batches: BatchService; files: FileStore }): RouteGroup {
  return async (req, res, url) => {
    const parts = url.pathname.split('/').filter(Boolean); // ["v1","batches",id?,"cancel"?]
    if (parts[0] !== 'v1' || parts[1] !== 'batches' || parts.length > 4) return false;
    if (bearerKey(req) === undefined) {
      sendUnauthorized(res, undefined);
      return true;
    }
    const method = req.method ?? 'GET';
    const id = parts[2];
    if (id === undefined) {
      if (method === 'POST') {
        const body = parseJsonObject(res, await readBody(req, 1024 * 1024));
        if (body) create(res, body, deps);
      } else if (method === 'GET') {
        list(res, url, deps.batches);
      } else {
        sendError(res, 405, `Method ${method} not allowed for /v1/batches.`, { code: 'method_not_allowed' });
      }
      return true;
    }
    const batch = deps.batches.get(id);
    if (!batch) {
      sendApiError(res, objectNotFound('batch', id));
    } else if (parts[3] === 'cancel' && method === 'POST') {
      const cancelled = deps.batches.cancel(id);
      if (cancelled) sendJson(res, 200, cancelled);
      else
        sendError(res, 409, `Cannot cancel a batch with status '${batch.status}'.`, {
          code: 'batch_not_cancellable',
        });
    } else if (parts[3] === undefined && method === 'GET') {
      sendJson(res, 200, batch);
    } else {
      sendError(res, 404, `Invalid URL (${method} ${url.pathname})`);
    }
    return true;
  };
}

function create(
  res: ServerResponse,
  body: Record<string, unknown>,
  deps: { batches: BatchService; files: FileStore },
): void {
  const { input_file_id: inputFileId, endpoint, completion_window: window, metadata } = body;
  for (const [name, value] of [
    ['input_file_id', inputFileId],
    ['endpoint', endpoint],
    ['completion_window', window],
  ] as const) {
    if (value === undefined)
      return sendError(res, 400, `Missing required parameter: '${name}'.`, {
        param: name,
        code: 'missing_required_parameter',
      });
    if (typeof value !== 'string')
      return sendError(
        res,
        400,
        `Invalid type for '${name}': expected a string, but got ${typeOf(value)} instead.`,
        { param: name, code: 'invalid_type' },
      );
  }
  const ep = endpoint as string;
  if (!(BATCH_ENDPOINTS as readonly string[]).includes(ep)) {
    return sendError(
      res,
      400,
      `Invalid value: '${ep}'. Supported values are: ${BATCH_ENDPOINTS.map((e) => `'${e}'`).join(', ')}.`,
      { param: 'endpoint', code: 'invalid_value' },
    );
  }
  if (window !== '24h') {
    return sendError(res, 400, `Invalid value: '${String(window)}'. Supported values are: '24h'.`, {
      param: 'completion_window',
      code: 'invalid_value',
    });
  }
  const meta = readMetadata(metadata);
  if (meta === 'invalid') {
    return sendError(
      res,
      400,
      'Invalid metadata: at most 16 string values, keys up to 64 characters and values up to 512.',
      { param: 'metadata', code: 'invalid_value' },
    );
  }
  const file = deps.files.get(inputFileId as string);
  if (!file) return sendApiError(res, inputFileNotFound(inputFileId as string));
  if (file.object.purpose !== 'batch') {
    return sendError(
      res,
      400,
      `The input file '${file.object.id}' must have purpose 'batch', but has purpose '${file.object.purpose}'.`,
      { param: 'input_file_id', code: 'invalid_value' },
    );
  }
  sendJson(res, 200, deps.batches.create({ inputFileId: file.object.id, endpoint: ep, metadata: meta }));
}

function list(res: ServerResponse, url: URL, batches: BatchService): void {
  const limit = parseLimit(url.searchParams.get('limit'), 20, 100);
  if (limit === undefined)
    return sendError(res, 400, 'Invalid limit: must be an integer between 1 and 100.', { param: 'limit' });
  sendJson(res, 200, paginate(batches.list(), url.searchParams.get('after'), limit));
}

function readMetadata(v: unknown): Record<string, string> | null | 'invalid' {
  if (v === undefined || v === null) return null;
  if (!isRecord(v)) return 'invalid';
  const entries = Object.entries(v);
  if (entries.length > 16) return 'invalid';
  for (const [k, val] of entries)
    if (k.length > 64 || typeof val !== 'string' || val.length > 512) return 'invalid';
  return v as Record<string, string>;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
