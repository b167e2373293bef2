import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BodyTooLargeError,
  bearerKey,
  isRecord,
  readBody,
  sendError,
  sendUnauthorized,
} from '../batches/http.js';
import type { RouteGroup } from '../batches/route.js';
import { classifyKey, sendMintLimited } from './auth.js';
import type { RealtimeDeps } from './deps.js';
import { buildAnswer, parseOffer } from './sdp.js';
import {
  applySessionConfig,
  createDefaultSession,
  DEFAULT_REALTIME_MODEL,
  type RealtimeSession,
} from './session-config.js';

const MAX_OFFER_BYTES = 256 * 1024;

/**
 * `POST /v1/realtime/calls`: the WebRTC SDP exchange, either the raw offer with an ephemeral
 * key (session from the key) or the unified multipart form (sdp + session) with a server key.
 */
export function createCallsRoutes(deps: RealtimeDeps): RouteGroup {
  return async (req, res, url) => {
    if (!url.pathname.startsWith('/v1/realtime/calls')) return false;
    const key = bearerKey(req);
    const kind = key === undefined ? undefined : classifyKey(deps, key);
    if (!kind || kind.kind === 'invalid') {
      sendUnauthorized(res, key);
      return true;
    }
    const tail = url.pathname.slice('/v1/realtime/calls'.length);
    if (tail !== '' && tail !== '/') {
      const m = /^\/(rtc_[A-Za-z0-9_]+)\/(accept|reject|refer|hangup)$/.exec(tail);
      if (req.method === 'POST' && m && deps.secrets.findCall(m[1]!)) {
        res.writeHead(200, { 'content-length': 0 }).end();
      } else {
        sendError(res, 404, `Invalid URL (${req.method ?? ''} ${url.pathname})`);
      }
      return true;
    }
    if (req.method !== 'POST') {
      sendError(res, 405, `Method ${req.method ?? ''} not allowed for /v1/realtime/calls.`, {
        code: 'method_not_allowed',
      });
      return true;
    }
    let input: { sdp: string; session: RealtimeSession } | undefined;
    try {
      input = await readCallInput(req, res, deps, kind);
    } catch (err) {
      if (!(err instanceof BodyTooLargeError)) throw err;
      sendError(res, 413, 'The SDP offer is too large.', { code: 'request_too_large' });
      return true;
    }
    if (input) answer(res, deps, input.sdp, input.session);
    return true;
  };
}

async function readCallInput(
  req: IncomingMessage,
  res: ServerResponse,
  deps: RealtimeDeps,
  kind: ReturnType<typeof classifyKey>,
): Promise<{ sdp: string; session: RealtimeSession } | undefined> {
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  const raw = await readBody(req, MAX_OFFER_BYTES);
  const fresh = (): RealtimeSession =>
    createDefaultSession(deps.ids.base62('sess_', 21), DEFAULT_REALTIME_MODEL, 0);
  if (contentType.startsWith('application/sdp')) {
    const session =
      kind.kind === 'ephemeral'
        ? { ...structuredClone(kind.key.session), id: deps.ids.base62('sess_', 21) }
        : fresh();
    return { sdp: raw.toString('utf8'), session };
  }
  if (!contentType.startsWith('multipart/form-data')) {
    sendError(
      res,
      400,
      `Unsupported Content-Type '${contentType}': send application/sdp or multipart/form-data.`,
    );
    return undefined;
  }
  if (kind.kind !== 'server') {
    sendUnauthorized(res, bearerKey(req));
    return undefined;
  }
  let form: FormData;
  try {
    form = await new Response(raw, {
      headers: { 'content-type': req.headers['content-type'] ?? '' },
    }).formData();
  } catch {
    sendError(res, 400, 'Could not parse multipart form data.');
    return undefined;
  }
  const sdp = await partText(form.get('sdp'));
  if (sdp === undefined) {
    sendError(res, 400, "Missing required parameter: 'sdp'.", {
      param: 'sdp',
      code: 'missing_required_parameter',
    });
    return undefined;
  }
  const session = fresh();
  const cfgText = await partText(form.get('session'));
  if (cfgText !== undefined) {
    let cfg: unknown;
    try {
      cfg = JSON.parse(cfgText);
    } catch {
      cfg = undefined;
    }
    if (!isRecord(cfg)) {
      sendError(res, 400, "Invalid 'session': expected a JSON object.", {
        param: 'session',
        code: 'invalid_value',
      });
      return undefined;
    }
    const err = applySessionConfig(session, cfg);
    if (err) {
      sendError(res, 400, err.message, { param: err.param, code: err.code });
      return undefined;
    }
  }
  return { sdp, session };
}

async function partText(part: ReturnType<FormData['get']>): Promise<string | undefined> {
  if (part === null) return undefined;
  return typeof part === 'string' ? part : await part.text();
}

function answer(res: ServerResponse, deps: RealtimeDeps, sdp: string, session: RealtimeSession): void {
  const parsed = parseOffer(sdp);
  if (!parsed.ok) return sendError(res, 400, parsed.message, { param: 'sdp', code: 'invalid_offer' });
  const decision = deps.admitMint();
  if (!decision.ok) return sendMintLimited(res, deps, decision);
  const callId = deps.ids.hex('rtc_');
  deps.secrets.addCall(callId, session);
  deps.countSession();
  const body = buildAnswer(parsed.offer, {
    sessionId: String(Math.floor(deps.now() * 1000) % 9_007_199_254_740_991),
    iceUfrag: deps.ids.base62('', 8),
    icePwd: deps.ids.base62('', 24),
    fingerprint: fingerprintOf(deps),
  });
  res.writeHead(201, {
    'content-type': 'application/sdp',
    'content-length': Buffer.byteLength(body),
    location: `/v1/realtime/calls/${callId}`,
  });
  res.end(body);
}

function fingerprintOf(deps: RealtimeDeps): string {
  const hex = deps.ids.hex('', 64).toUpperCase();
  return hex.match(/../g)!.join(':');
}
