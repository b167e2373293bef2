/**
 * In-process pacing: a fetch for `new OpenAI({ fetch })`. Estimates from the body, acquires from
 * the engine, calls the real fetch, observes the answer and settles the lease from the body or
 * stream through a pass-through tap. Retries stay the SDK's: each retry comes back through here
 * and queues again; a shed request becomes a 429 with retry-after(-ms), which the SDK honours.
 */
import type { Clock, Rng } from '../core/clock.js';
import { PacerError } from '../core/errors.js';
import { findModel } from '../core/models.js';
import type { ModelInfo } from '../core/models.js';
import { SseDecoder } from '../core/openai/sse.js';
import { usageFromJsonText, usageFromSseEvent } from '../core/openai/usage.js';
import type { Usage } from '../core/openai/usage.js';
import type { Estimate, OutputDefaults } from '../core/tokens/estimate.js';
import type { EngineOptions, PacingEngine, Priority } from '../engine/types.js';
import { systemClock, systemRng } from '../platform/system.js';
import { createEngineFrom } from './engine.js';
import { estimateRequest, rememberResponse } from './estimate.js';
import { parseOutputDefaults } from './output-defaults.js';
import {
  DEADLINE_HEADER,
  DEFAULT_MAX_DEADLINE_MS,
  PRIORITY_HEADER,
  parseDeadlineMs,
  parsePriority,
} from './pacer-headers.js';
import { shedError } from './upstream/forward.js';
import type { InferenceRoute } from './validate.js';

export interface PacerOptions extends EngineOptions {
  /** Use this engine instead of building one (e.g. to share it between clients). */
  engine?: PacingEngine;
  /** The fetch that really sends (default: globalThis.fetch). */
  fetch?: typeof globalThis.fetch;
  tenant?: string;
  priority?: Priority;
  /**
   * Output tokens reserved when a request names no cap: a number, or a map of model id, family
   * or pool name to a number with `default` as the fallback (default 4096).
   */
  defaultMaxOutputTokens?: OutputDefaults;
  /** Cap on a request's x-pacer-deadline-ms (default 600 000, the SDK's own timeout). */
  maxDeadlineMs?: number;
  clock?: Clock;
  rng?: Rng;
}

export interface Pacer {
  fetch: typeof globalThis.fetch;
  engine: PacingEngine;
  close(): void;
}

const ROUTES: [string, InferenceRoute][] = [
  ['/chat/completions', 'chat'],
  ['/responses', 'responses'],
  ['/embeddings', 'embeddings'],
];

