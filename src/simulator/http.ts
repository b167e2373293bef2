import type { IncomingMessage, ServerResponse } from 'node:http';

/** Body size cap for JSON endpoints (the real API accepts large prompts; 64 MiB is plenty). */
export const MAX_JSON_BODY = 64 * 1024 * 1024;

export class BodyTooLargeError extends Error {}

/** Reads the whole body as one Buffer (fast path for the usual single chunk). */
export function readBody(req: IncomingMessage, limit = MAX_JSON_BODY): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop buffering but let the rest flow away, so the 413 can still be answered.
        req.removeAllListeners('data');
        req.resume();
        chunks.length = 0;
        reject(new BodyTooLargeError(`body over ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

/** The bearer key from `Authorization` (or Azure-style `api-key`), or undefined. */
export function bearerKey(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    if (auth.length > 7 && auth.slice(0, 7).toLowerCase() === 'bearer ') {
      const key = auth.slice(7).trim();
      if (key !== '') return key;
    }
    return undefined;
  }
  const apiKey = req.headers['api-key'];
  return typeof apiKey === 'string' && apiKey !== '' ? apiKey : undefined;
}

/** "sk-not-a*********-000" style masking, as the real 401 message shows keys. */
export function maskKey(key: string): string {
  if (key.length <= 12) return `${key.slice(0, 3)}***`;
  return `${key.slice(0, 8)}${'*'.repeat(Math.min(20, key.length - 12))}${key.slice(-4)}`;
}

export function writeJson(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string>,
): void {
  headers['content-type'] = 'application/json';
  headers['content-length'] = String(Buffer.byteLength(text));
  res.writeHead(status, headers);
  res.end(text);
}
