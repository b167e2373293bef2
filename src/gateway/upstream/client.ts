/**
 * The upstream connection: one undici Pool per upstream origin, keep-alive, no pipelining.
 * Swaps the client's credentials for the upstream key and strips hop-by-hop headers both ways.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import { Exchange } from './exchange.js';

// RFC 9110 §7.6.1 hop-by-hop headers, plus what must not cross the gateway.
const DROP_REQUEST = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'authorization',
  'api-key',
  'accept-encoding',
  'cookie',
  'origin',
  // The gateway's key decides which organization and project are billed, never a tenant.
  'openai-organization',
  'openai-project',
]);
const DROP_RESPONSE = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'set-cookie',
  'access-control-expose-headers',
  'access-control-allow-origin',
  // The operator's organization and project are not the tenants' business.
  'openai-organization',
  'openai-project',
]);

export interface UpstreamOptions {
  /** Base URL including the version prefix, e.g. http://127.0.0.1:4010/v1 */
  baseUrl: string;
  apiKey: string | undefined;
  connections: number;
  timeoutMs: number;
  idleTimeoutMs: number;
}

export interface UpstreamRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Client path starting with /v1/ (query included). */
  path: string;
  headers: IncomingHttpHeaders;
  body?: Buffer | NodeJS.ReadableStream | null;
  signal?: AbortSignal;
}

export interface Upstream {
  readonly baseUrl: string;
  /** A response with a Readable body (pass-through routes: bodies streamed both ways). */
  request(req: UpstreamRequest): Promise<Dispatcher.ResponseData>;
  /** The hot path: a buffered request body, the answer pushed to a sink (see Exchange). */
  exchange(req: UpstreamRequest & { body: Buffer }): Promise<Exchange>;
  close(): Promise<void>;
}

export function createUpstream(opts: UpstreamOptions): Upstream {
  const url = new URL(opts.baseUrl);
  const prefix = url.pathname.replace(/\/+$/, '');
  const pool = new Pool(url.origin, {
    connections: opts.connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.idleTimeoutMs,
  });
  const auth = `Bearer ${opts.apiKey ?? 'sk-pacer-simulator'}`;
  const headersFor = (req: UpstreamRequest): Record<string, string | string[]> => {
    const headers: Record<string, string | string[]> = {};
    for (const name in req.headers) {
      if (DROP_REQUEST.has(name) || name.startsWith('x-pacer-')) continue;
      const v = req.headers[name];
      if (v !== undefined) headers[name] = v;
    }
    headers['authorization'] = auth;
    headers['accept-encoding'] = 'identity';
    if (Buffer.isBuffer(req.body)) headers['content-length'] = String(req.body.length);
    else if (req.body && req.headers['content-length'] !== undefined)
      headers['content-length'] = req.headers['content-length'];
    return headers;
  };
  return {
    baseUrl: opts.baseUrl,
    request(req) {
      const options: Dispatcher.RequestOptions = {
        method: req.method,
        path: prefix + req.path.slice(3),
        headers: headersFor(req),
        body: (req.body ?? null) as Buffer | Readable | null,
      };
      if (req.signal) options.signal = req.signal;
      return pool.request(options);
    },
    exchange(req) {
      const x = new Exchange();
      const signal = req.signal;
      if (signal) {
        if (signal.aborted) x.abort();
        else signal.addEventListener('abort', () => x.abort());
      }
      pool.dispatch(
        { method: req.method, path: prefix + req.path.slice(3), headers: headersFor(req), body: req.body },
        x,
      );
      return x.head;
    },
    close: () => pool.close(),
  };
}

/** Upstream response headers fit to pass on to the client. */
export function passHeaders(
  headers: IncomingHttpHeaders,
  streaming: boolean,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    if (DROP_RESPONSE.has(name) || (streaming && name === 'content-length')) continue;
    const v = headers[name];
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/**
 * Lower-case header map with single string values, as the engine's observe() wants. Most answers
 * have no repeated header: the map is then passed as it is (read only), not copied.
 */
export function flatHeaders(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  let flat = true;
  for (const name in headers) {
    if (Array.isArray(headers[name])) {
      flat = false;
      break;
    }
  }
  if (flat) return headers as Record<string, string | undefined>;
  const out: Record<string, string | undefined> = {};
  for (const name in headers) {
    const v = headers[name];
    out[name] = Array.isArray(v) ? v[0] : v;
  }
  return out;
}