export function createPacer(options: PacerOptions = {}): Pacer {
  const clock = options.clock ?? systemClock;
  const engine = options.engine ?? createEngineFrom(options, { clock, rng: options.rng ?? systemRng });
  const realFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const defaultMaxOutput = parseOutputDefaults(options.defaultMaxOutputTokens, 'defaultMaxOutputTokens');
  const maxDeadlineMs = options.maxDeadlineMs ?? DEFAULT_MAX_DEADLINE_MS;

  const pacedFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const path = new URL(url).pathname;
    const route = method === 'POST' ? ROUTES.find(([suffix]) => path.endsWith(suffix))?.[1] : undefined;
    const bodyText = typeof init?.body === 'string' ? init.body : undefined;
    if (route === undefined || bodyText === undefined) return realFetch(input, init);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(bodyText) as Record<string, unknown>;
    } catch {
      return realFetch(input, init);
    }
    const modelId = typeof body['model'] === 'string' ? body['model'] : '';
    const info: ModelInfo = findModel(modelId) ?? {
      id: modelId,
      kind: 'chat',
      encoding: 'o200k_base',
      contextWindow: Number.MAX_SAFE_INTEGER,
      maxOutput: 0,
      snapshot: modelId,
      tier1: { rpm: 0, tpm: 0 },
    };
    let est: Estimate;
    try {
      est = estimateRequest(route, body, info, defaultMaxOutput);
    } catch (err) {
      // A body the API would refuse (nested too deeply to count): answer as it would.
      if (err instanceof PacerError) return errorResponse(err);
      throw err;
    }
    const pool = engine.poolFor(modelId);
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    const headers = new Headers(init?.headers);
    let priority: Priority;
    let deadlineMs: number | undefined;
    try {
      priority = parsePriority(headers.get(PRIORITY_HEADER)) ?? options.priority ?? 'default';
      deadlineMs = parseDeadlineMs(headers.get(DEADLINE_HEADER), maxDeadlineMs);
    } catch (err) {
      // The same 400 the gateway answers: the SDK raises it as a BadRequestError.
      if (err instanceof PacerError) return errorResponse(err);
      throw err;
    }
    const got = await engine.acquire({
      pool,
      tenant: options.tenant ?? 'default',
      priority,
      tokens: est.total,
      ...(deadlineMs !== undefined ? { deadlineMs } : {}),
      ...(signal ? { signal } : {}),
    });
    if (!got.ok) {
      if (got.reason === 'aborted')
        throw signal?.reason ?? new DOMException('The operation was aborted.', 'AbortError');
      return errorResponse(shedError(got));
    }
    const lease = got.lease;
    const sentAt = clock.now();
    let res: Response;
    try {
      res = await realFetch(input, init);
    } catch (err) {
      // The caller's own abort (its AbortController, or the SDK's timeout, which aborts the same
      // signal) says nothing about the upstream: free the reservation, keep it out of the
      // breaker. A real network error (refused, reset, DNS) still counts as a failure.
      if (!signal?.aborted) engine.observe({ pool, status: 0, headers: {}, sentAt, receivedAt: clock.now() });
      lease.cancel();
      throw err;
    }
    const flat: Record<string, string | undefined> = {};
    res.headers.forEach((v, k) => (flat[k] = v));
    engine.observe({ pool, status: res.status, headers: flat, sentAt, receivedAt: clock.now() });
    if (!res.ok || res.body === null) {
      lease.cancel();
      return res;
    }
    const sse = (res.headers.get('content-type') ?? '').startsWith('text/event-stream');
    // Without usage (a cut stream), settle with the input and what streamed (~1 token an event).
    const done = (usage: Usage | null, events: number): void => {
      lease.settle(usage?.total ?? est.input + est.history + events);
      rememberResponse(body, usage);
    };
    return new Response(tapUsage(res.body, route, sse, done), {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
  };

  return {
    fetch: pacedFetch as typeof globalThis.fetch,
    engine,
    close: () => engine.close(),
  };
}

/**
 * Passes bytes through unchanged and calls `done` once: with the usage it saw, or null when the
 * stream failed or the consumer cancelled it first, and the SSE events that went through.
 */
function tapUsage(
  source: ReadableStream<Uint8Array>,
  route: InferenceRoute,
  sse: boolean,
  done: (usage: Usage | null, events: number) => void,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  const decoder = sse ? new SseDecoder() : null;
  const text = sse ? null : new TextDecoder();
  let json = '';
  let usage: Usage | null = null;
  let events = 0;
  let settled = false;
  const settle = (): void => {
    if (settled) return;
    settled = true;
    done(usage, events);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let step: Awaited<ReturnType<typeof reader.read>>;
      try {
        step = await reader.read();
      } catch (err) {
        settle();
        controller.error(err);
        return;
      }
      if (step.done) {
        if (decoder) for (const ev of decoder.end()) usage = usageFromSseEvent(route, ev) ?? usage;
        if (text) usage = usageFromJsonText(json + text.decode());
        settle();
        controller.close();
        return;
      }
      const chunk = step.value;
      if (decoder) {
        for (const ev of decoder.push(chunk)) {
          events++;
          usage = usageFromSseEvent(route, ev) ?? usage;
        }
      } else if (text) {
        json += text.decode(chunk, { stream: true });
        if (json.length > 262_144) json = json.slice(-131_072);
      }
      controller.enqueue(chunk);
    },
    cancel(reason) {
      settle();
      return reader.cancel(reason);
    },
  });
}

function errorResponse(err: PacerError): Response {
  return new Response(JSON.stringify(err.toBody()), {
    status: err.status,
    headers: { 'content-type': 'application/json', ...err.responseHeaders() },
  });
}
