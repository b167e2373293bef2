import type { IncomingMessage, ServerResponse } from 'node:http';
import { objectNotFound } from '../../core/openai/not-found.js';
import { FILE_PURPOSES, type FileStore } from './file-store.js';
import {
  BodyTooLargeError,
  bearerKey,
  readBody,
  sendApiError,
  sendError,
  sendJson,
  sendUnauthorized,
} from './http.js';
import { paginate, parseLimit } from './list.js';
import type { RouteGroup } from './route.js';

/** 512 MB is the real per-file cap; batch input files stop at 200 MB. */
const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;
const MAX_BATCH_FILE_BYTES = 200 * 1024 * 1024;

/** `/v1/files`: upload (multipart), list, retrieve, content, delete. */
export function createFilesRoutes(deps: { files: FileStore }): RouteGroup {
  const { files } = deps;
  return async (req, res, url) => {
    const parts = url.pathname.split('/').filter(Boolean); // ["v1","files",id?,"content"?]
    if (parts[0] !== 'v1' || parts[1] !== 'files' || parts.length > 4) return false;
    if (bearerKey(req) === undefined) {
      sendUnauthorized(res, undefined);
      return true;
    }
    const id = parts[2];
    const method = req.method ?? 'GET';
    if (id === undefined) {
      if (method === 'POST') await upload(req, res, files);
      else if (method === 'GET') list(res, url, files);
      else sendError(res, 405, `Method ${method} not allowed for /v1/files.`, { code: 'method_not_allowed' });
      return true;
    }
    const stored = files.get(id);
    if (!stored) {
      sendApiError(res, objectNotFound('file', id));
      return true;
    }
    if (parts[3] === 'content' && method === 'GET') {
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': stored.data.length,
      });
      res.end(stored.data);
    } else if (parts[3] !== undefined) {
      sendError(res, 404, `Invalid URL (${method} ${url.pathname})`);
    } else if (method === 'GET') {
      sendJson(res, 200, stored.object);
    } else if (method === 'DELETE') {
      files.delete(id);
      sendJson(res, 200, { id, object: 'file', deleted: true });
    } else {
      sendError(res, 405, `Method ${method} not allowed for /v1/files/{file_id}.`, {
        code: 'method_not_allowed',
      });
    }
    return true;
  };
}

function list(res: ServerResponse, url: URL, files: FileStore): void {
  const limit = parseLimit(url.searchParams.get('limit'), 10_000, 10_000);
  if (limit === undefined)
    return sendError(res, 400, 'Invalid limit: must be an integer between 1 and 10000.', { param: 'limit' });
  const purpose = url.searchParams.get('purpose');
  let items = files.list();
  if (purpose !== null) items = items.filter((f) => f.purpose === purpose);
  if (url.searchParams.get('order') === 'asc') items = items.reverse();
  sendJson(res, 200, paginate(items, url.searchParams.get('after'), limit));
}

async function upload(req: IncomingMessage, res: ServerResponse, files: FileStore): Promise<void> {
  const contentType = req.headers['content-type'] ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
    return sendError(
      res,
      400,
      'Invalid Content-Type header (' + contentType + '), expected multipart/form-data.',
    );
  }
  let form: FormData;
  try {
    const raw = await readBody(req, MAX_UPLOAD_BYTES);
    // undici's multipart parser (built into Node 20) handles boundaries, quoting and binary parts.
    form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
  } catch (err) {
    if (err instanceof BodyTooLargeError)
      return sendError(res, 413, 'File is too large: the maximum size is 512 MB.', {
        code: 'file_too_large',
      });
    return sendError(res, 400, 'Could not parse multipart form data.');
  }
  const purpose = form.get('purpose');
  if (typeof purpose !== 'string')
    return sendError(res, 400, "Missing required parameter: 'purpose'.", {
      param: 'purpose',
      code: 'missing_required_parameter',
    });
  if (!(FILE_PURPOSES as readonly string[]).includes(purpose)) {
    return sendError(
      res,
      400,
      `'${purpose}' is not one of ${FILE_PURPOSES.map((p) => `'${p}'`).join(', ')} - 'purpose'`,
      { param: 'purpose', code: 'invalid_value' },
    );
  }
  const file = form.get('file');
  if (file === null || typeof file === 'string')
    return sendError(res, 400, "Missing required parameter: 'file'.", {
      param: 'file',
      code: 'missing_required_parameter',
    });
  const data = Buffer.from(await file.arrayBuffer());
  const filename = file.name || 'upload';
  if (purpose === 'batch') {
    if (!filename.endsWith('.jsonl'))
      return sendError(res, 400, 'Invalid file format for Batch API. Must be .jsonl', {
        param: 'file',
        code: 'invalid_file_format',
      });
    if (data.length > MAX_BATCH_FILE_BYTES)
      return sendError(res, 400, 'File is too large for Batch API: the maximum size is 200 MB.', {
        param: 'file',
        code: 'file_too_large',
      });
  }
  const expires = readExpiresAfter(form);
  if (expires === 'invalid') {
    return sendError(
      res,
      400,
      "Invalid 'expires_after': anchor must be 'created_at' and seconds between 3600 and 2592000.",
      { param: 'expires_after' },
    );
  }
  sendJson(res, 200, files.create({ filename, purpose, data, expiresAfterS: expires }));
}

/** `expires_after[anchor]=created_at` + `expires_after[seconds]=N` (1 h .. 30 days). */
function readExpiresAfter(form: FormData): number | undefined | 'invalid' {
  const anchor = form.get('expires_after[anchor]');
  const seconds = form.get('expires_after[seconds]');
  if (anchor === null && seconds === null) return undefined;
  const n = Number(seconds);
  if (anchor !== 'created_at' || !Number.isInteger(n) || n < 3600 || n > 2_592_000) return 'invalid';
  return n;
}
