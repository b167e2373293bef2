/**
 * Next.js App Router route handlers (Web Request -> Response) over the Pacer Realtime broker.
 * They replace the usual `let cached; if (Date.now() - cached.at < 55_000) return cached` module
 * cache: the cache is shared by every instance (Redis), keyed by user and session config, minted
 * once for concurrent callers (single-flight), paced to the upstream's mint limit, and a 429 tells
 * the browser when to retry through headers it is allowed to read.
 *
 * In an app: `import { ... } from 'pacer'`; here the source is imported so CI type-checks it.
 */
import { PacerError } from '../../../src/core/errors.js';
import { EXPOSED_HEADERS, type RealtimeBroker, type SessionConfig } from '../../../src/realtime/index.js';

export interface Identity {
  tenant: string;
  /** Your signed-in user: secrets are cached per user and never handed to anyone else. */
  user: string;
}

export interface RouteOptions {
  broker: RealtimeBroker;
  /** Who is asking (your auth: a session cookie, NextAuth, Clerk...). null = 401. */
  identify(req: Request): Identity | null | Promise<Identity | null>;
}

const BASE_HEADERS = { 'access-control-expose-headers': EXPOSED_HEADERS, 'cache-control': 'no-store' };

/** POST /api/realtime/session -> { value, expires_at } for `new RTCPeerConnection` + /v1/realtime/calls. */
export function createSessionRoute(opts: RouteOptions): (req: Request) => Promise<Response> {
  return async function POST(req) {
    try {
      const who = await identified(opts, req);
      const body = (await req.json().catch(() => ({}))) as { session?: SessionConfig };
      // Only what the app allows the browser to choose; the rest comes from sessionDefaults.
      const session = pick(body.session, opts.broker.allowedOverrides);
      const out = await opts.broker.mint({
        tenant: who.tenant,
        user: who.user,
        ...(session ? { session } : {}),
      });
      return Response.json(
        { value: out.body.value, expires_at: out.body.expires_at },
        { headers: BASE_HEADERS },
      );
    } catch (err) {
      return errorResponse(err);
    }
  };
}

/** POST /api/realtime/call with the SDP offer as the body -> the SDP answer (no ephemeral key at all). */
export function createCallRoute(opts: RouteOptions): (req: Request) => Promise<Response> {
  return async function POST(req) {
    try {
      const who = await identified(opts, req);
      const sdp = await req.text();
      if (!sdp.startsWith('v=0'))
        throw new PacerError('PACER_INVALID_REQUEST', 'The body is not an SDP offer.', { param: 'sdp' });
      const out = await opts.broker.createCall({ tenant: who.tenant, user: who.user, sdp });
      return new Response(out.sdp, {
        status: 201,
        headers: { ...BASE_HEADERS, 'content-type': 'application/sdp', location: out.location },
      });
    } catch (err) {
      return errorResponse(err);
    }
  };
}

async function identified(opts: RouteOptions, req: Request): Promise<Identity> {
  const who = await opts.identify(req);
  if (!who) throw new PacerError('PACER_INVALID_API_KEY', 'Sign in to start a voice session.');
  return who;
}

function pick(session: SessionConfig | undefined, allowed: readonly string[]): SessionConfig | undefined {
  if (!session || typeof session !== 'object') return undefined;
  const out: SessionConfig = {};
  for (const k of allowed) if (session[k] !== undefined) out[k] = session[k];
  return out;
}

/** OpenAI-shaped error; retry-after(-ms) readable by the browser. */
function errorResponse(err: unknown): Response {
  const e =
    err instanceof PacerError ? err : new PacerError('PACER_INTERNAL', 'Could not start a voice session.');
  return Response.json(e.toBody(), {
    status: e.status,
    headers: { ...BASE_HEADERS, ...e.responseHeaders() },
  });
}
