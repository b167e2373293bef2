import type { IncomingMessage, ServerResponse } from 'node:http';
import { openaiError } from '../../core/errors.js';
import type { ApiErrorFields } from '../../core/openai/not-found.js';

/** Small node:http helpers shared by the files, batches and realtime routes. */

export class BodyTooLargeError extends Error {}

/** Reads the whole request body, refusing more than `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLargeError(`body over ${limit} bytes`);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendError(
  res: ServerResponse,
  status: number,
  message: string,
  opts: { type?: string; code?: string | null; param?: string | null; headers?: Record<string, string> } = {},
): void {
  const body = openaiError(
    message,
    opts.type ?? 'invalid_request_error',
    opts.code ?? null,
    opts.param ?? null,
  );
  sendJson(res, status, body, opts.headers ?? {});
}

/** Sends one of the API's canonical errors (core/openai/not-found.ts). */
export function sendApiError(res: ServerResponse, e: ApiErrorFields): void {
  sendError(res, e.status, e.message, { type: e.type, code: e.code, param: e.param });
}

/** The bearer key from `Authorization` (or Azure-style `api-key`), or undefined. */
export function bearerKey(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m?.[1]) return m[1].trim();
  }
  const apiKey = req.headers['api-key'];
  return typeof apiKey === 'string' && apiKey !== '' ? apiKey : undefined;
}

export function sendUnauthorized(res: ServerResponse, key: string | undefined): void {
  const message =
    key === undefined
      ? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
      : `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`;
  sendError(res, 401, message, { code: key === undefined ? null : 'invalid_api_key' });
}

/** "sk-not-a*********-000" style masking, as the real 401 message shows keys. */
export function maskKey(key: string): string {
  if (key.length <= 12) return `${key.slice(0, 3)}***`;
  return `${key.slice(0, 8)}${'*'.repeat(Math.min(20, key.length - 12))}${key.slice(-4)}`;
}

/** Parses a JSON body into a plain object, or answers 400 and returns undefined. */
export function parseJsonObject(
  res: ServerResponse,
  raw: Buffer,
  allowEmpty = false,
): Record<string, unknown> | undefined {
  if (raw.length === 0 && allowEmpty) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    sendError(
      res,
      400,
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
    );
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    sendError(res, 400, 'The request body must be a JSON object.');
    return undefined;
  }
  return value as Record<string, unknown>;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
