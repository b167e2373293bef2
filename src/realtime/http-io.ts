import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { PacerError } from '../core/errors.js';

/** Browsers may read these on answers this module sends itself (the gateway's CORS adds its own). */
export const EXPOSED_HEADERS =
  'retry-after, retry-after-ms, x-request-id, x-pacer-error-code, x-pacer-queue-ms, x-pacer-reused, x-pacer-shared, location';

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new PacerError('PACER_REQUEST_TOO_LARGE', `The body is over ${limit} bytes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function parseJson(buf: Buffer): unknown {
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    throw new PacerError('PACER_INVALID_JSON', 'We could not parse the JSON body of your request.');
  }
}

/** Any failure becomes an OpenAI-shaped body; unknown errors never leak their message or stack. */
export function toPacerError(err: unknown): PacerError {
  if (err instanceof PacerError) return err;
  return new PacerError('PACER_INTERNAL', 'The realtime broker failed unexpectedly.');
}

export function sendError(res: ServerResponse, err: unknown, extra: Record<string, string> = {}): void {
  const e = toPacerError(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(e.toBody());
  res.writeHead(e.status, {
    ...extra,
    ...e.responseHeaders(),
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Refuses a WebSocket upgrade with a plain HTTP answer (what the SDK reports as unexpected-response). */
export function rejectUpgrade(socket: Duplex, err: unknown): void {
  const e = toPacerError(err);
  const body = JSON.stringify(e.toBody());
  const headers = {
    ...e.responseHeaders(),
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  };
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  if (socket.writable)
    socket.end(`HTTP/1.1 ${e.status} ${STATUS_CODES[e.status] ?? ''}\r\n${head}\r\n${body}`);
  socket.destroy();
}

/** The key from `Authorization: Bearer`, `api-key`, or the browser subprotocol `openai-insecure-api-key.<key>`. */
export function keyOf(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const apiKey = req.headers['api-key'];
  if (typeof apiKey === 'string' && apiKey !== '') return apiKey;
  const protocols = req.headers['sec-websocket-protocol'];
  if (typeof protocols === 'string') {
    for (const p of protocols.split(',')) {
      const t = p.trim();
      if (t.startsWith('openai-insecure-api-key.')) return t.slice('openai-insecure-api-key.'.length);
    }
  }
  return undefined;
}

export interface MultipartPart {
  name: string;
  contentType: string | undefined;
  data: Buffer;
}

/** A small multipart/form-data reader for the two parts of a calls request (sdp, session). */
export function parseMultipart(body: Buffer, contentType: string): MultipartPart[] {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) throw new PacerError('PACER_INVALID_REQUEST', 'multipart/form-data without a boundary.');
  const delim = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delim);
  while (pos !== -1) {
    const start = pos + delim.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delim, start);
    if (next === -1) break;
    const part = body.subarray(start + 2, next - 2); // skip CRLF after delimiter and before the next
    const split = part.indexOf('\r\n\r\n');
    if (split !== -1) {
      const headers = part.subarray(0, split).toString('utf8');
      const name = /name="([^"]*)"/i.exec(headers)?.[1];
      const ct = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim();
      if (name !== undefined) parts.push({ name, contentType: ct, data: part.subarray(split + 4) });
    }
    pos = next;
  }
  return parts;
}
