import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

/**
 * The same request with its body already read: a stream of `raw` that carries the original's
 * headers, url and method, for handing to a route that reads the body itself.
 */
export function withBody(req: IncomingMessage, raw: Buffer): IncomingMessage {
  const body = Readable.from(raw.length === 0 ? [] : [raw], { objectMode: false });
  return Object.assign(body, {
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    url: req.url,
    method: req.method,
    httpVersion: req.httpVersion,
    socket: req.socket,
    complete: true,
    aborted: false,
  }) as unknown as IncomingMessage;
}
