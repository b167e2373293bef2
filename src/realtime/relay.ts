import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { PacerError } from '../core/errors.js';
import type { RealtimeBroker } from './broker.js';
import { rejectUpgrade } from './http-io.js';
import type { SessionTicket } from './types.js';
import { retryAfterOf } from './upstream.js';

/** Above this much unsent data on one side, the other side stops being read. */
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;
const TYPE_RE = /"type"\s*:\s*"([^"]{1,64})"/;
const EVENT_ID_RE = /"event_id"\s*:\s*"([^"]{1,128})"/;
const USAGE_MARK = Buffer.from('response.done');
const LIMITS_MARK = Buffer.from('rate_limits.updated');

export interface RelayTarget {
  tenant: string;
  user: string;
  query: URLSearchParams;
}

export interface Relay {
  /** Admits, opens the upstream socket, then completes the client's upgrade; refuses with HTTP otherwise. */
  handle(req: IncomingMessage, socket: Duplex, head: Buffer, target: RelayTarget): Promise<void>;
  close(): void;
}

export const eventId = () => `event_${randomBytes(11).toString('base64url')}`;

export function createRelay(broker: RealtimeBroker): Relay {
  const limits = broker.limits;
  const maxPayload = Math.max(limits.maxAppendBytes, limits.maxEventBytes) + 1024 * 1024;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload,
    perMessageDeflate: false,
    // The browser offers ["realtime", "openai-insecure-api-key.<key>"]; the answer is "realtime".
    handleProtocols: (protocols) => (protocols.has('realtime') ? 'realtime' : false),
  });
  const live = new Set<() => void>();

  async function handle(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    target: RelayTarget,
  ): Promise<void> {
    let ticket: SessionTicket;
    try {
      if (!target.query.get('model') && !target.query.get('call_id'))
        throw new PacerError(
          'PACER_INVALID_REQUEST',
          'Pass ?model= (or ?call_id=) to open a realtime session.',
          { param: 'model' },
        );
      const deadlineHeader = Number(req.headers['x-pacer-deadline-ms']);
      ticket = await broker.admitSession({
        tenant: target.tenant,
        user: target.user,
        ...(deadlineHeader > 0 ? { maxWaitMs: deadlineHeader } : {}),
      });
    } catch (err) {
      rejectUpgrade(socket, err);
      return;
    }
    const up = new WebSocket(broker.upstream.wsUrl(target.query), {
      headers: { authorization: `Bearer ${broker.upstream.apiKey}` },
      perMessageDeflate: false,
      handshakeTimeout: 15_000,
      maxPayload,
    });
    const early: { data: RawData; isBinary: boolean }[] = [];
    up.on('message', (data, isBinary) => early.push({ data, isBinary }));
    up.once('unexpected-response', (_r, res) => {
      const status = res.statusCode ?? 502;
      if (status === 429) {
        const retryAfterMs = retryAfterOf({ get: (n) => (res.headers[n] as string | undefined) ?? null });
        broker.counters.upstream429++;
        broker.options.onUpstream429?.({ route: 'realtime', retryAfterMs });
        rejectUpgrade(
          socket,
          new PacerError('PACER_RATE_LIMITED', 'The upstream is rate limiting realtime sessions.', {
            retryAfterMs,
          }),
        );
      } else {
        rejectUpgrade(
          socket,
          new PacerError('PACER_UPSTREAM_ERROR', `The upstream refused the realtime session (${status}).`),
        );
      }
      res.resume();
      up.terminate();
      void ticket.release();
    });
    let piped = false;
    up.once('error', () => {
      if (piped) return;
      if (up.readyState !== WebSocket.CLOSED && up.readyState !== WebSocket.CLOSING) return;
      rejectUpgrade(
        socket,
        new PacerError('PACER_UPSTREAM_UNAVAILABLE', 'The upstream realtime endpoint is unreachable.'),
      );
      void ticket.release();
    });
    up.once('open', () => {
      if (socket.destroyed) {
        up.close(1000);
        void ticket.release();
        return;
      }
      wss.handleUpgrade(req, socket, head, (client) => {
        piped = true;
        up.removeAllListeners('message');
        pipe(client, up, ticket, target, early);
      });
    });
  }

  function pipe(
    client: WebSocket,
    up: WebSocket,
    ticket: SessionTicket,
    target: RelayTarget,
    early: { data: RawData; isBinary: boolean }[],
  ): void {
    broker.counters.relaySessions++;
    broker.counters.activeRelays++;
    const model = target.query.get('model') ?? 'unknown';
    let closed = false;

    const toClient = (data: RawData, isBinary: boolean) => {
      if (client.readyState !== WebSocket.OPEN) return;
      if (!isBinary) tap(data as Buffer);
      client.send(data, { binary: isBinary }, () => {
        if (up.isPaused && client.bufferedAmount < LOW_WATER) up.resume();
      });
      if (client.bufferedAmount > HIGH_WATER) up.pause();
    };
    const tap = (buf: Buffer) => {
      const usage = buf.includes(USAGE_MARK);
      if (!usage && !buf.includes(LIMITS_MARK)) return;
      let ev: { type?: string; response?: { usage?: Record<string, unknown> | null }; rate_limits?: [] };
      try {
        ev = JSON.parse(buf.toString('utf8')) as typeof ev;
      } catch {
        return;
      }
      if (ev.type === 'response.done' && ev.response?.usage) {
        broker.options.onUsage?.({
          tenant: target.tenant,
          user: target.user,
          model,
          sessionId: ticket.id,
          usage: ev.response.usage,
        });
      } else if (ev.type === 'rate_limits.updated' && Array.isArray(ev.rate_limits)) {
        broker.options.onRateLimits?.({
          tenant: target.tenant,
          user: target.user,
          model,
          rateLimits: ev.rate_limits,
        });
      }
    };
    const sendEvent = (event: Record<string, unknown>) => {
      if (client.readyState === WebSocket.OPEN)
        client.send(JSON.stringify({ type: event.type, event_id: eventId(), ...event }));
    };

    for (const m of early) toClient(m.data, m.isBinary);
    up.on('message', toClient);

    client.on('message', (data, isBinary) => {
      const buf = data as Buffer;
      const head = buf.subarray(0, 512).toString('latin1');
      const type = TYPE_RE.exec(head)?.[1];
      const limit = type === 'input_audio_buffer.append' ? limits.maxAppendBytes : limits.maxEventBytes;
      if (buf.length > limit) {
        // Rejected whole: nothing of it reaches the upstream.
        sendEvent({
          type: 'error',
          error: {
            type: 'invalid_request_error',
            code: 'message_too_large',
            message: `The ${type ?? 'client'} event is ${buf.length} bytes; the limit is ${limit} bytes.`,
            param: null,
            event_id: EVENT_ID_RE.exec(head)?.[1] ?? null,
          },
        });
        return;
      }
      if (up.readyState !== WebSocket.OPEN) return;
      up.send(buf, { binary: isBinary }, () => {
        if (client.isPaused && up.bufferedAmount < LOW_WATER) client.resume();
      });
      if (up.bufferedAmount > HIGH_WATER) client.pause();
    });

    const startedAt = Date.now();
    const warnIn = limits.sessionMaxMs - limits.sessionWarningMs;
    const warnTimer = setTimeout(() => {
      // A real server event type the SDK passes through untouched; see docs/realtime.md.
      const remaining = (limits.sessionMaxMs - (Date.now() - startedAt)) / 1000;
      sendEvent({
        type: 'rate_limits.updated',
        rate_limits: [
          {
            name: 'session_seconds',
            limit: limits.sessionMaxMs / 1000,
            remaining: Math.max(0, Math.round(remaining * 1000) / 1000),
            reset_seconds: Math.max(0, remaining),
          },
        ],
      });
    }, warnIn);
    const endTimer = setTimeout(() => {
      const minutes = Math.round((limits.sessionMaxMs / 60_000) * 1000) / 1000;
      sendEvent({
        type: 'error',
        error: {
          type: 'invalid_request_error',
          code: 'session_expired',
          message: `Your session hit the maximum duration of ${minutes} minutes.`,
          param: null,
          event_id: null,
        },
      });
      client.close(1001, 'session expired');
      up.close(1000);
    }, limits.sessionMaxMs);
    const beat = setInterval(() => void ticket.touch().catch(() => undefined), limits.heartbeatMs);

    const finish = () => {
      if (closed) return;
      closed = true;
      clearTimeout(warnTimer);
      clearTimeout(endTimer);
      clearInterval(beat);
      live.delete(kill);
      broker.counters.activeRelays--;
      void ticket.release().catch(() => undefined);
    };
    const kill = () => {
      client.terminate();
      up.terminate();
    };
    live.add(kill);
    client.on('close', (code) => {
      finish();
      if (up.readyState === WebSocket.OPEN) up.close(sendable(code) ? code : 1000);
      else up.terminate();
    });
    up.on('close', (code, reason) => {
      finish();
      if (client.readyState === WebSocket.OPEN)
        client.close(sendable(code) ? code : 1011, reason.subarray(0, 120));
    });
    client.on('error', () => up.terminate());
    up.on('error', () => client.terminate());
  }

  return {
    handle,
    close() {
      for (const kill of [...live]) kill();
      wss.close();
    },
  };
}

/** Close codes a peer may send (1005/1006/1015 are reserved for reporting). */
function sendable(code: number): boolean {
  return (
    code === 1000 ||
    (code >= 1001 && code <= 1014 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999)
  );
}
