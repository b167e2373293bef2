/**
 * Records who created each stored response. POST /v1/responses goes through the paced inference
 * route; its upstream is wrapped here so that a 2xx answer to a request that stores its response
 * (`store` not false, the default; background responses always store) has its `resp_…` id
 * claimed for the caller before the first byte that carries the id reaches the client. The id is
 * the first `"id":"resp_…"` of the body (the JSON object's own id, or the `response.created`
 * event's response); the answer is otherwise passed on unchanged, chunk for chunk.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Transform, pipeline, type Readable } from 'node:stream';
import { arrayBuffer, json, text } from 'node:stream/consumers';
import type { Authenticator } from '../auth.js';
import { bearerOf } from '../http.js';
import type { Upstream } from '../upstream/client.js';
import { RESPONSE_TTL_MS, type Ownership } from './ownership.js';

const STORE = Buffer.from('"store"');
const ID = /"id"\s*:\s*"(resp_[A-Za-z0-9_-]+)"/;
/** Past this many bytes without a response id, stop looking (and claim nothing). */
const HEAD_LIMIT = 64 * 1024;

export interface ResponseClaimsDeps {
  ownership: Ownership;
  auth: Authenticator;
  log: (line: string) => void;
}

export function claimingResponses(upstream: Upstream, deps: ResponseClaimsDeps): Upstream {
  return {
    baseUrl: upstream.baseUrl,
    close: () => upstream.close(),
    async request(req) {
      const resp = await upstream.request(req);
      if (resp.statusCode < 200 || resp.statusCode >= 300 || !Buffer.isBuffer(req.body)) return resp;
      if (!storesResponse(req.body)) return resp;
      const tenant = tenantOf(deps.auth, req.headers);
      if (tenant === undefined) return resp;
      const claim = (id: string): Promise<void> =>
        deps.ownership.claim(tenant, id, { ttlMs: RESPONSE_TTL_MS }).then(
          () => undefined,
          (err: unknown) =>
            // The answer still goes out; the response just cannot be retrieved through the gateway.
            deps.log(
              JSON.stringify({ level: 'error', component: 'owners', response_id: id, error: String(err) }),
            ),
        );
      return { ...resp, body: claimFirstId(resp.body, claim) as unknown as typeof resp.body };
    },
  };
}

function tenantOf(auth: Authenticator, headers: IncomingHttpHeaders): string | undefined {
  const key = bearerOf({ headers });
  return key === undefined ? undefined : auth.principalFor(key)?.tenant;
}

/** `store` is true unless the body says false; the body is parsed only when it names the field. */
function storesResponse(raw: Buffer): boolean {
  if (raw.indexOf(STORE) < 0) return true;
  try {
    return (JSON.parse(raw.toString('utf8')) as { store?: unknown }).store !== false;
  } catch {
    return true;
  }
}

/** The body, unchanged, with the first response id claimed before it is passed on. */
function claimFirstId(body: Readable, claim: (id: string) => Promise<void>): Readable {
  let head: Buffer[] = [];
  let headBytes = 0;
  let looking = true;
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (!looking) return done(null, chunk);
      head.push(chunk);
      headBytes += chunk.length;
      const seen = head.length === 1 ? chunk : Buffer.concat(head, headBytes);
      const m = ID.exec(seen.toString('latin1'));
      if (!m && headBytes < HEAD_LIMIT) return done();
      looking = false;
      head = [];
      if (!m) return done(null, seen);
      void claim(m[1]!).then(() => done(null, seen));
    },
    flush(done) {
      done(null, head.length === 0 ? undefined : Buffer.concat(head, headBytes));
    },
  });
  pipeline(body, t, () => undefined);
  // What undici's body offers besides the stream, for callers that read it whole.
  return Object.assign(t, {
    dump: async () => void t.resume(),
    text: () => text(t),
    json: () => json(t),
    arrayBuffer: () => arrayBuffer(t),
  });
}
