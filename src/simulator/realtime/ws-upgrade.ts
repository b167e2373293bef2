import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { forkRng } from '../../core/clock.js';
import { openaiError } from '../../core/errors.js';
import { bearerKey, maskKey } from '../batches/http.js';
import { classifyKey } from './auth.js';
import type { RealtimeDeps } from './deps.js';
import {
  applySessionConfig,
  createDefaultSession,
  isRealtimeModel,
  type RealtimeSession,
} from './session-config.js';
import { runRealtimeSession } from './session.js';

const KEY_PROTOCOL = 'openai-insecure-api-key.';
/** Above the 15 MiB append cap (base64 inflates by 4/3), so oversize chunks get an error event, not a close. */
const MAX_FRAME = 24 * 1024 * 1024;

export interface RealtimeUpgrade {
  handle(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): boolean;
  close(): void;
}

/** `GET /v1/realtime` WebSocket: auth by header or browser subprotocol, then one session per socket. */
export function createRealtimeUpgrade(deps: RealtimeDeps): RealtimeUpgrade {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME,
    handleProtocols: (protocols) =>
      protocols.has('realtime') ? 'realtime' : (protocols.values().next().value ?? false),
  });
  let sessions = 0;

  return {
    handle(req, socket, head, url) {
      if (url.pathname !== '/v1/realtime' && url.pathname !== '/v1/realtime/') return false;
      socket.on('error', () => socket.destroy());
      const rejected = admit(deps, req, url);
      if ('status' in rejected) {
        reject(socket, rejected.status, rejected.body, rejected.headers);
        return true;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        deps.countSession();
        runRealtimeSession(deps, ws, rejected.session, forkRng(deps.seed, `realtime-${sessions++}`));
      });
      return true;
    },
    close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

type Admit =
  { session: RealtimeSession } | { status: number; body: unknown; headers?: Record<string, string> };

function admit(deps: RealtimeDeps, req: IncomingMessage, url: URL): Admit {
  const key = bearerKey(req) ?? protocolKey(req);
  const kind = key === undefined ? undefined : classifyKey(deps, key);
  if (!kind || kind.kind === 'invalid') {
    const message =
      key === undefined ? "You didn't provide an API key." : `Incorrect API key provided: ${maskKey(key)}.`;
    return { status: 401, body: openaiError(message, 'invalid_request_error', 'invalid_api_key') };
  }
  const model = url.searchParams.get('model');
  const callId = url.searchParams.get('call_id');
  let session: RealtimeSession;
  if (callId !== null) {
    const call = deps.secrets.findCall(callId);
    if (!call)
      return {
        status: 404,
        body: openaiError(`Call '${callId}' not found.`, 'invalid_request_error', 'not_found', 'call_id'),
      };
    return { session: call }; // a sideband connection joins the call's session, no new admission
  }
  if (kind.kind === 'ephemeral') {
    session = { ...structuredClone(kind.key.session), id: deps.ids.base62('sess_', 21) };
  } else {
    if (model === null)
      return {
        status: 400,
        body: openaiError(
          "Missing required parameter: 'model'.",
          'invalid_request_error',
          'missing_required_parameter',
          'model',
        ),
      };
    session = createDefaultSession(deps.ids.base62('sess_', 21), model, 0);
  }
  if (model !== null) {
    if (!isRealtimeModel(model))
      return {
        status: 400,
        body: openaiError(
          `Invalid model: '${model}'. The model must be a realtime model.`,
          'invalid_request_error',
          'model_not_found',
          'model',
        ),
      };
    applySessionConfig(session, { model });
  }
  session.expires_at = Math.floor((deps.now() + (60 * 60_000) / deps.timeScale) / 1000);
  const decision = deps.admitMint();
  if (!decision.ok)
    return {
      status: 429,
      body: openaiError(decision.message, 'requests', 'rate_limit_exceeded'),
      headers: deps.retryHeaders(decision.retryAfterMs),
    };
  return { session };
}

function protocolKey(req: IncomingMessage): string | undefined {
  const header = req.headers['sec-websocket-protocol'];
  if (typeof header !== 'string') return undefined;
  for (const p of header.split(',')) {
    const t = p.trim();
    if (t.startsWith(KEY_PROTOCOL) && t.length > KEY_PROTOCOL.length) return t.slice(KEY_PROTOCOL.length);
  }
  return undefined;
}

function reject(socket: Duplex, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  const reason =
    { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 429: 'Too Many Requests' }[status] ??
    'Error';
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n${extra}connection: close\r\n\r\n${text}`,
  );
}
