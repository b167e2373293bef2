/** Small node:http helpers shared by the routes: request ids, JSON answers, the error boundary, CORS, body reading. */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { PacerError } from '../core/errors.js';

// "req_" + 32 hex like OpenAI; a random per-process prefix plus a counter keeps it cheap.
const ID_PREFIX = `req_${randomBytes(8).toString('hex')}`;
let idCounter = 0;
export function newRequestId(): string {
  idCounter = (idCounter + 1) % 0x1_0000_0000;
  return ID_PREFIX + idCounter.toString(16).padStart(16, '0');
}

export const EXPOSED_HEADERS = [
  'retry-after',
  'retry-after-ms',
  'x-request-id',
  'x-ratelimit-limit-requests',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-reset-requests',
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-tokens',
  'x-pacer-model',
  'x-pacer-queue-ms',
  'x-pacer-retries',
  'x-pacer-estimated-tokens',
  'x-pacer-degraded',
  'x-pacer-error-code',
].join(', ');

export interface Cors {
  /** Headers to add to an answer for this request (empty when it has no allowed Origin). */
  headersFor(req: IncomingMessage): Record<string, string>;
  /** Answers an OPTIONS preflight. */
  preflight(req: IncomingMessage, res: ServerResponse): void;
}

const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

export function createCors(origins: readonly string[]): Cors {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  const headersFor = (req: IncomingMessage): Record<string, string> => {
    const origin = req.headers.origin;
    if (origin === undefined || (!any && !allowed.has(origin))) return NO_HEADERS;
    return {
      'access-control-allow-origin': any ? '*' : origin,
      'access-control-expose-headers': EXPOSED_HEADERS,
      vary: 'Origin',
    };
  };
  return {
    headersFor,
    preflight(req, res) {
      const base = headersFor(req);
      res.writeHead(204, {
        ...base,
        'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
        'access-control-allow-headers':
          req.headers['access-control-request-headers'] ??
          'authorization, content-type, api-key, x-pacer-priority, x-pacer-deadline-ms, idempotency-key',
        'access-control-max-age': '600',
        'content-length': '0',
      });
      res.end();
    },
  };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** The one boundary that turns any failure into an OpenAI-shaped answer (never a stack trace). */
export function toPacerError(err: unknown): PacerError {
  if (err instanceof PacerError) return err;
  return new PacerError('PACER_INTERNAL', 'The gateway had an internal error while processing your request.');
}

export function sendError(
  res: ServerResponse,
  err: unknown,
  requestId: string,
  extra: OutgoingHttpHeaders = {},
): PacerError {
  const e = toPacerError(err);
  if (res.headersSent) {
    res.destroy();
    return e;
  }
  sendJson(res, e.status, e.toBody(), { ...extra, ...e.responseHeaders(), 'x-request-id': requestId });
  return e;
}

/** Reads the whole body up to `maxBytes`; a larger body is a 413 before it is all buffered. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > maxBytes) {
    req.resume();
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

function tooLarge(maxBytes: number): PacerError {
  return new PacerError(
    'PACER_REQUEST_TOO_LARGE',
    `The request body is larger than the configured cap of ${maxBytes} bytes.`,
  );
}

/** The bearer token of `Authorization: Bearer …`, or the `api-key` header (Azure style). */
export function bearerOf(req: Pick<IncomingMessage, 'headers'>): string | undefined {
  const auth = req.headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer\s+(.+)$/i.exec(auth);
    return m?.[1]?.trim();
  }
  const key = req.headers['api-key'];
  return typeof key === 'string' ? key.trim() : undefined;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
