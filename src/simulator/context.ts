import type { ServerResponse } from 'node:http';
import { forkRng, type Clock, type Rng } from '../core/clock.js';
import { openaiError } from '../core/errors.js';
import type { ModelInfo } from '../core/models.js';
import { systemClock } from '../platform/system.js';
import { writeJson } from './http.js';
import {
  createRateLimitService,
  SIM_ORG,
  type MintDecision,
  type RateLimitService,
} from './limits/service.js';
import { resolveOptions, type ResolvedSimOptions, type SimOptions } from './options.js';
import { simRetryAfterHeaders } from './retry-after.js';
import { createStats, type StatsRecorder } from './stats.js';

export interface SendOptions {
  /** Pool whose x-ratelimit-* headers go on the response (default gpt-4o-mini's). */
  model?: ModelInfo | undefined;
  headers?: Record<string, string>;
  /** When the request arrived (wall ms), for openai-processing-ms. */
  startedAt?: number;
  requestId?: string;
  /** x-ratelimit-* captured at admission (otherwise read from the pool now). */
  rateLimit?: Record<string, string>;
}

export interface ErrorOptions extends SendOptions {
  type?: string;
  code?: string | null;
  param?: string | null;
}

/**
 * The per-simulator shared state every route uses: options with defaults, the wall clock, seeded
 * rng streams, stats, the rate-limit service, ids, and the senders that put the standard OpenAI
 * headers (x-request-id, openai-*, x-ratelimit-*) on every response.
 */
export interface SimContext {
  readonly options: ResolvedSimOptions;
  readonly clock: Clock;
  /** A simulated duration (ms) in wall-clock ms: divided by the time scale. */
  scale(ms: number): number;
  /** An independent seeded stream per name (same seed + name = same sequence). */
  rng(stream: string): Rng;
  readonly stats: StatsRecorder;
  readonly limits: RateLimitService;
  /** Admits one client-secret mint or realtime session creation against --mint-rpm. */
  admitMint(): MintDecision;
  /** "req_" + 32 hex, unique per simulator, deterministic for a seed. */
  requestId(): string;
  /** prefix + `len` hex chars, unique per simulator. */
  newId(prefix: string, len?: number): string;
  /** Standard headers for a response (a fresh object the caller may extend). */
  headers(opts?: SendOptions): Record<string, string>;
  sendJson(res: ServerResponse, status: number, body: unknown, opts?: SendOptions): void;
  sendError(res: ServerResponse, status: number, message: string, opts?: ErrorOptions): void;
  /** retry-after (and retry-after-ms when enabled) for a wait of `wallMs`, as retry-after.ts says. */
  retryAfterHeaders(wallMs: number): Record<string, string>;
  /** 429 with retry-after (and retry-after-ms when enabled). */
  sendRateLimited(
    res: ServerResponse,
    message: string,
    type: string,
    retryAfterMs: number | undefined,
    opts?: SendOptions,
  ): void;
  readonly org: string;
}

export interface ContextDeps {
  clock?: Clock;
}

export function createSimContext(options: SimOptions = {}, deps: ContextDeps = {}): SimContext {
  const opts = resolveOptions(options);
  const clock = deps.clock ?? systemClock;
  const stats = createStats(clock);
  const limits = createRateLimitService(opts, clock);
  const rngs = new Map<string, Rng>();
  const idRng = forkRng(opts.seed, 'ids');
  const idPrefix = hex(idRng.next()) + hex(idRng.next());
  let counter = 0;

  const newId = (prefix: string, len = 32): string => {
    const n = ++counter;
    const body =
      idPrefix +
      hex((((Math.imul(n, 0x9e3779b1) >>> 0) ^ 0x5bd1e995) >>> 0) / 0x100000000) +
      hex(n / 0x100000000);
    return prefix + (len <= body.length ? body.slice(body.length - len) : body.padStart(len, '0'));
  };

  const headers = (o: SendOptions = {}): Record<string, string> => {
    const now = clock.now();
    const h: Record<string, string> = {
      'x-request-id': o.requestId ?? newId('req_'),
      'openai-organization': SIM_ORG,
      'openai-processing-ms': String(
        o.startedAt === undefined ? 0 : Math.max(0, Math.round(now - o.startedAt)),
      ),
      'openai-version': '2020-10-01',
      'access-control-expose-headers': 'X-Request-ID',
      ...(o.rateLimit ?? limits.headers(o.model)),
    };
    if (o.headers) Object.assign(h, o.headers);
    return h;
  };

  const sendJson = (res: ServerResponse, status: number, body: unknown, o: SendOptions = {}): void => {
    if (res.headersSent || res.destroyed) return;
    writeJson(res, status, typeof body === 'string' ? body : JSON.stringify(body), headers(o));
  };

  return {
    options: opts,
    clock,
    scale: (ms) => ms / opts.timeScale,
    rng(stream) {
      let r = rngs.get(stream);
      if (!r) {
        r = forkRng(opts.seed, stream);
        rngs.set(stream, r);
      }
      return r;
    },
    stats,
    limits,
    admitMint: () => limits.admitMint(),
    requestId: () => newId('req_'),
    newId,
    headers,
    sendJson,
    sendError(res, status, message, o = {}) {
      sendJson(
        res,
        status,
        openaiError(message, o.type ?? 'invalid_request_error', o.code ?? null, o.param ?? null),
        o,
      );
    },
    retryAfterHeaders: (wallMs) => simRetryAfterHeaders(wallMs, opts),
    sendRateLimited(res, message, type, retryAfterMs, o = {}) {
      const extra: Record<string, string> = {
        ...o.headers,
        ...(retryAfterMs === undefined ? {} : simRetryAfterHeaders(retryAfterMs, opts)),
      };
      const code = type === 'insufficient_quota' ? 'insufficient_quota' : 'rate_limit_exceeded';
      sendJson(res, 429, openaiError(message, type, code, null), { ...o, headers: extra });
    },
    org: SIM_ORG,
  };
}

function hex(x: number): string {
  return Math.floor(x * 0x100000000)
    .toString(16)
    .padStart(8, '0');
}
