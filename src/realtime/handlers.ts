import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { PacerError } from '../core/errors.js';
import type { RealtimeBroker } from './broker.js';
import {
  EXPOSED_HEADERS,
  keyOf,
  parseJson,
  parseMultipart,
  readBody,
  rejectUpgrade,
  sendError,
} from './http-io.js';
import { createRelay } from './relay.js';
import { parseClientSecretsBody } from './session-config.js';
import type { SessionConfig } from './types.js';

export interface RealtimePrincipal {
  tenant: string;
  keyId: string;
  /** When the key belongs to one end user, that user (it wins over any header or body field). */
  user?: string;
}

export interface RealtimeHandlerOptions {
  /** The virtual key was found in the Authorization/api-key header or the browser subprotocol. */
  authenticate(
    req: IncomingMessage,
    key: string | undefined,
  ): RealtimePrincipal | null | Promise<RealtimePrincipal | null>;
  /** Sent as Access-Control-Allow-Origin on answers given directly (the gateway's CORS otherwise). */
  allowOrigin?: string;
}

export interface RealtimeHandlers {
  clientSecrets(req: IncomingMessage, res: ServerResponse): Promise<void>;
  calls(req: IncomingMessage, res: ServerResponse): Promise<void>;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void>;
  close(): void;
}

const JSON_LIMIT = 1024 * 1024;

/** node:http glue: the gateway (or any server) mounts these three in a few lines. */
export function createRealtimeHandlers(
  broker: RealtimeBroker,
  opts: RealtimeHandlerOptions,
): RealtimeHandlers {
  const relay = createRelay(broker);
  const cors: Record<string, string> = { 'access-control-expose-headers': EXPOSED_HEADERS };
  if (opts.allowOrigin) cors['access-control-allow-origin'] = opts.allowOrigin;

  async function principalOf(req: IncomingMessage): Promise<RealtimePrincipal> {
    const key = keyOf(req);
    const p = key ? await opts.authenticate(req, key) : null;
    if (!p)
      throw new PacerError(
        'PACER_INVALID_API_KEY',
        key ? 'Incorrect API key provided.' : "You didn't provide an API key.",
      );
    return p;
  }
  /** The end user: the key's own user, else x-pacer-user, else the body's `user`, else the key itself. */
  const userOf = (req: IncomingMessage, p: RealtimePrincipal, bodyUser?: string): string => {
    const header = req.headers['x-pacer-user'];
    return (
      p.user ??
      (typeof header === 'string' && header !== '' ? header : undefined) ??
      bodyUser ??
      `key:${p.keyId}`
    );
  };
  const deadlineOf = (req: IncomingMessage): { maxWaitMs?: number } => {
    const v = Number(req.headers['x-pacer-deadline-ms']);
    return Number.isFinite(v) && v >= 0 && req.headers['x-pacer-deadline-ms'] !== undefined
      ? { maxWaitMs: v }
      : {};
  };
  const allowedOnly = (s: SessionConfig | undefined): SessionConfig | undefined => {
    if (!s) return undefined;
    const out: SessionConfig = {};
    for (const k of broker.allowedOverrides) if (s[k] !== undefined) out[k] = s[k];
    return out;
  };

  return {
    async clientSecrets(req, res) {
      const started = Date.now();
      try {
        if (req.method !== 'POST') throw new PacerError('PACER_METHOD_NOT_ALLOWED', 'Use POST.');
        const p = await principalOf(req);
        const body = parseClientSecretsBody(parseJson(await readBody(req, JSON_LIMIT)));
        const out = await broker.mint({
          tenant: p.tenant,
          user: userOf(req, p, body.user),
          ...(body.session ? { session: allowedOnly(body.session) ?? {} } : {}),
          ...(body.expiresAfterSeconds === undefined
            ? {}
            : { expiresAfterSeconds: body.expiresAfterSeconds }),
          ...deadlineOf(req),
        });
        const json = JSON.stringify(out.body);
        res.writeHead(200, {
          ...cors,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(json),
          'cache-control': 'no-store',
          'x-pacer-reused': out.reused ? '1' : '0',
          'x-pacer-shared': out.shared ? '1' : '0',
          'x-pacer-queue-ms': String(Date.now() - started),
        });
        res.end(json);
      } catch (err) {
        sendError(res, err, cors);
      }
    },

    async calls(req, res) {
      try {
        if (req.method !== 'POST') throw new PacerError('PACER_METHOD_NOT_ALLOWED', 'Use POST.');
        const p = await principalOf(req);
        const ct = req.headers['content-type'] ?? '';
        const raw = await readBody(req, JSON_LIMIT);
        let sdp: string;
        let session: SessionConfig | undefined;
        if (ct.startsWith('application/sdp')) {
          sdp = raw.toString('utf8');
        } else if (ct.startsWith('multipart/form-data')) {
          const parts = parseMultipart(raw, ct);
          const sdpPart = parts.find((x) => x.name === 'sdp');
          if (!sdpPart)
            throw new PacerError('PACER_INVALID_REQUEST', 'The multipart body needs an `sdp` part.', {
              param: 'sdp',
            });
          sdp = sdpPart.data.toString('utf8');
          const sessionPart = parts.find((x) => x.name === 'session');
          if (sessionPart) session = parseJson(sessionPart.data) as SessionConfig;
        } else {
          throw new PacerError(
            'PACER_INVALID_REQUEST',
            'Send the SDP offer as application/sdp, or multipart/form-data with `sdp` and `session`.',
          );
        }
        if (!sdp.startsWith('v=0'))
          throw new PacerError('PACER_INVALID_REQUEST', 'The body is not an SDP offer.', { param: 'sdp' });
        const out = await broker.createCall({
          tenant: p.tenant,
          user: userOf(req, p),
          sdp,
          ...(session ? { session: allowedOnly(session) ?? {} } : {}),
          ...deadlineOf(req),
        });
        res.writeHead(201, {
          ...cors,
          'content-type': 'application/sdp',
          'content-length': Buffer.byteLength(out.sdp),
          location: out.location,
        });
        res.end(out.sdp);
      } catch (err) {
        sendError(res, err, cors);
      }
    },

    async upgrade(req, socket, head) {
      try {
        const p = await principalOf(req);
        const url = new URL(req.url ?? '/', 'http://local');
        await relay.handle(req, socket, head, {
          tenant: p.tenant,
          user: userOf(req, p, url.searchParams.get('user') ?? undefined),
          query: upstreamQuery(url.searchParams),
        });
      } catch (err) {
        rejectUpgrade(socket, err);
      }
    },
    close: () => relay.close(),
  };
}

/** Only what the upstream understands goes on: model, call_id, intent. */
function upstreamQuery(q: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams();
  for (const k of ['model', 'call_id', 'intent']) {
    const v = q.get(k);
    if (v) out.set(k, v);
  }
  return out;
}
